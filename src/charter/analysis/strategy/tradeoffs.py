"""What the plan gives up, spelled out: for each initiative not delivered, the constraint that binds
(a dependency, a team without capacity, a team's capacity), the value it gives up, the risks left
unmitigated, and the smallest change that would schedule it; goals no delivered initiative moves;
the marginal value of a team-week; deadlines the plan breaks; and how it differs from what is
committed today."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from charter.analysis.strategy.milp import PlanSolution, ScheduledInitiative
from charter.analysis.strategy.roadmap import PlanInitiative, Roadmap, quarter_index

SLACK = 1e-6


@dataclass(frozen=True, slots=True)
class RiskExposure:
    """A risk as the plan sees it: its current residual level against its category's appetite, and
    the initiatives that mitigate it."""

    risk: str
    residual: str
    appetite: str | None
    above_appetite: bool
    mitigated_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unscheduled:
    initiative: str
    binding: str  # dependency | no-capacity | capacity | optimality-gap
    explanation: str
    value_given_up: float  # CoD × the quarters it would count for if delivered as early as allowed
    smallest_change: str
    risks_left: tuple[RiskExposure, ...]
    goals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BrokenDeadline:
    initiative: str
    deadline: str
    delivered: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class CommitmentChange:
    initiative: str
    committed: str | None
    planned: str | None
    change: str  # kept | moved | dropped | added | deferred (by `decision`)
    decision: str | None = None


@dataclass(frozen=True, slots=True)
class MarginalValue:
    team: str
    quarter: str
    value_per_team_week: float


@dataclass(frozen=True, slots=True)
class Tradeoffs:
    unscheduled: tuple[Unscheduled, ...]
    goals_unfunded: tuple[tuple[str, tuple[str, ...]], ...]  # goal, the undelivered initiatives naming it
    marginal_values: tuple[MarginalValue, ...]
    broken_deadlines: tuple[BrokenDeadline, ...]
    commitments: tuple[CommitmentChange, ...]


@dataclass(frozen=True, slots=True)
class PlanContext:
    """What the tradeoffs read besides the plan: risks by the initiatives that mitigate them, goals
    by the initiatives that name them, and the organisation's goal ids."""

    risks: Sequence[RiskExposure] = ()
    goals_of: Mapping[str, tuple[str, ...]] | None = None
    goal_ids: Sequence[str] = ()


def explain(
    roadmap: Roadmap,
    plan: PlanSolution,
    context: PlanContext,
    marginal: Mapping[tuple[str, str], float],
) -> Tradeoffs:
    scheduled = plan.by_name()
    delivered = {name for name, item in scheduled.items() if item.delivered is not None}
    goals_of = context.goals_of or {}
    unscheduled = tuple(
        _unscheduled(roadmap, plan, item, scheduled, context.risks, delivered, goals_of.get(item.name, ()))
        for item in roadmap.initiatives
        if scheduled[item.name].delivered is None
    )
    funded = {goal for name in delivered for goal in goals_of.get(name, ())}
    goals_unfunded = tuple(
        (goal, tuple(sorted(name for name, goals in goals_of.items() if goal in goals and name not in delivered)))
        for goal in context.goal_ids
        if goal not in funded
    )
    values = tuple(MarginalValue(team, quarter, value) for (team, quarter), value in sorted(marginal.items()))
    return Tradeoffs(
        unscheduled, goals_unfunded, values, _broken(roadmap, plan, scheduled), _commitments(roadmap, scheduled)
    )


def _start(item: PlanInitiative, scheduled: Mapping[str, ScheduledInitiative], roadmap: Roadmap) -> int | None:
    """The first horizon position it may get work in; None when a dependency is not delivered."""
    start = 0
    for dependency in item.depends_on:
        position = roadmap.position(scheduled[dependency].delivered) if dependency in scheduled else None
        if position is None:
            return None
        start = max(start, position)
    return start


