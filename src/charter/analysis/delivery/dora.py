"""The five DORA delivery metrics per component, team, system or organization over a period
(DESIGN.md "Metric definitions"): deployment frequency (per day, and deployment days per week), lead
time for changes (p50, p90), change failure rate, failed deployment recovery time and deployment
rework rate, with their bands, a weekly trend, and the explanation of any one deployment.

Only successful deployments to a production environment count; the others are counted apart.
A deployment failed when a rule links it to a failure, and the rule is kept so `--explain` can say
which: an incident names it (`caused-by-deployment`) or names a commit it shipped (`caused-by-change`),
a later deployment rolled it back (`rolled-back`) or hotfixed it within the window (`hotfixed`); only
for an incident whose cause is `change` and that no other rule explains, the latest production
deployment of one of its services before it started (`latest-before-incident`).

Periods are [since, until); days and ISO weeks (Monday first) are UTC. Percentiles are numpy's
default method, linear interpolation between the closest ranks. Vectorised over deployments and
changes (numpy), so a million deployments and ten million changes take seconds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from itertools import repeat
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from charter.analysis.component_sources import ComponentScope
from charter.analysis.delivery.bands import DoraEdition, band, deployment_frequency_band
from charter.analysis.delivery.failures import (
    FailureAnalysis,
    FailureLink,
    Recovery,
    counted_deployments,
    link_failures,
)
from charter.analysis.delivery.production import is_production
from charter.analysis.metrics import METRICS, Scope
from charter.model.delivery import Deployment, DeploymentStatus, LeadTimes, ShippedChange
from charter.model.incident import Incident

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
_SECONDS_PER_DAY = 86400.0

FREQUENCY_PER_DAY = "delivery.deployment_frequency.per_day"
DAYS_PER_WEEK = "delivery.deployment_days_per_week"
LEAD_TIME_P50 = "delivery.lead_time_for_changes.p50"
LEAD_TIME_P90 = "delivery.lead_time_for_changes.p90"
CHANGE_FAILURE_RATE = "delivery.change_failure_rate"
RECOVERY_TIME_P50 = "delivery.failed_deployment_recovery_time.p50"
REWORK_RATE = "delivery.deployment_rework_rate"


# Inputs ------------------------------------------------------------------------------------------


def change_shippers(shipped: Mapping[str, Sequence[ShippedChange]]) -> dict[str, list[str]]:
    """Commit sha -> the deployments that shipped it (one per component at most)."""
    shippers: dict[str, list[str]] = defaultdict(list)
    for deployment_id, changes in shipped.items():
        for change in changes:
            shippers[change.sha].append(deployment_id)
    return dict(shippers)


@dataclass(frozen=True, slots=True)
class DeliveryInputs:
    """The period's deployments (every environment and status) plus those the rules need around it
    (rollbacks and hotfixes after it, the latest deployment before an incident), the lead times of
    the changes they shipped, the incidents, for each sha an incident's `causedBy.change` names the
    deployments that shipped it (full shas), and each component's team and system."""

    deployments: Sequence[Deployment]
    lead_times: LeadTimes = field(default_factory=lambda: LeadTimes((), np.zeros(0, np.int64), np.zeros(0)))
    incidents: Sequence[Incident] = ()
    change_shippers: Mapping[str, Sequence[str]] = field(default_factory=dict)
    scopes: Mapping[str, ComponentScope] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeliveryOptions:
    since: datetime
    until: datetime
    production_patterns: Sequence[str] = ("prod(uction)?",)
    hotfix_window_hours: float = 72
    by: Scope = Scope.COMPONENT
    edition: DoraEdition = DoraEdition.DORA_2023
    organization: str = "org"


