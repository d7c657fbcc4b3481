"""The risk register: order by residual level (matrix rank, then impact, then likelihood), the heat
map of open risks, overdue reviews, appetite with DESIGN.md's acceptability rule, uncommitted
mitigations, missing owners and treatments, and changes since a stored register."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from charter.analysis.risk.register import RiskRegister, build_register, register_states
from charter.load.repository import load_strategy_repo
from charter.model.risk_states import PreviousRegister, RiskState
from tests.strategy import write_repo

TODAY = date(2026, 11, 1)


def _risk(name: str, category: str, residual: tuple[int, int], **extra: str) -> str:
    fields = {
        "title": f"Risk {name}",
        "category": category,
        "owner": "group:platform",
        "likelihood": "5",
        "impact": "5",
        "treatment": "mitigate",
        "residual": f"{{likelihood: {residual[0]}, impact: {residual[1]}}}",
        "status": "open",
        "reviewBy": "2027-06-30",
    }
    fields.update(extra)
    body = "\n".join(f"  {key}: {value}" for key, value in fields.items() if value != "-")
    return f"apiVersion: charter.dev/v1\nkind: Risk\nmetadata: {{name: {name}}}\nspec:\n{body}\n"


# Default matrix (DESIGN.md); appetite security low, reliability medium.
# residual cells and their levels: (5,1) medium, (1,5) medium, (2,4) medium, (4,2) medium,
# (4,4) high, (3,5) high, (1,1) low, (5,5) critical.
RISKS = [
    _risk("five-by-one", "reliability", (5, 1)),
    _risk("one-by-five", "reliability", (1, 5), reviewBy="2026-10-01"),  # overdue
    _risk("two-by-four", "security", (2, 4), owner="-"),  # above low appetite, no owner
    _risk("four-by-two", "security", (4, 2), treatment="-"),  # no treatment
    _risk("four-by-four", "reliability", (4, 4), mitigatedBy="[initiative:multi-region]"),  # committed in time
    _risk("three-by-five", "reliability", (3, 5), mitigatedBy="[initiative:failover-drills]"),  # not committed
    _risk("one-by-one", "reliability", (1, 1), status="closed", reviewBy="2025-01-01"),  # closed: no overdue
    _risk("critical-accepted", "security", (5, 5), status="accepted"),  # accepted by a decision
]
FILES = {
    "catalog/teams.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: platform}
        spec: {type: team, children: []}
        """,
    "risks/all.yaml": "---\n".join(RISKS),
    "roadmap/initiatives.yaml": """\
        apiVersion: charter.dev/v1
        kind: Initiative
        metadata: {name: multi-region}
        spec: {type: reliability, owner: group:platform, committed: {quarter: 2027Q1}}
        ---
        apiVersion: charter.dev/v1
        kind: Initiative
        metadata: {name: failover-drills}
        spec: {type: reliability, owner: group:platform}
        """,
    "decisions/0001-accept-critical.md": """\
        ---
        status: accepted
        date: 2026-09-01
        risks: [critical-accepted]
        ---
        # Accept the critical risk until the vendor ships a fix
        """,
}


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> RiskRegister:
    root = write_repo(tmp_path_factory.mktemp("repo"), FILES)
    estate = load_strategy_repo(root)
    assert [item for item in estate.load_diagnostics if item.code.startswith(("SCH", "REF"))] == []
    return build_register(estate, TODAY)


def test_entries_are_sorted_by_matrix_rank_then_impact_then_likelihood(register: RiskRegister) -> None:
    order = [(entry.name.removeprefix("risk:"), entry.levels.residual) for entry in register.entries]

    assert order == [
        ("critical-accepted", "critical"),
        ("three-by-five", "high"),  # high: impact 5 before impact 4
        ("four-by-four", "high"),
        ("one-by-five", "medium"),  # medium: impact 5, 4, 2, 1
        ("two-by-four", "medium"),
        ("four-by-two", "medium"),
        ("five-by-one", "medium"),
        ("one-by-one", "low"),
    ]


def test_heat_map_counts_open_risks_by_residual_cell_with_the_matrix_level(register: RiskRegister) -> None:
    counts = {(cell.likelihood, cell.impact): cell.count for row in register.heat_map for cell in row if cell.count}

    # one-by-one is closed and not counted.
    assert counts == {(5, 1): 1, (1, 5): 1, (2, 4): 1, (4, 2): 1, (4, 4): 1, (3, 5): 1, (5, 5): 1}
    assert sum(cell.count for row in register.heat_map for cell in row) == 7
    assert register.heat_map[4][4].level == "critical"
    assert register.heat_map[0][0].level == "low"
    assert register.heat_map[2][4].level == "high"
    assert [len(row) for row in register.heat_map] == [5, 5, 5, 5, 5]


def _names(entries: object) -> list[str]:
    return [entry.name.removeprefix("risk:") for entry in entries]  # type: ignore[attr-defined]


def test_above_appetite_with_the_acceptability_rule(register: RiskRegister) -> None:
    above = {entry.name.removeprefix("risk:"): entry for entry in register.above_appetite}

    # security appetite low: medium and critical exceed it; reliability appetite medium: high exceeds it.
    assert sorted(above) == ["critical-accepted", "four-by-four", "four-by-two", "three-by-five", "two-by-four"]
    assert above["critical-accepted"].acceptance is not None
    assert above["critical-accepted"].acceptance.decision == "0001"
    committed = above["four-by-four"].acceptance
    assert committed is not None and committed.quarter == "2027Q1"  # ends 2027-03-31, before review 2027-06-30
    assert [name for name, entry in sorted(above.items()) if entry.unacceptable] == [
        "four-by-two",
        "three-by-five",
        "two-by-four",
    ]


def test_overdue_uncommitted_no_owner_no_treatment(register: RiskRegister) -> None:
    assert _names(register.overdue) == ["one-by-five"]
    assert _names(register.uncommitted) == ["three-by-five"]
    assert _names(register.no_owner) == ["two-by-four"]
    assert _names(register.no_treatment) == ["four-by-two"]
    assert register.changes is None


def test_changes_since_a_stored_register(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    estate = load_strategy_repo(root)
    then = {
        "risk:five-by-one": RiskState("risk:five-by-one", "high", "open"),  # level went down to medium
        "risk:one-by-one": RiskState("risk:one-by-one", "low", "open"),  # closed since
        "risk:retired": RiskState("risk:retired", "medium", "mitigating"),  # removed from the register
        "risk:two-by-four": RiskState("risk:two-by-four", "medium", "open"),  # unchanged
    }
    previous = PreviousRegister(7, datetime(2026, 10, 1, tzinfo=UTC), then)

    register = build_register(estate, TODAY, previous)

    assert register.changes is not None
    assert register.changes.closed == ("risk:one-by-one", "risk:retired")
    assert register.changes.new == (
        "risk:critical-accepted",
        "risk:four-by-four",
        "risk:four-by-two",
        "risk:one-by-five",
        "risk:three-by-five",
    )
    assert register.changes.level_changes == (("risk:five-by-one", "high", "medium"),)


def test_register_states_keep_level_and_status(register: RiskRegister) -> None:
    states = {state.risk: (state.level, state.status) for state in register_states(register)}

    assert states["risk:one-by-one"] == ("low", "closed")
    assert states["risk:critical-accepted"] == ("critical", "accepted")
    assert len(states) == 8
