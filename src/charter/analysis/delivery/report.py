"""The five DORA delivery metrics per component, team, system or organization over a period
(DESIGN.md "Metric definitions"): deployment frequency (per day, and deployment days per week), lead
time for changes (p50, p90), change failure rate, failed deployment recovery time and deployment
rework rate, with their bands and a weekly trend.

Only successful deployments to a production environment count; the others are counted apart.
A deployment failed when a rule links it to a failure (`failures`), and the rule is kept so
`--explain` can say which.

Periods are [since, until); days and ISO weeks (Monday first) are UTC. Percentiles are numpy's
default method, linear interpolation between the closest ranks. Vectorised over deployments and
changes (numpy, `columns` and `tallies`), so a million deployments and ten million changes take
seconds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from operator import attrgetter

import numpy as np

from charter.analysis.delivery.bands import (
    CHANGE_FAILURE_RATE,
    DEPLOYMENT_DAYS_PER_MONTH,
    DEPLOYMENT_DAYS_PER_WEEK,
    LEAD_TIME_P50,
    RECOVERY_TIME_P50,
    DoraEdition,
    band,
    deployment_frequency_bands,
)
from charter.analysis.delivery.calendar import PeriodCalendar
from charter.analysis.delivery.columns import DeploymentColumns, LeadColumns, ScopeLabels
from charter.analysis.delivery.failures import FailureLink, counted_deployments, link_failures
from charter.analysis.delivery.incident_coverage import IncidentSource, incident_record_components, incident_sources
from charter.analysis.delivery.inputs import DeliveryInputs, DeliveryOptions
from charter.analysis.delivery.production import is_production
from charter.analysis.delivery.tallies import Tallies
from charter.analysis.metrics import METRICS, Scope
from charter.model.delivery import Deployment, DeploymentStatus
from charter.model.metric_values import MetricValue, scope_from_stored

FREQUENCY_PER_DAY = "delivery.deployment_frequency.per_day"
LEAD_TIME_P90 = "delivery.lead_time_for_changes.p90"
REWORK_RATE = "delivery.deployment_rework_rate"


@dataclass(frozen=True, slots=True)
class WeekMetrics:
    """One ISO week of a scope's trend; `partial` when the period covers only part of the week."""

    week_start: date
    partial: bool
    deployments: int
    deployment_days: int
    changes: int
    lead_time_p50: float | None
    lead_time_p90: float | None
    failed_deployments: int
    change_failure_rate: float | None
    recovery_time_p50: float | None
    rework_deployments: int
    deployment_rework_rate: float | None

    @property
    def iso_week(self) -> str:
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class ScopeMetrics:
    """The five metrics for one scope over the period. `scope` is the component, team (`group:x`),
    system (`system:y`) or organization; None gathers components with no team or system. Values are
    None where there is nothing to measure (no deployments, no changes, no recovered failures; for
    change failure rate, no deployment of a component that any incident record covers)."""

    scope: str | None
    deployments: int
    deployment_frequency_per_day: float
    deployment_days_per_week: float | None
    deployment_days_per_month: float | None
    changes: int
    lead_time_p50: float | None
    lead_time_p90: float | None
    failed_deployments: int
    incident_covered_deployments: int  # of components with an incident record: the rate's denominator
    change_failure_rate: float | None
    recovered_deployments: int
    unrecovered_deployments: int
    recovery_time_p50: float | None
    recovery_time_p90: float | None
    rework_deployments: int
    deployment_rework_rate: float | None
    bands: dict[str, str | None]
    weeks: tuple[WeekMetrics, ...]

    def metric_values(self) -> dict[str, float | None]:
        """This scope's values under the metric registry's names."""
        return {
            FREQUENCY_PER_DAY: self.deployment_frequency_per_day,
            DEPLOYMENT_DAYS_PER_WEEK: self.deployment_days_per_week,
            DEPLOYMENT_DAYS_PER_MONTH: self.deployment_days_per_month,
            LEAD_TIME_P50: self.lead_time_p50,
            LEAD_TIME_P90: self.lead_time_p90,
            CHANGE_FAILURE_RATE: self.change_failure_rate,
            RECOVERY_TIME_P50: self.recovery_time_p50,
            REWORK_RATE: self.deployment_rework_rate,
        }


