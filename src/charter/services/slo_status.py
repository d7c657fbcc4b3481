"""`slo status`: every SLO's error budget at a moment over the store's SLI counts, and the SLO metric
values `charter sync` snapshots (attainment and budget left, the worst SLO of each scope)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from charter.analysis.component_sources import component_key, component_scopes
from charter.analysis.reliability import metric_values as reliability_metrics
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
from charter.model.metric_values import MetricValue
from charter.model.slo import Slo
from charter.services.context import Context
from charter.services.incidents import known_incidents
from charter.services.sli_counts import read_counts
from charter.store.database import Store

if TYPE_CHECKING:
    from charter.outputs.views import slo_status as view


@dataclass(frozen=True, slots=True)
class SloStatusQuery:
    """The moment the windows end (default: the context's clock) and the SLOs (default: all)."""

    as_of: datetime | None = None
    names: tuple[str, ...] = ()


def slo_status_report(context: Context, query: SloStatusQuery) -> view.SloStatusReport:
    """The status of every SLO (or of those named) at the query's moment. Names no SLO has are
    listed in the view's `unknown`; the command line exits 1 on them."""
    from charter.services.slo_status_views import slo_status_view

    as_of = query.as_of or context.clock()
    report = slo_statuses(context, context.required_store(), as_of, query.names or None, known_incidents(context))
    return slo_status_view(report)


def _names(slo: Slo, components: dict[str, str]) -> set[str]:
    return {name.lower() for name in (components.get(slo.name), slo.service) if name}


def slo_statuses(
    strategy: Context,
    store: Store,
    as_of: datetime,
    names: Sequence[str] | None = None,
    incidents: Sequence[Incident] = (),
) -> SloStatusReport:
    """The status of every SLO (or of those named) at `as_of`, reading hourly rollups for their
    windows and minutes only where a window edge needs them. `incidents` are the postmortems merged
    with the imported ones, for the policy's verdicts (none: no verdicts on incidents)."""
    slos = strategy.estate.slos
    chosen = [slos[name] for name in sorted(slos) if names is None or name in names]
    unknown = tuple(sorted(set(names or ()) - set(slos)))
    policies = strategy.policies
    components = {name: component_key(ref) for name, ref in strategy.estate.slo_components.items()}
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


def slo_metric_values(
    strategy: Context, store: Store, as_of: datetime, incidents: Sequence[Incident]
) -> list[MetricValue]:
    """`reliability.slo_attainment` and `reliability.error_budget_remaining` per component, team and
    the organisation (the worst SLO of each), for `charter sync`'s snapshot."""
    report = slo_statuses(strategy, store, as_of, None, incidents)
    teams = {key: scope.team for key, scope in component_scopes(strategy.estate).items()}
    organization = strategy.estate.organization
    name = organization.metadata.name if organization else "org"
    return reliability_metrics.slo_metric_values(report.statuses, teams, name)
