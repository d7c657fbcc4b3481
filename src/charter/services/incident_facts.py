"""Every incident Charter knows: the Markdown postmortems of the strategy repository merged with the
incidents imported from PagerDuty, Opsgenie and incident.io, plus the metric values `charter sync`
snapshots from them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.engine import Connection

from charter.analysis.component_sources import component_key, component_scopes
from charter.analysis.reliability.incident_merge import merge_incidents
from charter.analysis.reliability.incidents import IncidentGrouping, IncidentOptions, incident_metric_rows
from charter.model.incident import Incident
from charter.model.metric_values import MetricValue, scope_from_stored
from charter.services.workspace import Workspace
from charter.store.database import Store
from charter.store.incidents import read_imported_incidents


def all_incidents(workspace: Workspace, connection: Connection | None) -> list[Incident]:
    """The repository's postmortems and the store's imported incidents, one Incident per real
    incident: records that name each other in `aliases` (or share an alias) are merged, the
    postmortem's fields winning and the exports filling what it lacks. Without a store, the
    postmortems alone."""
    imported = read_imported_incidents(connection) if connection is not None else []
    return merge_incidents(list(workspace.estate.incidents), imported)


def incident_budget_shares(
    workspace: Workspace, store: Store, incidents: Sequence[Incident]
) -> dict[str, dict[str, float]]:
    """The share of each SLO's error budget each incident used, for the SLOs of its services that
    have SLI data (`charter import sli` / `charter sync`): incident id -> SLO name -> share. Each
    share is over the SLO's window ending when the incident was resolved."""
    from charter.analysis.reliability.slo_status import incident_budget_share
    from charter.services.sli_facts import counts_for_incident

    estate = workspace.estate
    slos_of: dict[str, list[str]] = {}
    for ref, names in estate.component_slos.items():
        slos_of.setdefault(component_key(ref), []).extend(names)
    on_slo: dict[str, list[Incident]] = {}
    for incident in incidents:
        if incident.started is None:
            continue
        for service in incident.services:
            for name in slos_of.get(service, ()):
                on_slo.setdefault(name, []).append(incident)
    period = workspace.policies.slo_period
    shares: dict[str, dict[str, float]] = {}
    for name, affected in sorted(on_slo.items()):
        slo = estate.slos[name]
        length = slo.period or period
        ends = [incident.resolved or incident.started for incident in affected if incident.started]
        edges = [moment for incident in affected for moment in (incident.started, incident.resolved) if moment]
        counts = counts_for_incident(store, slo, min(ends) - length, max(ends), edges, period=length)
        for incident in affected:
            share = incident_budget_share(counts, slo, incident, default_period=period)
            if share is not None:
                shares.setdefault(incident.id, {})[name] = share
    return shares


def incident_options(
    workspace: Workspace,
    since: datetime,
    until: datetime,
    today: date,
    by: IncidentGrouping = IncidentGrouping.ORG,
) -> IncidentOptions:
    policies = workspace.policies
    organization = workspace.estate.organization
    return IncidentOptions(
        since=since,
        until=until,
        today=today,
        postmortem_within_days=policies.postmortem_within_days,
        repeat_window_days=policies.repeat_incident_window_days,
        organization=organization.metadata.name if organization else "org",
        by=by,
    )


def incident_metric_values(
    workspace: Workspace, incidents: Sequence[Incident], since: datetime, until: datetime
) -> list[MetricValue]:
    """The reliability incident metrics (count, SEV1 count, MTTA and MTTR p50, repeats, postmortem
    completion, overdue action items) of [since, until) per component, team and the organisation,
    for the snapshot of `charter sync`; `incidents` as `all_incidents` gives them."""
    options = incident_options(workspace, since, until, until.date())
    return [
        MetricValue(row.metric, scope_from_stored(row.scope_kind, row.scope_ref), row.value, row.unit)
        for row in incident_metric_rows(incidents, component_scopes(workspace.estate), options)
    ]
