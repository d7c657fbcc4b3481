"""`incidents`: every incident Charter knows (the strategy repository's Markdown postmortems merged
with the incidents imported from PagerDuty, Opsgenie and incident.io), the incident report over a
period with the share of each SLO's error budget each incident used, and the incident metric
values `charter sync` snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from charter.analysis.component_sources import component_key, component_scopes
from charter.analysis.reliability import metric_values as reliability_metrics
from charter.analysis.reliability.incident_merge import merge_incidents
from charter.analysis.reliability.incidents import IncidentGrouping, IncidentOptions, incident_report
from charter.analysis.reliability.slo_status import incident_budget_share
from charter.model.errors import UsageError
from charter.model.incident import Incident
from charter.model.metric_values import MetricValue
from charter.services.context import Context
from charter.services.sli_counts import counts_for_incident
from charter.store.database import Store
from charter.store.incidents import read_imported_incidents

if TYPE_CHECKING:
    from charter.outputs.views import incidents as view


@dataclass(frozen=True, slots=True)
class IncidentsQuery:
    """The period [since, until) of `charter incidents`, and what it groups by: service, team,
    severity or org."""

    since: datetime
    until: datetime
    by: str = IncidentGrouping.ORG.value


def all_incidents(strategy: Context, connection: Connection | None) -> list[Incident]:
    """The repository's postmortems and the store's imported incidents, one Incident per real
    incident: records that name each other in `aliases` (or share an alias) are merged, the
    postmortem's fields winning and the exports filling what it lacks. Without a store, the
    postmortems alone."""
    imported = read_imported_incidents(connection) if connection is not None else []
    merged = merge_incidents(list(strategy.estate.incidents), imported)
    if strategy.only_components is None:
        return merged
    return [item for item in merged if any(strategy.counts_component(service) for service in item.services)]


def known_incidents(context: Context) -> list[Incident]:
    """`all_incidents` over the context's store, when it has one."""
    if context.store is None:
        return all_incidents(context, None)
    with context.store.engine.connect() as connection:
        return all_incidents(context, connection)


def incident_budget_shares(
    strategy: Context, store: Store, incidents: Sequence[Incident]
) -> dict[str, dict[str, float]]:
    """The share of each SLO's error budget each incident used, for the SLOs of its services that
    have SLI data (`charter import sli` / `charter sync`): incident id -> SLO name -> share. Each
    share is over the SLO's window ending when the incident was resolved."""
    estate = strategy.estate
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
    period = strategy.policies.slo_period
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
    strategy: Context,
    since: datetime,
    until: datetime,
    today: date,
    by: IncidentGrouping = IncidentGrouping.ORG,
) -> IncidentOptions:
    """The incident report's options over [since, until) on `today`, with the policies' windows."""
    policies = strategy.policies
    organization = strategy.estate.organization
    return IncidentOptions(
        since=since,
        until=until,
        today=today,
        postmortem_within_days=policies.postmortem_within_days,
        repeat_window_days=policies.repeat_incident_window_days,
        organization=organization.metadata.name if organization else "org",
        by=by,
    )


def incidents_report(context: Context, query: IncidentsQuery) -> view.IncidentsReport:
    """Incidents by severity, MTTA and MTTR, time in SEV1/SEV2, repeats, postmortem completion and
    open action items per group over the period; with a store, the imported incidents too and the
    share of error budget each incident used (where there is SLI data). Action items and
    postmortems are overdue as of the period's end (now, for a period that ends now), as the
    snapshot counts them, so a report on a past period says the same every day it is asked."""
    from charter.services.incident_views import incidents_view

    try:
        grouping = IncidentGrouping(query.by)
    except ValueError:
        known = ", ".join(item.value for item in IncidentGrouping)
        raise UsageError(f"cannot group incidents by {query.by!r} (by: {known})") from None
    incidents = known_incidents(context)
    shares: dict[str, dict[str, float]] = {}
    if context.store is not None:
        in_period = [item for item in incidents if item.started and query.since <= item.started < query.until]
        shares = incident_budget_shares(context, context.store, in_period)
    today = min(context.clock(), query.until).date()
    options = incident_options(context, query.since, query.until, today, grouping)
    return incidents_view(incident_report(incidents, component_scopes(context.estate), options, shares))


def incident_metric_values(
    strategy: Context, incidents: Sequence[Incident], since: datetime, until: datetime
) -> list[MetricValue]:
    """The reliability incident metrics (count, SEV1 count, MTTA and MTTR p50, repeats, postmortem
    completion, overdue action items) of [since, until) per component, team and the organisation,
    for the snapshot of `charter sync`; `incidents` as `all_incidents` gives them."""
    options = incident_options(strategy, since, until, until.date())
    return reliability_metrics.incident_metric_values(incidents, component_scopes(strategy.estate), options)
