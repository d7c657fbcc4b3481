"""The policy `minReliabilityAllocation` in the plan: a share of each quarter's available capacity
goes to reliability, debt and security work before value is maximised, and when not enough such work
is proposed the plan still comes back, with the shortfall per quarter."""

from __future__ import annotations

from dataclasses import replace

import pytest

from charter.analysis.strategy.milp import solve_plan
from charter.analysis.strategy.roadmap import PlanInitiative, Roadmap
from charter.analysis.strategy.tradeoffs import PlanContext, explain

ONE_QUARTER = ("2027Q1",)


def delivered(roadmap: Roadmap) -> dict[str, str | None]:
    return {item.name: item.delivered for item in solve_plan(roadmap).initiatives}


def test_the_policy_plans_reliability_work_before_more_valuable_product_work() -> None:
    roadmap = Roadmap(
        ONE_QUARTER,
        {"core": {"2027Q1": 10.0}},
        (
            PlanInitiative("features", {"core": 10.0}, 40.0, kind="product"),
            PlanInitiative("upgrades", {"core": 2.0}, 1.0, kind="debt"),
        ),
    )
    assert delivered(roadmap) == {"features": "2027Q1", "upgrades": None}
    with_policy = replace(roadmap, min_reliability_allocation=0.2)
    plan = solve_plan(with_policy)
    assert {item.name: item.delivered for item in plan.initiatives} == {"features": None, "upgrades": "2027Q1"}
    assert plan.objective == 1.0
    assert plan.reliability_shortfall == {}
    assert plan.gap == 0.0
    # The tradeoff does not offer to defer the work the policy asks for.
    [features] = explain(with_policy, plan, PlanContext(), {}).unscheduled
    assert features.smallest_change == "+2 team-weeks for core in 2027Q1"
    [without] = explain(roadmap, solve_plan(roadmap), PlanContext(), {}).unscheduled
    assert without.initiative == "upgrades"


def test_security_and_reliability_work_count_and_product_work_does_not() -> None:
    roadmap = Roadmap(
        ONE_QUARTER,
        {"core": {"2027Q1": 6.0}, "edge": {"2027Q1": 4.0}},
        (
            PlanInitiative("alerts", {"edge": 1.0}, 1.0, kind="reliability"),
            PlanInitiative("features", {"core": 6.0, "edge": 3.0}, 50.0, kind="product"),
            PlanInitiative("vault", {"core": 1.0}, 1.0, kind="security"),
        ),
        min_reliability_allocation=0.2,  # 2 of 10 team-weeks
    )
    plan = solve_plan(roadmap)
    assert {item.name: item.delivered for item in plan.initiatives} == {
        "alerts": "2027Q1",
        "features": None,
        "vault": "2027Q1",
    }


def test_when_too_little_such_work_is_proposed_the_plan_comes_back_with_the_shortfall() -> None:
    roadmap = Roadmap(
        ("2027Q1", "2027Q2"),
        {"core": {"2027Q1": 10.0, "2027Q2": 10.0}},
        (
            PlanInitiative("checkout", {"core": 7.0}, 8.0, kind="product"),
            PlanInitiative("search", {"core": 10.0}, 5.0, kind="product"),
            PlanInitiative("upgrades", {"core": 3.0}, 2.0, kind="debt"),
        ),
        min_reliability_allocation=0.5,  # 5 team-weeks a quarter; only 3 are proposed
    )
    plan = solve_plan(roadmap)
    assert plan.status == "Optimal"
    assert sum(plan.reliability_shortfall.values()) == pytest.approx(7.0)
    assert {item.name: item.delivered for item in plan.initiatives} == {
        "checkout": "2027Q1",
        "search": "2027Q2",
        "upgrades": "2027Q1",
    }
    assert plan.objective == 8 * 2 + 5 * 1 + 2 * 2


def test_commitments_come_before_the_policy() -> None:
    roadmap = Roadmap(
        ONE_QUARTER,
        {"core": {"2027Q1": 10.0}},
        (
            PlanInitiative("promised", {"core": 10.0}, 1.0, committed="2027Q1", kind="product"),
            PlanInitiative("upgrades", {"core": 2.0}, 9.0, kind="debt"),
        ),
        min_reliability_allocation=0.2,
    )
    plan = solve_plan(roadmap)
    assert plan.by_name()["promised"].delivered == "2027Q1"
    assert not plan.by_name()["promised"].deadline_broken
    assert plan.reliability_shortfall == {"2027Q1": pytest.approx(2.0)}
