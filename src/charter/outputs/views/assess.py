"""`charter assess`'s views: a score from 0 to 100 and a confidence per area for each component, system,
team or the organisation, the next steps per team; and, for `--explain`, every check behind one scope's
scores with its weight, value and evidence."""

from __future__ import annotations

from typing import ClassVar

from charter.outputs.views.base import IsoDateTime, ReportView, View


class AreaScore(View):
    area: str
    score: float | None  # 0..100; None: no check of the area is known
    confidence: float | None  # 0..1: the weight share of its applicable checks that is known; None: none applies


class ScopeScores(View):
    scope: str
    kind: str  # component | system | team | org
    components: int
    tier: int | None = None  # a component's tier
    areas: list[AreaScore]


class NextStep(View):
    component: str
    check: str
    area: str
    title: str
    value: float
    gain: float  # points the team's area score gains when the check passes
    evidence: str
    fix: str


class TeamNextSteps(View):
    team: str
    steps: list[NextStep]


class AssessReport(ReportView):
    report: ClassVar[str] = "assess"

    as_of: IsoDateTime
    facts_at: IsoDateTime  # when the metric facts were measured: the snapshot's time, or `as_of`
    snapshot: int | None  # the snapshot whose values were scored; None: measured at `as_of`
    method: str  # the assessment method and its version
    by: str
    areas: list[str]
    scopes: list[ScopeScores]
    next_steps: list[TeamNextSteps]


class ExplainedCheck(View):
    component: str
    tier_weight: float
    area: str
    check: str
    title: str
    weight: float
    status: str  # passed | failed | unknown | not applicable
    value: float | None
    evidence: str
    evidence_at: IsoDateTime | None


class AssessExplanation(ReportView):
    report: ClassVar[str] = "assess-explain"

    as_of: IsoDateTime
    facts_at: IsoDateTime
    snapshot: int | None
    method: str
    scope: ScopeScores
    weights: dict[str, float]  # every check's weight in use (0: left out)
    tier_weights: dict[str, float]  # a component's weight in the roll-ups by tier, and `untiered`
    checks: list[ExplainedCheck]
