"""A target evaluated, with the initiatives that fund its goal: an initiative whose `goals` name the
goal funds it when it is committed to a quarter or in progress, and not done or dropped. (The plan
`charter plan` solves is not consulted: it takes seconds on a large organisation.)"""

from __future__ import annotations

from dataclasses import dataclass

from charter.analysis.metrics import Metric
from charter.analysis.targets.evaluate import Evaluation, TargetRule, TargetState
from charter.analysis.targets.selection import Selection
from charter.model.diagnostics import Location
from charter.model.estate import Estate
from charter.model.kinds import Initiative
from charter.model.organization import Target

FUNDED_STATUSES = frozenset({"committed", "in-progress"})
ENDED_STATUSES = frozenset({"done", "dropped"})


@dataclass(frozen=True, slots=True)
class GoalFunding:
    """An initiative whose `goals` name the target's goal. It funds the goal when it is committed
    to a quarter or in progress, and not done or dropped."""

    initiative: str
    status: str
    committed: str | None
    funded: bool


@dataclass(frozen=True, slots=True)
class TargetStatus:
    """One target of one goal, evaluated."""

    goal: str
    target: Target
    metric: Metric
    rule: TargetRule
    selection: Selection
    evaluation: Evaluation
    funding: tuple[GoalFunding, ...]
    location: Location | None

    @property
    def status(self) -> TargetState:
        return self.evaluation.status

    @property
    def funded(self) -> bool:
        return any(item.funded for item in self.funding)


def goal_funding(estate: Estate) -> dict[str, tuple[GoalFunding, ...]]:
    """The initiatives naming each goal (`spec.goals`, by goal id), by initiative name."""
    found: dict[str, list[GoalFunding]] = {}
    for initiative in sorted(estate.initiatives, key=lambda item: item.metadata.name):
        for goal in initiative.spec.goals:
            found.setdefault(goal.removeprefix("goal:"), []).append(_funding(initiative))
    return {goal: tuple(items) for goal, items in found.items()}


def _funding(initiative: Initiative) -> GoalFunding:
    spec = initiative.spec
    committed = spec.committed.quarter if spec.committed else None
    funded = spec.status not in ENDED_STATUSES and (spec.status in FUNDED_STATUSES or committed is not None)
    return GoalFunding(f"initiative:{initiative.metadata.name}", spec.status, committed, funded)
