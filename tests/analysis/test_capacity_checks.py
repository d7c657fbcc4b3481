"""Capacity checks from files: dependency cycles, estimates for unknown teams or teams without
Capacity, zero estimates, commitments to quarters without Capacity, over-committed team-quarters
(and the accepted decision records that answer them), and decision records' `quarter` and `defers`,
each at its file and line; and `overcommitments`, the records the escalations report reads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from charter.analysis.strategy.commitments import overcommitments
from charter.load.repository import load_strategy_repo
from charter.model.diagnostics import Diagnostic
from charter.services.context import load_context
from charter.services.strategy_check import check_strategy
from tests.strategy import write_repo

TODAY = date(2026, 12, 1)

GROUPS = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: platform}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: search}
spec: {type: team, children: []}
"""

CAPACITY = """\
apiVersion: charter.dev/v1
kind: Capacity
metadata: {name: capacity-2027q1}
spec:
  quarter: 2027Q1
  teams:
    payments: 20
    platform: 10
  reserve: {unplanned: 0.2}
"""


def initiative(name: str, spec: str) -> str:
    return f"---\napiVersion: charter.dev/v1\nkind: Initiative\nmetadata: {{name: {name}}}\nspec:\n{spec}"


def decision(quarter: str, defers: str, status: str = "accepted") -> str:
    return (
        f"---\nstatus: {status}\ndate: 2026-11-20\nquarter: {quarter}\ndefers: {defers}\n---\n"
        "# Defer work to hold the quarter\n\n## Context and Problem Statement\n\nToo much is committed.\n"
    )


def check(root: Path) -> list[Diagnostic]:
    return list(check_strategy(load_context(root, None), TODAY).diagnostics)


def found(root: Path, code: str) -> list[tuple[str | None, str, int | None]]:
    return [
        (item.entity, item.location.path if item.location else "", item.location.line if item.location else None)
        for item in check(root)
        if item.code == code
    ]


def repo(tmp_path: Path, roadmap: str, **files: str) -> Path:
    return write_repo(
        tmp_path,
        {"catalog/groups.yaml": GROUPS, "roadmap/capacity.yaml": CAPACITY, "roadmap/work.yaml": roadmap, **files},
    )


def test_a_well_kept_roadmap_has_no_capacity_diagnostics(tmp_path: Path) -> None:
    roadmap = initiative(
        "checkout",
        "  type: product\n  owner: group:payments\n  estimate: {teamWeeks: 16}\n  committed: {quarter: 2027Q1}\n",
    ) + initiative(
        "search-index",
        "  type: product\n  estimate: {teamWeeks: {platform: 4, payments: 0.5}}\n  dependsOn: [initiative:checkout]\n",
    )
    assert [item for item in check(repo(tmp_path, roadmap)) if item.code.startswith("CAP")] == []


def test_a_dependency_cycle_names_its_path(tmp_path: Path) -> None:
    roadmap = "".join(
        initiative(
            name,
            f"  type: platform\n  owner: group:platform\n  estimate: {{teamWeeks: 1}}\n"
            f"  dependsOn: [initiative:{after}]\n",
        )
        for name, after in (("mesh", "mtls"), ("mtls", "certs"), ("certs", "mesh"), ("apart", "mesh"))
    )
    [item] = [item for item in check(repo(tmp_path, roadmap)) if item.code == "CAP002"]
    assert item.message == "initiatives depend on each other in a cycle: certs -> mesh -> mtls -> certs"
    assert item.entity == "initiative:certs"
    assert item.location is not None and (item.location.path, item.location.line) == ("roadmap/work.yaml", 27)


def test_an_initiative_that_depends_on_itself_is_a_cycle(tmp_path: Path) -> None:
    roadmap = initiative(
        "loop", "  type: debt\n  owner: group:platform\n  estimate: {teamWeeks: 1}\n  dependsOn: [initiative:loop]\n"
    )
    [item] = [item for item in check(repo(tmp_path, roadmap)) if item.code == "CAP002"]
    assert item.message.endswith("loop -> loop")


def test_estimates_for_unknown_teams_teams_without_capacity_and_zero(tmp_path: Path) -> None:
    roadmap = initiative(
        "shared",
        "  type: product\n  estimate:\n    teamWeeks:\n      search: 3\n      serach-infra: 2\n      platform: 0\n",
    )
    root = repo(tmp_path, roadmap)
    assert found(root, "CAP003") == [("initiative:shared", "roadmap/work.yaml", 10)]
    assert found(root, "CAP004") == [("initiative:shared", "roadmap/work.yaml", 9)]
    assert found(root, "CAP007") == [("initiative:shared", "roadmap/work.yaml", 11)]


def test_done_work_needs_no_capacity(tmp_path: Path) -> None:
    roadmap = initiative("old", "  type: debt\n  owner: group:search\n  estimate: {teamWeeks: 0}\n  status: done\n")
    assert [item.code for item in check(repo(tmp_path, roadmap)) if item.code.startswith("CAP")] == []


def test_a_commitment_to_a_quarter_without_capacity(tmp_path: Path) -> None:
    roadmap = initiative(
        "later",
        "  type: product\n  owner: group:payments\n  estimate: {teamWeeks: 2}\n  committed: {quarter: 2028Q3}\n",
    ) + initiative(
        "past",
        "  type: product\n  owner: group:payments\n  estimate: {teamWeeks: 2}\n"
        "  committed: {quarter: 2026Q1}\n  status: in-progress\n",
    )
    assert found(repo(tmp_path, roadmap), "CAP005") == [("initiative:later", "roadmap/work.yaml", 9)]


