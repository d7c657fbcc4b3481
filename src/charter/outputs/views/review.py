"""`charter review`'s view: what changed between the snapshot at the start of a period and the one at
its end — targets whose status moved, metrics that improved or regressed beyond their noise, risks
opened, closed and re-levelled, the incidents' trend, initiatives delivered and slipped against their
commitment, decisions taken — and the current state, which it shows even without a trend. Values are
in the metric's unit as the registry names it (`seconds`, `ratio`, `count`, ...)."""

from __future__ import annotations

from typing import ClassVar

from charter.outputs.views.base import IsoDate, IsoDateTime, ReportView, View


class ReviewSnapshot(View):
    id: int
    taken_at: IsoDateTime


class TargetMove(View):
    goal: str
    metric: str
    unit: str
    scope: str  # as charter.yaml writes it: `org`, `tier 1`, `team:group:payments`
    before: str | None  # the status at the start (met, on track, at risk, off track, no data)
    after: str  # the status at the end
    value_before: float | None
    value_after: float | None


class MetricMove(View):
    metric: str
    scope_kind: str  # org, team, system or component
    scope: str
    unit: str
    before: float
    after: float
    change: float  # after - before
    noise: float  # twice the root mean square of the changes between consecutive snapshots of the period
    direction: str  # improved | regressed, by the registry's better direction


class LevelChange(View):
    risk: str
    before: str
    after: str


class RiskChanges(View):
    opened: list[str]
    closed: list[str]
    level_changes: list[LevelChange]


class TrendPoint(View):
    taken_at: IsoDateTime
    value: float | None  # null: the snapshot had no number for it


class IncidentTrend(View):
    metric: str
    unit: str
    before: float | None
    after: float | None
    points: list[TrendPoint]


class Promise(View):
    initiative: str
    title: str
    owner: str | None
    committed: str  # the quarter
    due_by: IsoDate  # the quarter's last day
    status: str  # now
    recommitted: str | None  # the quarter it is committed to now, when moved


class LevelMove(View):
    team: str | None  # the entity's owning team
    standard: str
    entity: str
    before: str | None  # null: below the standard's first level
    after: str | None


class TeamLevels(View):
    team: str | None
    gained: int
    lost: int


class EscalationMove(View):
    id: str
    code: str
    subject: str
    owner: str | None
    severity: str
    first_seen: IsoDateTime
    resolved_at: IsoDateTime | None
    hours_to_resolve: float | None  # from first seen to resolved


class EscalationTimes(View):
    """Over the escalations first seen in the period, from the ledger."""

    raised: int
    still_open: int
    resolved: int
    median_hours_to_resolve: float | None
    p90_hours_to_resolve: float | None


class DecisionTaken(View):
    id: str
    title: str
    status: str | None
    date: IsoDate


class CurrentValue(View):
    metric: str
    unit: str
    value: float | None


class Unavailable(View):
    section: str
    reason: str


class ReviewReport(ReportView):
    report: ClassVar[str] = "review"

    since: IsoDateTime
    until: IsoDateTime
    snapshots: int  # taken in the period, with the one the start reads when taken before it
    start: ReviewSnapshot | None
    end: ReviewSnapshot | None
    trend: bool  # false with fewer than two snapshots: the changes below are then empty
    no_trend_reason: str | None
    noise: str  # how a metric's noise is defined
    targets_moved: list[TargetMove]
    targets: list[TargetMove]  # every target at the end (`before`: at the start, when there is a trend)
    improved: list[MetricMove]
    regressed: list[MetricMove]
    risks: RiskChanges
    incidents: list[IncidentTrend]  # the organisation's incident metrics at every snapshot of the period
    standards_gained: list[LevelMove]  # levels at the end snapshot's metric values against the start's
    standards_lost: list[LevelMove]
    standards_by_team: list[TeamLevels]
    delivered: list[Promise]
    slipped: list[Promise]
    commitments_from: str  # where the commitments were read from
    escalations_opened: list[EscalationMove]  # first seen in the period (the ledger of `charter escalations`)
    escalations_resolved: list[EscalationMove]  # resolved in the period, whenever first seen
    escalation_times: EscalationTimes
    decisions: list[DecisionTaken]
    current: list[CurrentValue]  # the organisation's values at the end (or latest) snapshot
    unavailable: list[Unavailable]  # sections with no data yet, and why
