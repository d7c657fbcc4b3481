"""`charter report`'s view: the strategy document made from one snapshot and the strategy files, one
part per section. A section whose data does not exist yet (no service computes it, or the store
holds none) says so in `unavailable`; a value with no data is null, never 0."""

from __future__ import annotations

from typing import ClassVar

from charter.outputs.views.base import IsoDate, IsoDateTime, ReportView, View
from charter.outputs.views.controls import ObligationCoverage
from charter.outputs.views.escalations import EscalationsReport
from charter.outputs.views.plan import PlanReport
from charter.outputs.views.review import ReviewReport
from charter.outputs.views.risks import RiskRegisterReport
from charter.outputs.views.scorecard import Rollup
from charter.outputs.views.targets import TargetRow


class ReportSource(View):
    """What the document was made from, so it can be made again to the byte."""

    organization: str
    snapshot: int
    taken_at: IsoDateTime
    strategy_commit: str | None  # the strategy repository's commit the snapshot was taken at
    snapshot_charter_version: str  # the Charter that took the snapshot
    charter_version: str  # the Charter that wrote this document
    period_start: IsoDate  # the period decisions (and the review) are read for
    period_end: IsoDate


class TrendPoint(View):
    day: IsoDate
    value: float | None  # None: the snapshot had no data for it


class MetricTrend(View):
    """One metric's values at one scope over the snapshots up to the document's."""

    metric: str
    scope: str
    unit: str
    points: list[TrendPoint]


class ScopeValues(View):
    """A scope's values of a section's metrics in the document's snapshot; null: no data."""

    scope: str
    values: dict[str, float | None]
    bands: dict[str, str | None] = {}  # DORA band by metric, for the delivery section


class MetricSection(View):
    """A section measured from the snapshot: the organisation's values, each team's, and trends."""

    unavailable: str | None = None  # why the section is empty
    metrics: list[str]
    units: dict[str, str]
    organization: ScopeValues | None
    teams: list[ScopeValues]
    trends: list[MetricTrend]


class GoalView(View):
    goal: str
    description: str


class GoalsSection(View):
    """The goals, and their targets as `charter targets` evaluates them at the snapshot's day."""

    goals: list[GoalView]
    targets: list[TargetRow]
    status_unavailable: str | None  # why the targets could not be evaluated, when they could not


class HealthSection(View):
    """Health by area and team: the assessment scores (0..100) the snapshot recorded, as `charter
    assess` computes them, per team and for the organisation."""

    method_version: float | None  # the assessment method's version that scored the snapshot
    scores: MetricSection


class EscalationsSection(View):
    """What must be escalated: `charter escalations` at the snapshot's day, without touching its ledger."""

    unavailable: str | None
    escalations: EscalationsReport | None


class PendingSection(View):
    """A section whose data Charter does not compute yet."""

    unavailable: str


class SloBudget(View):
    """A component's error budget as the snapshot measured it: its worst SLO's."""

    component: str
    slos: list[str]  # the SLOs joined to it
    attainment: float | None  # the lowest attainment of its SLOs; None: no SLI data
    budget_remaining: float | None  # share of the error budget left; None: no SLI data
    exhausted: bool


class ReliabilitySection(View):
    budgets_unavailable: str | None
    budgets: list[SloBudget]  # least budget left first, those without data last
    incidents: MetricSection


class SecuritySection(View):
    exposure: MetricSection
    controls: list[ObligationCoverage]


class RisksSection(View):
    unavailable: str | None
    risk_register: RiskRegisterReport | None


class RoadmapSection(View):
    unavailable: str | None
    plan: PlanReport | None


class StandardRollup(View):
    standard: str
    title: str
    levels: list[str]
    by_team: list[Rollup]


class StandardsSection(View):
    standards: list[StandardRollup]


class DecisionView(View):
    decision: str
    title: str
    status: str | None
    date: IsoDate | None


class DecisionsSection(View):
    decisions: list[DecisionView]  # dated inside the period, oldest first


class SummaryFigure(View):
    """One line of the executive summary: what, its value as read, and the section it comes from."""

    label: str
    value: str
    section: str


class StrategyReport(ReportView):
    report: ClassVar[str] = "strategy-report"

    source: ReportSource
    summary: list[SummaryFigure]
    goals: GoalsSection
    health: HealthSection
    escalations: EscalationsSection
    delivery: MetricSection
    reliability: ReliabilitySection
    security: SecuritySection
    risks: RisksSection
    roadmap: RoadmapSection
    standards: StandardsSection
    code_health: MetricSection
    decisions: DecisionsSection
    review: ReviewReport | PendingSection | None  # with --since only: `charter review` of the period
