"""The plan's MILP against exhaustive enumeration on small roadmaps, and the plan's own promises:
work within capacity, in dependency order, deadlines held where they can be."""

from __future__ import annotations

import random

import pytest

from charter.analysis.strategy.milp import PlanSolution, solve_plan
from charter.analysis.strategy.roadmap import PlanInitiative, Roadmap
from tests.analysis.strategy.brute_force import best_plan, deadlines_kept

QUARTERS = ("2027Q1", "2027Q2", "2027Q3")


def random_roadmap(seed: int) -> Roadmap:
    rng = random.Random(seed)
    teams = ["core", "payments"]
    capacity = {team: {quarter: float(rng.choice((0, 4, 6, 8, 10))) for quarter in QUARTERS} for team in teams}
    items: list[PlanInitiative] = []
    for number in range(rng.choice((3, 4, 5))):
        name = f"i{number}"
        shared = rng.random() < 0.3
        work = {team: float(rng.choice((2, 3, 5, 8, 12))) for team in (teams if shared else [rng.choice(teams)])}
        earlier = [item.name for item in items]
        depends = tuple(rng.sample(earlier, 1)) if earlier and rng.random() < 0.35 else ()
        committed = rng.choice((None, None, None, *QUARTERS, "2026Q4"))
        due = rng.choice((None, None, None, "2027Q2"))
        value = float(rng.choice((1, 2, 3, 5, 8, 13)))
        items.append(PlanInitiative(name, work, value, depends, committed, due))
    return Roadmap(QUARTERS, capacity, tuple(items))


def delivery_positions(roadmap: Roadmap, plan: PlanSolution) -> dict[str, int | None]:
    return {item.name: roadmap.position(item.delivered) for item in plan.initiatives}


def assert_plan_keeps_its_promises(roadmap: Roadmap, plan: PlanSolution) -> None:
    for team in roadmap.teams:
        for quarter in roadmap.quarters:
            assert plan.used(team, quarter) <= roadmap.available(team, quarter) + 1e-6
    delivered = delivery_positions(roadmap, plan)
    items = roadmap.by_name()
    for scheduled in plan.initiatives:
        position = delivered[scheduled.name]
        if position is None:
            assert scheduled.work == {}
            continue
        for team, amount in items[scheduled.name].work.items():
            done = sum(scheduled.work.get(quarter, {}).get(team, 0.0) for quarter in roadmap.quarters[: position + 1])
            assert done == pytest.approx(amount, abs=1e-6)
        for dependency in items[scheduled.name].depends_on:
            dependency_position = delivered[dependency]
            assert dependency_position is not None and dependency_position <= position
            for quarter in scheduled.work:
                assert roadmap.quarters.index(quarter) >= dependency_position


@pytest.mark.parametrize("seed", range(40))
def test_the_objective_equals_exhaustive_enumeration(seed: int) -> None:
    roadmap = random_roadmap(seed)
    plan = solve_plan(roadmap)
    kept, objective = best_plan(roadmap)
    assert deadlines_kept(roadmap, delivery_positions(roadmap, plan)) == kept
    assert plan.objective == pytest.approx(objective)
    assert plan.gap == 0.0
    assert_plan_keeps_its_promises(roadmap, plan)


def test_short_valuable_work_goes_first() -> None:
    roadmap = Roadmap(
        ("2027Q1", "2027Q2"),
        {"core": {"2027Q1": 10.0, "2027Q2": 10.0}},
        (
            PlanInitiative("long", {"core": 10.0}, 5.0),
            PlanInitiative("short", {"core": 5.0}, 5.0),
            PlanInitiative("small", {"core": 5.0}, 5.0),
        ),
    )
    plan = solve_plan(roadmap)
    delivered = {item.name: item.delivered for item in plan.initiatives}
    assert delivered == {"long": "2027Q2", "short": "2027Q1", "small": "2027Q1"}
    assert plan.objective == 25.0


def test_a_dependency_not_delivered_keeps_its_dependant_out() -> None:
    roadmap = Roadmap(
        ("2027Q1",),
        {"core": {"2027Q1": 10.0}, "edge": {"2027Q1": 10.0}},
        (PlanInitiative("base", {"core": 20.0}, 1.0), PlanInitiative("top", {"edge": 2.0}, 50.0, ("base",))),
    )
    plan = solve_plan(roadmap).by_name()
    assert plan["top"].delivered is None
    assert plan["top"].work == {}


def test_a_dependency_delivered_in_a_quarter_lets_its_dependant_work_in_that_quarter() -> None:
    roadmap = Roadmap(
        ("2027Q1",),
        {"core": {"2027Q1": 10.0}, "edge": {"2027Q1": 10.0}},
        (PlanInitiative("base", {"core": 5.0}, 1.0), PlanInitiative("top", {"edge": 2.0}, 50.0, ("base",))),
    )
    plan = solve_plan(roadmap).by_name()
    assert plan["base"].delivered == plan["top"].delivered == "2027Q1"


def test_a_commitment_is_held_at_the_cost_of_value() -> None:
    roadmap = Roadmap(
        ("2027Q1",),
        {"core": {"2027Q1": 10.0}},
        (
            PlanInitiative("promised", {"core": 10.0}, 1.0, committed="2027Q1"),
            PlanInitiative("rich", {"core": 10.0}, 40.0),
        ),
    )
    plan = solve_plan(roadmap).by_name()
    assert plan["promised"].delivered == "2027Q1"
    assert plan["rich"].delivered is None


def test_a_commitment_that_cannot_be_held_is_reported_broken_and_the_plan_still_comes_back() -> None:
    roadmap = Roadmap(
        ("2027Q1", "2027Q2"),
        {"core": {"2027Q1": 5.0, "2027Q2": 10.0}},
        (PlanInitiative("promised", {"core": 8.0}, 3.0, committed="2027Q1"),),
    )
    plan = solve_plan(roadmap).by_name()
    assert plan["promised"].delivered == "2027Q2"
    assert plan["promised"].deadline_broken


def test_ties_go_to_the_first_name_and_the_same_inputs_give_the_same_plan() -> None:
    roadmap = Roadmap(
        ("2027Q1",),
        {"core": {"2027Q1": 5.0}},
        (PlanInitiative("zeta", {"core": 5.0}, 3.0), PlanInitiative("alpha", {"core": 5.0}, 3.0)),
    )
    first = solve_plan(roadmap)
    assert first.by_name()["alpha"].delivered == "2027Q1"
    assert first.by_name()["zeta"].delivered is None
    assert all(solve_plan(roadmap) == first for _ in range(3))


def test_work_for_a_team_without_capacity_is_never_delivered() -> None:
    roadmap = Roadmap(("2027Q1",), {"core": {"2027Q1": 10.0}}, (PlanInitiative("elsewhere", {"ghost": 1.0}, 9.0),))
    plan = solve_plan(roadmap)
    assert plan.by_name()["elsewhere"].delivered is None
    assert plan.objective == 0.0