# Results -----------------------------------------------------------------------------------------


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
    None where there is nothing to measure (no deployments, no changes, no recovered failures)."""

    scope: str | None
    deployments: int
    deployment_frequency_per_day: float
    deployment_days_per_week: float | None
    deployment_days_per_month: float | None
    changes: int
    lead_time_p50: float | None
    lead_time_p90: float | None
    failed_deployments: int
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
            DAYS_PER_WEEK: self.deployment_days_per_week,
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


@dataclass(frozen=True, slots=True)
class DeliveryMetricValue:
    """One registry metric's value for one scope, as a snapshot stores it."""

    metric: str
    scope_kind: str
    scope_ref: str
    value: float | None
    unit: str


# The report --------------------------------------------------------------------------------------


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
    calendar = _Calendar.of(options.since, options.until)
    labels = _ScopeLabels(inputs.scopes, options.by, options.organization)
    for component in dict.fromkeys(map(attrgetter("component"), counted)):  # in order: labels are numbered
        labels.index_of(component)
    columns = _DeploymentColumns.of(in_period, failures, labels, calendar)
    scopes = _scope_metrics(columns, _lead_columns(inputs.lead_times, columns), labels, calendar, options)
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
        scopes,
        _environment_counts(inputs.deployments, options),
        period_failures,
        unrecovered,
        failures.unmatched_incidents,
    )


def delivery_metric_values(report: DeliveryReport) -> list[DeliveryMetricValue]:
    """Every scope's values under the registry's names (scopes with no team or system left out)."""
    values = []
    for scope in report.scopes:
        if scope.scope is None:
            continue
        reference = f"component:{scope.scope}" if report.by is Scope.COMPONENT else scope.scope
        for metric, value in scope.metric_values().items():
            values.append(DeliveryMetricValue(metric, report.by.value, reference, value, METRICS[metric].unit.value))
    return values