def _unscheduled(
    roadmap: Roadmap,
    plan: PlanSolution,
    item: PlanInitiative,
    scheduled: Mapping[str, ScheduledInitiative],
    risks: Sequence[RiskExposure],
    delivered: set[str],
    goals: tuple[str, ...],
) -> Unscheduled:
    left = tuple(
        risk for risk in risks if item.name in risk.mitigated_by and not delivered.intersection(risk.mitigated_by)
    )
    start = _start(item, scheduled, roadmap)
    if start is None:
        missing = [dep for dep in item.depends_on if scheduled.get(dep) is None or scheduled[dep].delivered is None]
        text = f"depends on {', '.join(missing)}, not delivered in the horizon"
        change = f"schedule {', '.join(missing)} first"
        return Unscheduled(item.name, "dependency", text, item.cost_of_delay * roadmap.horizon, change, left, goals)
    value = item.cost_of_delay * (roadmap.horizon - start)
    quarters = roadmap.quarters[start:]
    idle = [team for team in sorted(item.work) if not any(roadmap.available(team, q) > 0 for q in quarters)]
    if idle:
        text = f"no capacity for {', '.join(idle)} in {_span(quarters)}"
        change = " and ".join(f"+{item.work[team]:g} team-weeks for {team} in {quarters[-1]}" for team in idle)
        return Unscheduled(item.name, "no-capacity", text, value, change, left, goals)
    short: dict[str, float] = {}
    for team in sorted(item.work):
        headroom = sum(max(0.0, roadmap.available(team, q) - plan.used(team, q)) for q in quarters)
        if item.work[team] - headroom > SLACK:
            short[team] = item.work[team] - headroom
    if not short:
        text = "fits the remaining capacity; left out within the proven optimality gap"
        return Unscheduled(item.name, "optimality-gap", text, value, "solve with a smaller gap", left, goals)
    text = "; ".join(
        f"capacity of {team} in {_span(quarters)}: {item.work[team] - need:g} team-weeks free of {item.work[team]:g}"
        for team, need in short.items()
    )
    extra = " and ".join(f"+{_weeks(need)} team-weeks for {team} in {quarters[-1]}" for team, need in short.items())
    deferrable = _deferrable(roadmap, item, scheduled, short)
    change = f"{extra}, or defer {deferrable}" if deferrable else extra
    return Unscheduled(item.name, "capacity", text, value, change, left, goals)


def _deferrable(
    roadmap: Roadmap, item: PlanInitiative, scheduled: Mapping[str, ScheduledInitiative], short: Mapping[str, float]
) -> str | None:
    """The delivered initiative of least cost of delay, with no deadline, whose work frees enough of
    every short team; None when no single one does. Reliability, debt and security work is not
    offered while `minReliabilityAllocation` asks for it."""
    policy = roadmap.min_reliability_allocation > 0
    candidates = []
    for other in roadmap.initiatives:
        if other.name == item.name or other.deadline is not None or scheduled[other.name].delivered is None:
            continue
        if policy and other.counts_as_reliability:
            continue
        if all(other.work.get(team, 0.0) + SLACK >= need for team, need in short.items()):
            candidates.append((other.cost_of_delay, other.name))
    return min(candidates)[1] if candidates else None


def _weeks(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _span(quarters: Sequence[str]) -> str:
    return quarters[0] if len(quarters) == 1 else f"{quarters[0]}..{quarters[-1]}"


def _broken(
    roadmap: Roadmap, plan: PlanSolution, scheduled: Mapping[str, ScheduledInitiative]
) -> tuple[BrokenDeadline, ...]:
    found = []
    first = quarter_index(roadmap.quarters[0]) if roadmap.quarters else 0
    for item in roadmap.initiatives:
        deadline = item.deadline
        if deadline is None or not scheduled[item.name].deadline_broken:
            continue
        done = scheduled[item.name].delivered
        if quarter_index(deadline) < first:
            reason = f"{deadline} is before the horizon: already late"
        elif done is None:
            reason = "does not fit the horizon with the deadlines before it held"
        else:
            reason = f"capacity and dependencies allow {done} at the earliest, with the other deadlines held"
        found.append(BrokenDeadline(item.name, deadline, done, reason))
    return tuple(found)


def _commitments(roadmap: Roadmap, scheduled: Mapping[str, ScheduledInitiative]) -> tuple[CommitmentChange, ...]:
    changes = []
    for item in roadmap.initiatives:
        planned = scheduled[item.name].delivered
        if item.deferred_by is not None:
            changes.append(CommitmentChange(item.name, item.deferred_from, planned, "deferred", item.deferred_by))
            continue
        if item.committed is None:
            if planned is not None:
                changes.append(CommitmentChange(item.name, None, planned, "added"))
            continue
        if planned is None:
            change = "dropped"
        elif quarter_index(planned) <= quarter_index(item.committed):
            change = "kept"
        else:
            change = "moved"
        changes.append(CommitmentChange(item.name, item.committed, planned, change))
    return tuple(changes)
