"""Error budgets over the store's SLI counts: each SLO's status at a moment (`charter slo status`),
the snapshot values `charter sync` records, and the counts other reports need (the share of an
error budget an incident used)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta

from charter.analysis.component_sources import component_key, component_scopes
from charter.analysis.metrics import METRICS
from charter.analysis.reliability.sli_counts import MINUTES_PER_DAY, SliCounts, epoch_minute
from charter.analysis.reliability.slo_calendar import slo_window
from charter.analysis.reliability.slo_status import (
    SloStatusReport,
    StatusContext,
    alert_windows,
    incident_span,
    minute_days_needed,
    relevant_incidents,
    slo_status,
)
from charter.model.incident import Incident
from charter.model.metric_values import MetricValue, scope_from_stored
from charter.model.slo import Slo
from charter.services.workspace import Workspace
from charter.store.database import Store
from charter.store.sli import read_sli_counts


def slo_status_report(
    workspace: Workspace,
    store: Store,
    as_of: datetime,
    names: Collection[str] | None = None,
    incidents: Sequence[Incident] | None = None,
) -> SloStatusReport:
    """The status of every SLO (or of those named) at `as_of`, reading hourly rollups for their
    windows and minutes only where a window edge needs them. Incidents are the postmortems merged
    with the imported ones (read from the store unless the caller has them)."""
    slos = workspace.estate.slos
    chosen = [slos[name] for name in sorted(slos) if names is None or name in names]
    unknown = tuple(sorted(set(names or ()) - set(slos)))
    policies = workspace.policies
    components = {name: component_key(ref) for name, ref in workspace.estate.slo_components.items()}
    if incidents is None:
        incidents = _incidents(workspace, store)
    windows = {slo.name: slo_window(slo, as_of, policies.slo_period) for slo in chosen}
    lengths = {
        length
        for slo in chosen
        for alert in alert_windows(slo, policies, windows[slo.name].length).windows
        for length in (alert.long, alert.short)
    }
    spans = [
        span
        for slo in chosen
        for incident in relevant_incidents(incidents, _names(slo, components), windows[slo.name])
        if (span := incident_span(incident, as_of)) is not None
    ]
    longest = max(lengths, default=timedelta(0))
    counts = read_counts(
        store,
        chosen,
        min((min(window.start, window.end - longest) for window in windows.values()), default=as_of),
        as_of,
        minute_days_needed(windows.values(), lengths, spans),
    )
    statuses = tuple(
        slo_status(slo, counts[slo.name], StatusContext(as_of, policies, components.get(slo.name), incidents))
        for slo in chosen
    )
    return SloStatusReport(as_of, statuses, unknown)


def _incidents(workspace: Workspace, store: Store) -> list[Incident]:
    """The postmortems merged with the incidents imported into the store."""
    from charter.services.incident_facts import all_incidents

    with store.engine.connect() as connection:
        return all_incidents(workspace, connection)


def _names(slo: Slo, components: dict[str, str]) -> set[str]:
    return {name.lower() for name in (components.get(slo.name), slo.service) if name}


def read_counts(
    store: Store, slos: Iterable[Slo], since: datetime, until: datetime, minute_days: Collection[int] = ()
) -> dict[str, SliCounts]:
    """The SLOs' counts from `since` to `until`: hourly rollups, the minutes of `minute_days`, and
    every minute of SLOs budgeted by time slices."""
    chosen = list(slos)
    every = [slo.name for slo in chosen if slo.budgeting != "occurrences"]
    first_day = epoch_minute(since) // MINUTES_PER_DAY
    last_day = epoch_minute(until) // MINUTES_PER_DAY
    with store.engine.connect() as connection:
        return read_sli_counts(connection, [slo.name for slo in chosen], first_day, last_day, minute_days, every)


def counts_for_incident(
    store: Store,
    slo: Slo,
    since: datetime,
    until: datetime,
    incident_edges: Iterable[datetime],
    period: timedelta | None = None,
) -> SliCounts:
    """One SLO's counts over [since, until] as `incident_budget_share` needs them: the minutes of the
    days holding each incident edge and the start of the SLO window (`period`, else the SLO's own)
    ending at it. Without a known period, every day's minutes are read (exact, slower)."""
    length = period or slo.period
    edges = list(incident_edges)
    if length is None:
        with store.engine.connect() as connection:
            first_day, last_day = epoch_minute(since) // MINUTES_PER_DAY, epoch_minute(until) // MINUTES_PER_DAY
            return read_sli_counts(connection, [slo.name], first_day, last_day, (), [slo.name])[slo.name]
    moments = edges + [edge - length for edge in edges] + [since, until]
    days = {epoch_minute(moment) // MINUTES_PER_DAY for moment in moments}
    days |= {day - 1 for day in days}
    return read_counts(store, [slo], min(moments), until, days)[slo.name]


def slo_metric_values(
    workspace: Workspace, store: Store, as_of: datetime, incidents: Sequence[Incident]
) -> list[MetricValue]:
    """`reliability.slo_attainment` and `reliability.error_budget_remaining` per component, team and
    the organisation (the worst SLO of each), for `charter sync`'s snapshot."""
    from charter.analysis.reliability.slo_status import slo_metric_values as values_of

    report = slo_status_report(workspace, store, as_of, incidents=incidents)
    teams = {key: scope.team for key, scope in component_scopes(workspace.estate).items()}
    organization = workspace.estate.organization
    name = organization.metadata.name if organization else "org"
    return [
        MetricValue(
            item.metric,
            scope_from_stored(item.scope_kind, item.scope_ref),
            item.value,
            METRICS[item.metric].unit.value,
        )
        for item in values_of(report.statuses, teams, name)
    ]