@dataclass(frozen=True, slots=True)
class _Calendar:
    """Days and ISO weeks from the Monday on or before `since`, and calendar months, all UTC."""

    origin: float  # epoch seconds of that Monday, 00:00 UTC
    week_starts: tuple[date, ...]
    whole_weeks: npt.NDArray[np.bool_]
    month_of_day: Ints
    whole_months: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, since: datetime, until: datetime) -> _Calendar:
        first_day = since.astimezone(UTC).date()
        monday = first_day - timedelta(days=first_day.weekday())
        origin = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
        day_count = max(1, -(-(until - origin) // timedelta(days=1)))
        days = [monday + timedelta(days=offset) for offset in range(day_count)]
        week_starts = tuple(days[::7])
        whole_weeks = [
            since <= _midnight(start) and _midnight(start + timedelta(days=7)) <= until for start in week_starts
        ]
        months = sorted({(day.year, day.month) for day in days})
        month_index = {month: index for index, month in enumerate(months)}
        whole_months = [
            since <= _midnight(date(year, month, 1)) and _midnight(_next_month(year, month)) <= until
            for year, month in months
        ]
        return cls(
            origin.timestamp(),
            week_starts,
            np.array(whole_weeks, dtype=np.bool_),
            np.array([month_index[(day.year, day.month)] for day in days], dtype=np.int64),
            np.array(whole_months, dtype=np.bool_),
        )

    @property
    def week_count(self) -> int:
        return len(self.week_starts)

    @property
    def month_count(self) -> int:
        return len(self.whole_months)

    @property
    def day_count(self) -> int:
        return len(self.month_of_day)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _next_month(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1)


class _ScopeLabels:
    """Scope names and their dense indexes; a component's scope from the scope map."""

    def __init__(self, scopes: Mapping[str, ComponentScope], by: Scope, organization: str) -> None:
        self.scopes = {component.lower(): scope for component, scope in scopes.items()}
        self.by = by
        self.organization = organization
        self.labels: list[str | None] = []
        self._indexes: dict[str | None, int] = {}
        self._by_component: dict[str, int] = {}

    def index_of(self, component: str) -> int:
        index = self._by_component.get(component)
        if index is None:
            label = self._label(component)
            index = self._indexes.setdefault(label, len(self.labels))
            if index == len(self.labels):
                self.labels.append(label)
            self._by_component[component] = index
        return index

    def _label(self, component: str) -> str | None:
        if self.by is Scope.ORG:
            return self.organization
        scope = self.scopes.get(component.lower())
        if self.by is Scope.COMPONENT:
            return scope.component if scope else component
        if scope is None:
            return None
        return scope.team if self.by is Scope.TEAM else scope.system


@dataclass(frozen=True, slots=True)
class _DeploymentColumns:
    """The period's counted deployments as columns."""

    position: dict[str, int]
    group: Ints
    day: Ints
    failed: npt.NDArray[np.bool_]
    rework: npt.NDArray[np.bool_]
    recovery_seconds: Floats  # NaN: not failed, or failed and not recovered

    @classmethod
    def of(
        cls, deployments: Sequence[Deployment], failures: FailureAnalysis, labels: _ScopeLabels, calendar: _Calendar
    ) -> _DeploymentColumns:
        count = len(deployments)
        if not count:
            empty = np.zeros(0, np.int64)
            return cls({}, empty, empty, np.zeros(0, np.bool_), np.zeros(0, np.bool_), np.zeros(0))
        # Every step below maps a column in C, not an object in Python.
        ids, components, finishes, rollbacks, hotfixes, incidents = (
            list(map(attrgetter(name), deployments))
            for name in ("id", "component", "finished", "rollback_of", "hotfix_for", "incident")
        )
        group_of = {component: labels.index_of(component) for component in dict.fromkeys(components)}
        finished = np.fromiter(map(datetime.timestamp, finishes), np.float64, count)
        recovery_seconds = np.full(count, np.nan)
        position = dict(zip(ids, range(count), strict=True))
        for deployment_id, recovery in failures.recoveries.items():
            if deployment_id in position:
                recovery_seconds[position[deployment_id]] = recovery.seconds
        return cls(
            position,
            np.fromiter(map(group_of.__getitem__, components), np.int64, count),
            ((finished - calendar.origin) // _SECONDS_PER_DAY).astype(np.int64),
            np.fromiter(map(failures.links.__contains__, ids), np.bool_, count),
            np.array(rollbacks, dtype=object).astype(np.bool_)
            | np.array(hotfixes, dtype=object).astype(np.bool_)
            | np.array(incidents, dtype=object).astype(np.bool_),
            recovery_seconds,
        )


def is_rework(deployment: Deployment) -> bool:
    """Made because of an incident: it names one, or rolls back or hotfixes another deployment."""
    return bool(deployment.incident or deployment.rollback_of or deployment.hotfix_for)


def _lead_columns(lead_times: LeadTimes, columns: _DeploymentColumns) -> tuple[Ints, Ints, Floats]:
    """Scope group, week and seconds of each change shipped by a deployment of the period."""
    position = columns.position
    runs = np.fromiter(
        map(position.get, lead_times.deployment_ids, repeat(-1)), np.int64, len(lead_times.deployment_ids)
    )
    rows = np.repeat(runs, lead_times.change_counts)
    kept = rows >= 0
    rows = rows[kept]
    return columns.group[rows], columns.day[rows] // 7, np.asarray(lead_times.seconds, dtype=np.float64)[kept]


class RankedValues:
    """Values sorted once, so their percentiles per any grouping cost one integer sort: a value's
    group and rank make one sortable key."""

    def __init__(self, values: Floats) -> None:
        order = np.argsort(values)
        self.ordered: Floats = values[order]
        self.rank: Ints = np.empty(values.size, np.int64)
        self.rank[order] = np.arange(values.size, dtype=np.int64)

    def percentiles(self, groups: Ints, group_count: int, quantiles: Sequence[float]) -> Floats:
        """Percentiles per group (quantiles in [0, 1]) with numpy's default linear interpolation: the
        value at rank (n - 1) * q, between the two closest ranks. Shape (group_count, len(quantiles));
        NaN for an empty group."""
        result = np.full((group_count, len(quantiles)), np.nan)
        size = self.ordered.size
        if size == 0:
            return result
        by_group = self.ordered[np.sort(groups * size + self.rank) % size]
        counts = np.bincount(groups, minlength=group_count)
        present = counts > 0
        sizes = counts[present]
        starts = (np.cumsum(counts) - counts)[present]
        for column, quantile in enumerate(quantiles):
            rank = (sizes - 1) * quantile
            below = np.floor(rank).astype(np.int64)
            above = np.minimum(below + 1, sizes - 1)
            low, high = by_group[starts + below], by_group[starts + above]
            result[present, column] = low + (high - low) * (rank - below)
        return result


def grouped_percentiles(groups: Ints, values: Floats, group_count: int, quantiles: Sequence[float]) -> Floats:
    """Percentiles of `values` per group: see `RankedValues.percentiles`."""
    return RankedValues(values).percentiles(groups, group_count, quantiles)


def _scope_metrics(
    columns: _DeploymentColumns,
    leads: tuple[Ints, Ints, Floats],
    labels: _ScopeLabels,
    calendar: _Calendar,
    options: DeliveryOptions,
) -> tuple[ScopeMetrics, ...]:
    tallies = _Tallies.of(columns, leads, len(labels.labels), calendar)
    period_days = (options.until - options.since) / timedelta(days=1)
    scopes = (_scope(group, label, tallies, period_days, options.edition) for group, label in enumerate(labels.labels))
    return tuple(sorted(scopes, key=lambda scope: (scope.scope is None, scope.scope or "")))


@dataclass(frozen=True, slots=True)
class _Tallies:
    """Counts and percentiles per scope (index: scope group) and per scope and week (index:
    group * weeks + week), computed for all scopes at once."""

    calendar: _Calendar
    per_scope: _Counts
    per_week: _Counts
    changes: Ints
    changes_by_week: Ints
    lead: Floats
    lead_by_week: Floats
    recovery: Floats
    recovery_by_week: Floats
    days_by_week: Ints
    days_per_week: Floats
    days_per_month: Floats

    @classmethod
    def of(
        cls, columns: _DeploymentColumns, leads: tuple[Ints, Ints, Floats], groups: int, calendar: _Calendar
    ) -> _Tallies:
        weeks = calendar.week_count
        group_week = columns.group * weeks + columns.day // 7
        lead_group, lead_week, lead_seconds = leads
        lead_group_week = lead_group * weeks + lead_week
        ranked_leads = RankedValues(lead_seconds)
        recovered = ~np.isnan(columns.recovery_seconds)
        ranked_recoveries = RankedValues(columns.recovery_seconds[recovered])
        days_by_week, days_by_month = _deployment_days(columns, groups, calendar)
        return cls(
            calendar,
            _Counts.of(columns.group, columns, groups),
            _Counts.of(group_week, columns, groups * weeks),
            np.bincount(lead_group, minlength=groups),
            np.bincount(lead_group_week, minlength=groups * weeks),
            ranked_leads.percentiles(lead_group, groups, (0.5, 0.9)),
            ranked_leads.percentiles(lead_group_week, groups * weeks, (0.5, 0.9)),
            ranked_recoveries.percentiles(columns.group[recovered], groups, (0.5, 0.9)),
            ranked_recoveries.percentiles(group_week[recovered], groups * weeks, (0.5,)),
            days_by_week,
            _median_over(days_by_week, calendar.whole_weeks),
            _median_over(days_by_month, calendar.whole_months),
        )


def _scope(group: int, label: str | None, tallies: _Tallies, period_days: float, edition: DoraEdition) -> ScopeMetrics:
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
        change_failure_rate=_ratio(failed, deployments),
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


def _week(group: int, week: int, tallies: _Tallies) -> WeekMetrics:
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
        change_failure_rate=_ratio(counts.failed[row], deployments),
        recovery_time_p50=_number(tallies.recovery_by_week[row, 0]),
        rework_deployments=int(counts.rework[row]),
        deployment_rework_rate=_ratio(counts.rework[row], deployments),
    )


@dataclass(frozen=True, slots=True)
class _Counts:
    deployments: Ints
    failed: Ints
    recovered: Ints
    rework: Ints

    @classmethod
    def of(cls, keys: Ints, columns: _DeploymentColumns, size: int) -> _Counts:
        recovered = columns.failed & ~np.isnan(columns.recovery_seconds)
        return cls(
            np.bincount(keys, minlength=size),
            np.bincount(keys[columns.failed], minlength=size),
            np.bincount(keys[recovered], minlength=size),
            np.bincount(keys[columns.rework], minlength=size),
        )


def _deployment_days(columns: _DeploymentColumns, groups: int, calendar: _Calendar) -> tuple[Ints, Ints]:
    """Distinct deployment days per scope and week (groups x weeks), and per scope and month."""
    days = calendar.day_count
    group_days = np.unique(columns.group * days + columns.day)
    group, day = group_days // days, group_days % days
    weeks, months = calendar.week_count, calendar.month_count
    by_week = np.bincount(group * weeks + day // 7, minlength=groups * weeks).reshape(groups, weeks)
    by_month = np.bincount(group * months + calendar.month_of_day[day], minlength=groups * months)
    return by_week, by_month.reshape(groups, months)


def _median_over(counts: Ints, whole: npt.NDArray[np.bool_]) -> Floats:
    """Median per row over the whole weeks (months) of the period; over the partial ones when the
    period holds no whole one. Partial weeks would understate a steady cadence, so they count only
    then."""
    chosen = counts[:, whole] if whole.any() else counts
    if chosen.shape[1] == 0:
        return np.full(counts.shape[0], np.nan)
    medians: Floats = np.median(chosen, axis=1).astype(np.float64)
    return medians


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _ratio(part: float, whole: float) -> float | None:
    return float(part) / float(whole) if whole else None


def scope_bands(scope: ScopeMetrics, edition: DoraEdition) -> dict[str, str | None]:
    """Each banded metric's DORA band; rework rate has none (DORA has published none)."""
    return {
        DAYS_PER_WEEK: deployment_frequency_band(
            scope.deployment_days_per_week, scope.deployment_days_per_month, edition
        ),
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


# Explain -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkedIncident:
    """A rule that marked the deployment failed, with its incident when the incidents have it."""

    link: FailureLink
    incident: Incident | None


@dataclass(frozen=True, slots=True)
class DeploymentExplanation:
    deployment: Deployment
    counted: bool  # successful, to production: DORA counts it
    rework: bool
    shipped: tuple[ShippedChange, ...]  # oldest lead start first
    failure: tuple[LinkedIncident, ...]
    recovery: Recovery | None


def explain_deployment(
    deployment_id: str, inputs: DeliveryInputs, options: DeliveryOptions, shipped: Sequence[ShippedChange]
) -> DeploymentExplanation | None:
    """What one deployment shipped (`shipped`: its changes, as stored) and the rules and incidents
    that mark it failed, from the same inputs as the report. None when no deployment has the id."""
    deployment = next((item for item in inputs.deployments if item.id == deployment_id), None)
    if deployment is None:
        return None
    counted = counted_deployments(inputs.deployments, options.production_patterns)
    failures = link_failures(
        counted, inputs.incidents, inputs.change_shippers, timedelta(hours=options.hotfix_window_hours)
    )
    incidents = {incident.id: incident for incident in inputs.incidents}
    links = failures.links.get(deployment_id, [])
    return DeploymentExplanation(
        deployment,
        any(item.id == deployment_id for item in counted),
        is_rework(deployment),
        tuple(sorted(shipped, key=lambda change: (change.lead_start, change.sha))),
        tuple(LinkedIncident(link, incidents.get(link.incident_id or "")) for link in links),
        failures.recoveries.get(deployment_id),
    )