@dataclass(frozen=True, slots=True)
class EnvironmentCount:
    """Deployments in the period to one environment; only production's successful ones are DORA's."""

    environment: str
    production: bool
    successful: int
    unsuccessful: int


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    since: datetime
    until: datetime
    by: Scope
    edition: DoraEdition
    scopes: tuple[ScopeMetrics, ...]
    environments: tuple[EnvironmentCount, ...]
    failures: dict[str, tuple[FailureLink, ...]]  # the period's failed deployments and their rules
    unrecovered: tuple[str, ...]  # the period's failed deployments with no recovery yet
    unmatched_incidents: tuple[str, ...]
    incident_sources: tuple[IncidentSource, ...] = ()
    # Components deployed in the period that no incident record covers: their change failure rate is no data.
    without_incident_records: tuple[str, ...] = ()


def delivery_report(inputs: DeliveryInputs, options: DeliveryOptions) -> DeliveryReport:
    """The five metrics per scope over [since, until). The scopes are those of every counted deployment
    given, so a scope whose deployments are all outside the period shows zero, not nothing. Raises
    ValueError when the period is empty."""
    if options.until <= options.since:
        raise ValueError(
            f"the period is empty: since {options.since.isoformat()} is not before until {options.until.isoformat()}"
        )
    counted = counted_deployments(inputs.deployments, options.production_patterns)
    failures = link_failures(
        counted, inputs.incidents, inputs.change_shippers, timedelta(hours=options.hotfix_window_hours)
    )
    in_period = [deployment for deployment in counted if options.since <= deployment.finished < options.until]
    calendar = PeriodCalendar.of(options.since, options.until)
    labels = ScopeLabels(inputs.scopes, options.by, options.organization)
    for component in dict.fromkeys(map(attrgetter("component"), counted)):  # in order: labels are numbered
        labels.index_of(component)
    covered = incident_record_components(inputs.incidents, failures.links.keys(), counted)
    columns = DeploymentColumns.of(in_period, failures, labels, calendar, covered)
    tallies = Tallies.of(columns, LeadColumns.of(inputs.lead_times, columns), len(labels.labels), calendar)
    period_days = (options.until - options.since) / timedelta(days=1)
    scopes = (_scope(group, label, tallies, period_days, options.edition) for group, label in enumerate(labels.labels))
    period_failures = {
        deployment.id: tuple(failures.links[deployment.id])
        for deployment in in_period
        if deployment.id in failures.links
    }
    unrecovered = tuple(
        sorted(deployment_id for deployment_id in period_failures if deployment_id not in failures.recoveries)
    )
    return DeliveryReport(
        options.since,
        options.until,
        options.by,
        options.edition,
        tuple(sorted(scopes, key=lambda scope: (scope.scope is None, scope.scope or ""))),
        _environment_counts(inputs.deployments, options),
        period_failures,
        unrecovered,
        failures.unmatched_incidents,
        incident_sources(inputs.incidents, options.since, options.until),
        tuple(sorted(name for name in set(map(attrgetter("component"), in_period)) if name.lower() not in covered)),
    )


# Why a scope's delivery metric has no value over a period, by registry name (a scope with no
# deployment at all in or just before the period has no values recorded).
NO_VALUE_BECAUSE = {
    DEPLOYMENT_DAYS_PER_WEEK: "no deployment",
    DEPLOYMENT_DAYS_PER_MONTH: "no deployment",
    LEAD_TIME_P50: "no change shipped (no deployment, or its history is not mined)",
    LEAD_TIME_P90: "no change shipped (no deployment, or its history is not mined)",
    CHANGE_FAILURE_RATE: "no deployment that an incident record covers",
    RECOVERY_TIME_P50: "no failed deployment recovered",
    REWORK_RATE: "no deployment",
}


def delivery_metric_values(report: DeliveryReport) -> list[MetricValue]:
    """Every scope's values under the registry's names (scopes with no team or system left out)."""
    values = []
    for scope in report.scopes:
        if scope.scope is None:
            continue
        # A scope's label is what the store keeps as its reference: a component key, a team's or a
        # system's short reference, or the organisation's name.
        reference = scope_from_stored(report.by.value, scope.scope)
        values += [
            MetricValue(metric, reference, value, METRICS[metric].unit.value)
            for metric, value in scope.metric_values().items()
        ]
    return values


