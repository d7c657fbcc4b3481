"""`charter plan`'s view: the optimal roadmap under capacity (objective, proven gap, per team and
quarter the capacity and its use, per initiative its WSJF numbers, work and delivery quarter), the
tradeoffs it makes, and, with a scenario, how the scenario's plan differs from the baseline."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from charter.outputs.views.base import ReportView, View


class TeamQuarter(View):
    team: str
    quarter: str
    capacity: float  # team-weeks as written in Capacity
    reserve: float  # team-weeks held back for unplanned work
    available: float
    planned: float
    headroom: float


class Wsjf(View):
    business_value: float
    time_criticality: float
    risk_reduction: float
    cost_of_delay: float
    team_weeks: float
    score: float  # cost of delay ÷ team-weeks
    formula: str


class PlannedInitiative(View):
    initiative: str  # its reference, `initiative:NAME`
    title: str
    type: str
    owner: str | None
    status: str
    committed: str | None
    due: str | None
    delivered: str | None  # the quarter its last team-week is done in; null when not in the horizon
    value: float  # cost of delay × the quarters it counts for; 0 when not delivered
    wsjf: Wsjf
    work: dict[str, dict[str, float]]  # quarter -> team -> team-weeks
    depends_on: list[str]


class LeftOut(View):
    initiative: str
    reason: str


class RiskLeft(View):
    risk: str
    residual: str
    appetite: str | None
    above_appetite: bool


class UnscheduledInitiative(View):
    initiative: str
    binding: str  # dependency | no-capacity | capacity | optimality-gap
    explanation: str
    value_given_up: float
    smallest_change: str
    risks_left_unmitigated: list[RiskLeft]
    goals: list[str]


class UnfundedGoal(View):
    goal: str
    unscheduled_initiatives: list[str]


class MarginalValue(View):
    team: str
    quarter: str
    value_per_team_week: float


class BrokenDeadline(View):
    initiative: str
    deadline: str
    delivered: str | None
    reason: str


class CommitmentChange(View):
    initiative: str
    committed: str | None
    planned: str | None
    change: str  # kept | moved | dropped | added | deferred (by an accepted decision record)
    decision: str | None = None  # the record that deferred it


class Tradeoffs(View):
    unscheduled: list[UnscheduledInitiative]
    risks_left_unmitigated: list[RiskLeft]
    goals_without_funded_initiative: list[UnfundedGoal]
    marginal_values: list[MarginalValue]
    broken_deadlines: list[BrokenDeadline]
    commitments: list[CommitmentChange]


class ScenarioChange(View):
    initiative: str
    baseline: str | None  # delivery quarter in the baseline plan
    scenario: str | None


class ScenarioDifference(View):
    file: str
    baseline_objective: float
    objective: float
    value_change: float  # the scenario's objective less the baseline's
    changes: list[ScenarioChange]
    applied: list[str]  # what the scenario changed, one line each


class PlanReport(ReportView):
    report: ClassVar[str] = "plan"

    quarters: list[str]
    objective: float
    gap: float  # the proven relative optimality gap; 0.0 when optimal
    status: str
    capacity: list[TeamQuarter]
    initiatives: list[PlannedInitiative]
    left_out: list[LeftOut]
    reliability_share: dict[str, float]  # quarter -> share of available capacity on reliability, debt, security
    min_reliability_allocation: float
    # quarter -> team-weeks of such work short of the policy: not enough of it proposed, or deliverable
    reliability_shortfall: dict[str, float] = Field(default_factory=dict)
    tradeoffs: Tradeoffs
    scenario: ScenarioDifference | None = None
