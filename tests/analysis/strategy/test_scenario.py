"""Scenarios laid over a roadmap: initiatives forced in and out, capacity added or removed, a team's
capacity moved to another; each planned against the baseline, on a roadmap built so the difference
is known. And the scenario file's mistakes, each naming its field."""

from __future__ import annotations

import pytest

from charter.analysis.strategy.milp import solve_plan
from charter.analysis.strategy.roadmap import PlanInitiative, Roadmap
from charter.analysis.strategy.scenario import apply_scenario, parse_scenario

QUARTERS = ("2027Q1", "2027Q2")

BASELINE = Roadmap(
    QUARTERS,
    {"payments": {"2027Q1": 10.0, "2027Q2": 10.0}, "search": {"2027Q1": 6.0, "2027Q2": 6.0}},
    (
        PlanInitiative("checkout", {"payments": 10.0}, 8.0),
        PlanInitiative("fraud-rules", {"payments": 10.0}, 5.0),
        PlanInitiative("wallets", {"payments": 6.0}, 1.0),
        PlanInitiative("ranking", {"search": 12.0}, 6.0),
    ),
)


def deliveries(roadmap: Roadmap) -> dict[str, str | None]:
    return {item.name: item.delivered for item in solve_plan(roadmap).initiatives}


def scenario(data: object) -> tuple[Roadmap, list[str]]:
    return apply_scenario(BASELINE, parse_scenario(data))


def test_the_baseline() -> None:
    assert deliveries(BASELINE) == {
        "checkout": "2027Q1",
        "fraud-rules": "2027Q2",
        "ranking": "2027Q2",
        "wallets": None,
    }


def test_an_initiative_forced_in_is_delivered_and_what_it_displaces_is_not() -> None:
    roadmap, applied = scenario({"force": {"in": ["initiative:wallets"]}})
    assert applied == ["wallets forced in"]
    plan = solve_plan(roadmap)
    assert {item.name: item.delivered for item in plan.initiatives} == {
        "checkout": "2027Q1",
        "fraud-rules": None,
        "ranking": "2027Q2",
        "wallets": "2027Q2",
    }
    assert plan.objective < solve_plan(BASELINE).objective


def test_an_initiative_forced_out_frees_its_capacity() -> None:
    roadmap, applied = scenario({"force": {"out": ["checkout"]}})
    assert applied == ["checkout forced out"]
    assert deliveries(roadmap) == {"fraud-rules": "2027Q1", "ranking": "2027Q2", "wallets": "2027Q2"}


def test_capacity_removed_drops_the_least_valuable_work() -> None:
    roadmap, applied = scenario({"capacity": {"2027Q2": {"payments": -10}}})
    assert applied == ["payments in 2027Q2: -10 team-weeks"]
    assert roadmap.available("payments", "2027Q2") == 0.0
    assert deliveries(roadmap)["fraud-rules"] is None
    assert deliveries(roadmap)["checkout"] == "2027Q1"


def test_capacity_added_schedules_more() -> None:
    roadmap, _ = scenario({"capacity": {"2027Q2": {"group:payments": 6}}})
    assert deliveries(roadmap)["wallets"] == "2027Q2"


def test_capacity_moved_to_another_team_moves_what_gets_delivered() -> None:
    roadmap, applied = scenario({"move": [{"from": "search", "to": "payments", "teamWeeks": 6}]})
    assert applied == [
        "6 team-weeks moved from search to payments in 2027Q1",
        "6 team-weeks moved from search to payments in 2027Q2",
    ]
    assert roadmap.available("search", "2027Q1") == 0.0
    assert roadmap.available("payments", "2027Q2") == 16.0
    assert deliveries(roadmap) == {
        "checkout": "2027Q1",
        "fraud-rules": "2027Q2",
        "ranking": None,
        "wallets": "2027Q1",
    }


def test_a_move_takes_no_more_than_the_team_has() -> None:
    roadmap, applied = scenario(
        {"move": [{"from": "search", "to": "payments", "teamWeeks": 50, "quarters": ["2027Q1"]}]}
    )
    assert applied == ["6 team-weeks moved from search to payments in 2027Q1"]
    assert roadmap.available("payments", "2027Q1") == 16.0
    assert roadmap.available("search", "2027Q2") == 6.0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"force": {"in": ["nothing"]}}, "force: nothing is not an initiative the plan can schedule"),
        ({"move": [{"from": "search", "teamWeeks": 2}]}, "move[0]: needs from, to and teamWeeks"),
        ({"capacity": {"2027-Q2": {"payments": 1}}}, "capacity.2027-Q2: write 2027Q2, not 2027-Q2"),
        ({"hire": 3}, "unknown keys ['hire']"),
        ({"force": {"out": "checkout"}}, "force.out: a list of initiatives"),
    ],
)
def test_a_bad_scenario_names_the_field(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        scenario(data)