def _scope(group: int, label: str | None, tallies: Tallies, period_days: float, edition: DoraEdition) -> ScopeMetrics:
    counts = tallies.per_scope
    deployments = int(counts.deployments[group])
    failed, recovered = int(counts.failed[group]), int(counts.recovered[group])
    scope = ScopeMetrics(
        scope=label,
        deployments=deployments,
        deployment_frequency_per_day=deployments / period_days,
        deployment_days_per_week=_number(tallies.days_per_week[group]),
        deployment_days_per_month=_number(tallies.days_per_month[group]),
        changes=int(tallies.changes[group]),
        lead_time_p50=_number(tallies.lead[group, 0]),
        lead_time_p90=_number(tallies.lead[group, 1]),
        failed_deployments=failed,
        incident_covered_deployments=int(counts.covered[group]),
        change_failure_rate=_ratio(failed, counts.covered[group]),
        recovered_deployments=recovered,
        unrecovered_deployments=failed - recovered,
        recovery_time_p50=_number(tallies.recovery[group, 0]),
        recovery_time_p90=_number(tallies.recovery[group, 1]),
        rework_deployments=int(counts.rework[group]),
        deployment_rework_rate=_ratio(counts.rework[group], deployments),
        bands={},
        weeks=tuple(_week(group, week, tallies) for week in range(tallies.calendar.week_count)),
    )
    return replace(scope, bands=scope_bands(scope, edition))


def _week(group: int, week: int, tallies: Tallies) -> WeekMetrics:
    row = group * tallies.calendar.week_count + week
    counts = tallies.per_week
    deployments = int(counts.deployments[row])
    return WeekMetrics(
        week_start=tallies.calendar.week_starts[week],
        partial=not tallies.calendar.whole_weeks[week],
        deployments=deployments,
        deployment_days=int(tallies.days_by_week[group, week]),
        changes=int(tallies.changes_by_week[row]),
        lead_time_p50=_number(tallies.lead_by_week[row, 0]),
        lead_time_p90=_number(tallies.lead_by_week[row, 1]),
        failed_deployments=int(counts.failed[row]),
        change_failure_rate=_ratio(counts.failed[row], counts.covered[row]),
        recovery_time_p50=_number(tallies.recovery_by_week[row, 0]),
        rework_deployments=int(counts.rework[row]),
        deployment_rework_rate=_ratio(counts.rework[row], deployments),
    )


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _ratio(part: float, whole: float) -> float | None:
    return float(part) / float(whole) if whole else None


def scope_bands(scope: ScopeMetrics, edition: DoraEdition) -> dict[str, str | None]:
    """Each banded metric's DORA band, under the figure it is computed from (deployment frequency:
    the week or the month figure); rework rate has none (DORA has published none)."""
    return {
        **deployment_frequency_bands(scope.deployment_days_per_week, scope.deployment_days_per_month),
        LEAD_TIME_P50: band(LEAD_TIME_P50, scope.lead_time_p50, edition),
        CHANGE_FAILURE_RATE: band(CHANGE_FAILURE_RATE, scope.change_failure_rate, edition),
        RECOVERY_TIME_P50: band(RECOVERY_TIME_P50, scope.recovery_time_p50, edition),
        REWORK_RATE: None,
    }


def _environment_counts(deployments: Iterable[Deployment], options: DeliveryOptions) -> tuple[EnvironmentCount, ...]:
    successful: dict[str, int] = defaultdict(int)
    unsuccessful: dict[str, int] = defaultdict(int)
    for deployment in deployments:
        if options.since <= deployment.finished < options.until:
            tally = successful if deployment.status is DeploymentStatus.SUCCESS else unsuccessful
            tally[deployment.environment] += 1
    return tuple(
        EnvironmentCount(
            environment,
            is_production(environment, options.production_patterns),
            successful[environment],
            unsuccessful[environment],
        )
        for environment in sorted(successful.keys() | unsuccessful.keys())
    )
