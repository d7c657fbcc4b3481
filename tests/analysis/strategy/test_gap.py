"""The proven gap is on the plan's value: with many deadlines that cannot all be held, the penalties
HiGHS sees dwarf the value, and a gap judged on them would stop the search far from the best plan."""

from __future__ import annotations

import random

from charter.analysis.strategy.milp import SolveOptions, solve_plan
from charter.analysis.strategy.roadmap import PlanInitiative, Roadmap

QUARTERS = ("2027Q1", "2027Q2", "2027Q3", "2027Q4")


def crowded_roadmap(seed: int, teams: int = 6, initiatives: int = 60) -> Roadmap:
    """Every initiative committed to a quarter; capacity for about half of the work."""
    rng = random.Random(seed)
    names = [f"team-{number}" for number in range(teams)]
    capacity = {team: {quarter: float(rng.choice((6, 8, 10))) for quarter in QUARTERS} for team in names}
    items = [
        PlanInitiative(
            f"i{number:03d}",
            {rng.choice(names): float(rng.choice((2, 3, 4, 6, 8)))},
            float(rng.choice((1, 2, 3, 5, 8, 13, 20))),
            committed=rng.choice(QUARTERS),
        )
        for number in range(initiatives)
    ]
    return Roadmap(QUARTERS, capacity, tuple(items))


def test_the_gap_asked_for_is_the_gap_on_value_even_when_deadlines_break() -> None:
    roadmap = crowded_roadmap(5)
    plan = solve_plan(roadmap, SolveOptions(relative_gap=0.01))
    assert sum(item.deadline_broken for item in plan.initiatives) > 10
    assert plan.gap <= 0.01
    assert plan.bound >= plan.objective
