"""`charter targets`' view: every target of `charter.yaml` against the snapshots, with its current
value (per entity and aggregated), baseline, trend, projection to its date with the 95% band, the
rate it needs against the rate it moves at, its projected date, status and the initiatives that
fund its goal; with `--backtest`, how often it would have been met. Values are in the metric's
unit as the registry names it (`seconds`, `ratio`, `count`, ...); rates are per day."""

from __future__ import annotations

from typing import ClassVar

from charter.outputs.views.base import IsoDate, IsoDateTime, ReportView, View


class EntityValue(View):
    entity: str
    value: float | None
    meets: bool | None


class TrendPoint(View):
    taken_at: IsoDateTime
    value: float


class Projection(View):
    at: IsoDateTime  # the end of the target's `by` day
    value: float
    low: float | None  # the 95% prediction band; null when two snapshots make the line
    high: float | None
    points: int  # snapshots the line is fitted to
    since: IsoDateTime  # the first of them


class ValueMetAt(View):
    share: float  # of the past snapshots
    value: float  # met at that share of them


class Backtest(View):
    snapshots: int
    met: int
    share: float
    first_met: IsoDateTime | None
    last_unmet: IsoDateTime | None
    value_met_at: list[ValueMetAt]


class FundingInitiative(View):
    initiative: str
    status: str
    committed: str | None  # the quarter
    funded: bool  # committed to a quarter, in progress, or delivered by the plan (with --plan)
    planned: str | None = None  # the quarter the plan delivers it in (with --plan)


class TargetRow(View):
    goal: str
    metric: str
    unit: str
    direction: str  # higher or lower is better
    scope: str  # as written: `org`, `tier 1`, `team:group:payments`
    aggregate: str | None  # how several entities' values read as one; null for a single scope
    op: str
    value: float  # in the metric's unit
    written: str  # the value as charter.yaml writes it
    by: IsoDate | None
    status: str  # met | on track | at risk | off track | no data
    reason: str
    current: float | None
    current_at: IsoDateTime | None
    baseline: float | None
    baseline_source: str | None  # written | first snapshot
    entities: list[EntityValue]  # per entity, for a scope that selects several
    entities_meeting: int
    entities_with_data: int
    trend: list[TrendPoint]
    trend_per_day: float | None  # least squares over every snapshot
    projection: Projection | None
    required_per_day: float | None  # to meet it by its date, from the current value
    current_per_day: float | None  # the recent line's slope
    projected_date: IsoDate | None  # when the recent line reaches it
    funded: bool
    initiatives: list[FundingInitiative]
    backtest: Backtest | None  # with --backtest


class TargetsReport(ReportView):
    report: ClassVar[str] = "targets"

    as_of: IsoDateTime
    snapshots: int  # taken at or before as_of
    first_snapshot: IsoDateTime | None
    latest_snapshot: IsoDateTime | None
    counts: dict[str, int]  # targets by status
    targets: list[TargetRow]
    diagnostics: list[str]  # TGT005, as `code location: message`