def _overcommitted_roadmap() -> str:
    return "".join(
        initiative(
            name,
            f"  type: product\n  owner: group:{team}\n  estimate: {{teamWeeks: {weeks}}}\n"
            "  committed: {quarter: 2027Q1}\n",
        )
        for name, team, weeks in (
            ("checkout", "payments", 10),
            ("fraud", "payments", 10),
            ("db-upgrade", "platform", 6),
            ("k8s", "platform", 5),
        )
    )


def test_over_commitment_is_reported_unless_an_accepted_decision_defers_enough(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        _overcommitted_roadmap(),
        **{
            "decisions/0001-defer-k8s.md": decision("2027Q1", "[initiative:k8s]"),
            "decisions/0002-defer-fraud.md": decision("2027Q1", "[initiative:fraud]", status="proposed"),
        },
    )
    [item] = [item for item in check(root) if item.code == "CAP006"]
    assert item.message == (
        "payments is over-committed in 2027Q1: 20 team-weeks committed (checkout, fraud) against 16 available "
        "(after the 20% reserve)"
    )
    assert item.entity == "capacity:capacity-2027q1"
    assert item.location is not None and (item.location.path, item.location.line) == ("roadmap/capacity.yaml", 7)
    assert item.hint is not None and "defer at least 4 more team-weeks of payments's work" in item.hint


def test_a_decision_that_defers_too_little_is_named_and_the_quarter_still_reported(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        _overcommitted_roadmap().replace("teamWeeks: 5", "teamWeeks: 9"),
        **{"decisions/0001-defer-db.md": decision("2027Q1", "[initiative:db-upgrade, initiative:payments-x]")},
    )
    platform = [item for item in check(root) if item.code == "CAP006" and "platform" in item.message]
    [item] = platform
    assert item.message.endswith("; decision 0001 defers db-upgrade (6 team-weeks), not enough")
    assert found(root, "REF001") == [("decision:0001", "decisions/0001-defer-db.md", 5)]


def test_overcommitments_are_records_with_the_decision_that_answers_them(tmp_path: Path) -> None:
    root = repo(tmp_path, _overcommitted_roadmap(), **{"decisions/0007-defer.md": decision("2027Q1", "[k8s]")})
    records = {item.team: item for item in overcommitments(load_strategy_repo(root), TODAY)}
    platform, payments = records["platform"], records["payments"]
    assert (platform.quarter, platform.committed, platform.available) == ("2027Q1", 11.0, 8.0)
    assert platform.initiatives == ("db-upgrade", "k8s")
    assert (platform.decision, platform.deferred, platform.answered) == ("0007", ("k8s",), True)
    assert (payments.decision, payments.answered, payments.excess) == (None, False, 4.0)
    # A quarter that ended is history, not over-commitment.
    assert overcommitments(load_strategy_repo(root), date(2027, 4, 1)) == []


def test_an_expired_decision_answers_nothing(tmp_path: Path) -> None:
    record = decision("2027Q1", "[initiative:k8s]").replace("date: 2026-11-20", "date: 2026-11-20\nexpires: 2026-11-30")
    root = repo(tmp_path, _overcommitted_roadmap(), **{"decisions/0001-defer-k8s.md": record})
    assert {item.team for item in overcommitments(load_strategy_repo(root), TODAY) if not item.answered} == {
        "payments",
        "platform",
    }


def test_a_decision_quarter_written_with_a_dash_is_a_schema_error_at_its_line(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        _overcommitted_roadmap(),
        **{"decisions/0001-defer-k8s.md": decision("2027-Q1", "[initiative:k8s, risk:cards]")},
    )
    schema = [item for item in check(root) if item.code == "SCH003"]
    assert [(item.location.line if item.location else None, item.hint) for item in schema] == [
        (4, "write 2027Q1"),
        (5, "write `initiative:NAME` for each initiative the decision defers"),
    ]
    assert "'2027-Q1' is not a quarter like 2027Q1" in schema[0].message
    # The record is still read; with no quarter it answers nothing.
    assert {item.team for item in overcommitments(load_strategy_repo(root), TODAY) if not item.answered} == {
        "payments",
        "platform",
    }


def test_a_repository_without_any_capacity_is_not_held_against_one(tmp_path: Path) -> None:
    roadmap = initiative(
        "later", "  type: product\n  owner: group:search\n  estimate: {teamWeeks: 2}\n  committed: {quarter: 2028Q3}\n"
    )
    root = write_repo(tmp_path, {"catalog/groups.yaml": GROUPS, "roadmap/work.yaml": roadmap})
    assert [item.code for item in check(root) if item.code.startswith("CAP")] == []


def test_negative_estimates_and_dashed_quarters_are_schema_errors_at_their_line(tmp_path: Path) -> None:
    roadmap = initiative(
        "backwards", "  type: product\n  owner: group:payments\n  estimate: {teamWeeks: -3}\n"
    ) + initiative(
        "dashed",
        "  type: product\n  owner: group:payments\n  estimate: {teamWeeks: 3}\n  committed: {quarter: 2027-Q1}\n",
    )
    schema = [item for item in check(repo(tmp_path, roadmap)) if item.code == "SCH003"]
    assert [(item.entity, item.location.line if item.location else None) for item in schema] == [
        ("initiative:backwards", 8),
        ("initiative:dashed", 17),
    ]
    assert "-3 team-weeks: an estimate is zero or more" in schema[0].message
    assert "write '2027Q1'" in schema[1].message
