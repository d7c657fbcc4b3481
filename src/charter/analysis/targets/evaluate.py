"""A target evaluated over the snapshots up to a moment: its current value (per entity and
aggregated), baseline, trend, projection to its date, the rate it needs against the rate it moves
at, the date it is projected to be reached, its status, and a backtest over the past snapshots.

Status, in this order: `no data` when the latest snapshot has no value for the scope (missing data
is never off track); `met` when the current value meets the target; `off track` when its date has
passed unmet; `at risk` when fewer than two snapshots give no direction yet; without a date, `on
track` when the line moves toward the target and `at risk` when it does not; with a date, `on
track` when the line's projection at the date meets the target, `at risk` when only the favourable
edge of its 95% band does (or the line rests on two points, so there is no band), `off track` when
the whole band misses it."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum

from charter.analysis.metrics import COMPARISONS, Metric
from charter.analysis.targets.projection import DAY, LineFit, Point, fit_line, recent
from charter.analysis.targets.selection import Selection, aggregate
from charter.model.organization import TargetAggregate
from charter.model.refs import EntityRef


class TargetState(StrEnum):
    MET = "met"
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    OFF_TRACK = "off track"
    NO_DATA = "no data"


@dataclass(frozen=True, slots=True)
class TargetRule:
    """What evaluating a target needs, its values in the metric's unit."""

    metric: Metric
    op: str
    value: float
    by: date | None = None
    baseline: float | None = None  # as written; None: the first snapshot's value
    aggregate: TargetAggregate = "median"

    def meets(self, value: float) -> bool:
        return COMPARISONS[self.op](value, self.value)


@dataclass(frozen=True, slots=True)
class SnapshotValues:
    """One snapshot's values of the selected entities (only those it has a value for)."""

    taken_at: datetime
    values: Mapping[EntityRef, float]


@dataclass(frozen=True, slots=True)
class EntityResult:
    entity: EntityRef
    value: float | None
    meets: bool | None


@dataclass(frozen=True, slots=True)
class Projection:
    """The line's value at the target's date, the 95% band around it, and what the line rests on."""

    at: datetime
    value: float
    low: float | None
    high: float | None
    points: int
    since: datetime


@dataclass(frozen=True, slots=True)
class Backtest:
    """How often the target would have been met at the past snapshots, and the value that would
    have been met at a given share of them (for tuning the target)."""

    snapshots: int
    met: int
    share: float
    first_met: datetime | None
    last_unmet: datetime | None
    value_met_at: tuple[tuple[float, float], ...]  # (share of snapshots, the value met at that share)


@dataclass(frozen=True, slots=True)
class Evaluation:
    status: TargetState
    reason: str
    current: float | None
    current_at: datetime | None
    baseline: float | None
    baseline_source: str | None  # "written" or "first snapshot"
    entities: tuple[EntityResult, ...]
    meeting: int
    with_data: int
    trend: tuple[Point, ...]
    trend_per_day: float | None
    projection: Projection | None
    required_per_day: float | None
    current_per_day: float | None
    projected_date: date | None
    backtest: Backtest


def deadline(by: date) -> datetime:
    """The end of a target's `by` day (UTC): the moment it is projected to."""
    return datetime.combine(by, time.min, UTC) + DAY


def series(rule: TargetRule, selection: Selection, snapshots: Sequence[SnapshotValues]) -> list[Point]:
    """The target's value at every snapshot that has one, aggregated over the selected entities."""
    points = []
    for snapshot in snapshots:
        values = [snapshot.values[entity] for entity in selection.entities if entity in snapshot.values]
        value = aggregate(values, rule.aggregate, rule.metric)
        if value is not None and not math.isnan(value):
            points.append(Point(snapshot.taken_at, value))
    return points


