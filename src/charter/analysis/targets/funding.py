"""A target evaluated, with the initiatives that fund its goal: an initiative whose `goals` name the
goal funds it when it is not done or dropped and is committed to a quarter, in progress, or (when
the caller solved `charter plan`, which takes seconds on a large organisation) delivered by the plan."""

from __future__ import annotations

from collections.abc import Mapping
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
    """An initiative whose `goals` name the target's goal. It funds the goal when it is not done or
    dropped and is committed to a quarter, in progress, or delivered by the plan (`planned`: the
    quarter the plan delivers it in, when a plan was solved)."""

    initiative: str
    status: str
    committed: str | None
    funded: bool
    planned: str | None = None


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


def goal_funding(estate: Estate, planned: Mapping[str, str] | None = None) -> dict[str, tuple[GoalFunding, ...]]:
    """The initiatives naming each goal (`spec.goals`, by goal id), by initiative name. `planned`:
    the quarter a solved plan delivers each initiative in, by its reference (`initiative:NAME`)."""
    found: dict[str, list[GoalFunding]] = {}
    for initiative in sorted(estate.initiatives, key=lambda item: item.metadata.name):
        for goal in initiative.spec.goals:
            found.setdefault(goal.removeprefix("goal:"), []).append(_funding(initiative, planned or {}))
    return {goal: tuple(items) for goal, items in found.items()}


def _funding(initiative: Initiative, planned: Mapping[str, str]) -> GoalFunding:
    spec = initiative.spec
    reference = f"initiative:{initiative.metadata.name}"
    committed = spec.committed.quarter if spec.committed else None
    delivered = planned.get(reference)
    funded = spec.status not in ENDED_STATUSES and (
        spec.status in FUNDED_STATUSES or committed is not None or delivered is not None
    )
    return GoalFunding(reference, spec.status, committed, funded, delivered)