def evaluate_target(
    rule: TargetRule, selection: Selection, snapshots: Sequence[SnapshotValues], as_of: datetime
) -> Evaluation:
    """The target over `snapshots` (oldest first, all taken at or before `as_of`)."""
    points = series(rule, selection, snapshots)
    latest = snapshots[-1] if snapshots else None
    entities = tuple(
        EntityResult(entity, value, None if value is None else rule.meets(value))
        for entity in selection.entities
        for value in [latest.values.get(entity) if latest else None]
    )
    with_data = sum(1 for item in entities if item.value is not None)
    meeting = sum(1 for item in entities if item.meets)
    current_point = points[-1] if points and latest and points[-1].taken_at == latest.taken_at else None
    current = current_point.value if current_point else None
    baseline, source = (rule.baseline, "written") if rule.baseline is not None else (None, None)
    if baseline is None and points:
        baseline, source = points[0].value, "first snapshot"
    whole = fit_line(points)
    line = fit_line(recent(points))
    projection = _projection(rule, line)
    status, reason = _status(rule, current, latest is not None, line, projection, as_of)
    required = None
    if current is not None and rule.by is not None and not rule.meets(current) and deadline(rule.by) > as_of:
        required = (rule.value - current) / ((deadline(rule.by) - as_of) / DAY)
    return Evaluation(
        status=status,
        reason=reason,
        current=current,
        current_at=current_point.taken_at if current_point else None,
        baseline=baseline,
        baseline_source=source,
        entities=entities,
        meeting=meeting,
        with_data=with_data,
        trend=tuple(points),
        trend_per_day=whole.slope if whole else None,
        projection=projection,
        required_per_day=required,
        current_per_day=line.slope if line else None,
        projected_date=_projected_date(rule, current, line, as_of),
        backtest=backtest(rule, points),
    )


def _projection(rule: TargetRule, line: LineFit | None) -> Projection | None:
    if line is None or rule.by is None:
        return None
    at = deadline(rule.by)
    band = line.band(at)
    return Projection(at, line.at(at), band[0] if band else None, band[1] if band else None, line.points, line.origin)


def _toward(rule: TargetRule, current: float, line: LineFit) -> bool:
    """Whether the line moves from the current value toward meeting the target."""
    gap = rule.value - current
    return line.slope != 0 and gap != 0 and (line.slope > 0) == (gap > 0)


def _status(
    rule: TargetRule,
    current: float | None,
    has_snapshot: bool,
    line: LineFit | None,
    projection: Projection | None,
    as_of: datetime,
) -> tuple[TargetState, str]:
    if current is None:
        why = "the latest snapshot has no value for this scope" if has_snapshot else "no snapshot yet (charter sync)"
        return TargetState.NO_DATA, why
    if rule.meets(current):
        return TargetState.MET, "the current value meets the target"
    if rule.by is not None and as_of >= deadline(rule.by):
        return TargetState.OFF_TRACK, f"not met, and its date {rule.by.isoformat()} has passed"
    if line is None:
        return TargetState.AT_RISK, "not met, and one snapshot gives no trend yet"
    if projection is None:
        if _toward(rule, current, line):
            return TargetState.ON_TRACK, "not met; the trend moves toward it (no date set)"
        return TargetState.AT_RISK, "not met, and the trend does not move toward it (no date set)"
    if rule.meets(projection.value):
        return TargetState.ON_TRACK, "the trend is projected to meet it by its date"
    if projection.low is None or projection.high is None:
        return TargetState.AT_RISK, "the trend of two snapshots is projected to miss it by its date"
    if rule.meets(projection.low) or rule.meets(projection.high):
        return TargetState.AT_RISK, "projected to miss it by its date, within the band's reach"
    return TargetState.OFF_TRACK, "projected to miss it by its date, even at the edge of the 95% band"


def _projected_date(rule: TargetRule, current: float | None, line: LineFit | None, as_of: datetime) -> date | None:
    """When the line reaches the target: None when met already, without a line, or moving away."""
    if current is None or line is None or rule.meets(current) or not _toward(rule, current, line):
        return None
    reached = line.reaches(rule.value)
    if reached is None:
        return None
    return max(reached, as_of).date()


# The shares of past snapshots the backtest names a value for.
BACKTEST_SHARES = (0.5, 0.8, 0.9)


def backtest(rule: TargetRule, points: Sequence[Point]) -> Backtest:
    """How often the target was met at the snapshots, and for `<`/`<=` (`>`/`>=`) the lowest
    (highest) value met at each share of BACKTEST_SHARES of them: the value at that nearest rank."""
    met = [point for point in points if rule.meets(point.value)]
    unmet = [point for point in points if not rule.meets(point.value)]
    thresholds: list[tuple[float, float]] = []
    if points and rule.op in ("<", "<=", ">", ">="):
        ordered = sorted(point.value for point in points)
        if rule.op in (">", ">="):
            ordered.reverse()
        for share in BACKTEST_SHARES:
            rank = max(1, math.ceil(share * len(ordered)))
            thresholds.append((share, ordered[rank - 1]))
    return Backtest(
        snapshots=len(points),
        met=len(met),
        share=len(met) / len(points) if points else 0.0,
        first_met=met[0].taken_at if met else None,
        last_unmet=unmet[-1].taken_at if unmet else None,
        value_met_at=tuple(thresholds),
    )
