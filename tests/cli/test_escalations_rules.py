"""Each escalation rule over the strategy files: a repository that raises it, and a twin in which it
is answered that does not. `charter escalations --as-of 2026-11-01` on the default SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.escalations_strategy import escalations_json, incident, open_items, raised, write_escalations_repo

AS_OF = ("--as-of", "2026-11-01")

TWO_INCIDENTS = {
    "incidents/one.md": incident("INC-1", "2026-09-01T10:00:00Z"),
    "incidents/two.md": incident("INC-2", "2026-10-20T10:00:00Z"),
}
FIX_IN_PROGRESS = """\
    apiVersion: charter.dev/v1
    kind: Initiative
    metadata: {name: harden-ledger}
    spec: {type: reliability, owner: group:payments, status: in-progress, affects: [component:ledger]}
    """
RISK = """\
    apiVersion: charter.dev/v1
    kind: Risk
    metadata: {name: ledger-single-region}
    spec:
      title: The ledger runs in one region
      category: reliability
      owner: group:payments
      likelihood: 4
      impact: 5
      treatment: mitigate
      reviewBy: 2027-06-30
      affects: [component:ledger]
      mitigatedBy: [initiative:multi-region]
    """


def mitigation(**spec: str) -> str:
    fields = ", ".join(f"{key}: {value}" for key, value in spec.items())
    return f"""\
        apiVersion: charter.dev/v1
        kind: Initiative
        metadata: {{name: multi-region}}
        spec: {{type: reliability, owner: group:payments, {fields}}}
        """


def migration(status: str, plan: str) -> str:
    return f"""\
        apiVersion: charter.dev/v1
        kind: Initiative
        metadata: {{name: move-ledger-db}}
        spec:
          type: migration
          owner: user:jane
          status: {status}
          migration: {plan}
        """


def control(status: str, review_by: str) -> str:
    return f"""\
        apiVersion: charter.dev/v1
        kind: ControlSet
        metadata: {{name: soc2}}
        spec:
          obligation: soc2
          owner: group:payments
          requirements:
            - {{id: CC6.1, status: {status}, reviewBy: {review_by}}}
        """


ACCEPTED_DECISION = """\
    ---
    status: accepted
    date: 2026-10-01
    risks: [risk:ledger-single-region]
    ---
    # Accept the single region until the move
    """

OWNED_BY = """\
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: billing
      annotations: {{charter.dev/tier: "{tier}"}}
    spec: {{type: service, lifecycle: production, owner: "{owner}", system: shop}}
    """

CAPACITY = """\
    apiVersion: charter.dev/v1
    kind: Capacity
    metadata: {name: q1}
    spec: {quarter: 2027Q1, teams: {payments: 40}, reserve: {unplanned: 0.2}}
    """


def committed(name: str, weeks: int) -> str:
    return f"""\
        apiVersion: charter.dev/v1
        kind: Initiative
        metadata: {{name: {name}}}
        spec: {{type: product, owner: group:payments, estimate: {{teamWeeks: {weeks}}}, committed: {{quarter: 2027Q1}}}}
        """


OVERCOMMITTED = {"roadmap/capacity.yaml": CAPACITY, "roadmap/a.yaml": committed("search", 24),
                 "roadmap/b.yaml": committed("wallet", 16)}  # fmt: skip


def deferral(defers: str) -> str:
    return f"""\
        ---
        status: accepted
        date: 2026-10-20
        quarter: 2027Q1
        defers: [{defers}]
        ---
        # Defer work to hold the quarter
        """


CASES: dict[str, tuple[dict[str, str], list[tuple[str, str]]]] = {
    # ESC001: two incidents on the ledger within 90 days, and nothing funded that touches it.
    "repeated incidents": (TWO_INCIDENTS, [("ESC001", "component:ledger")]),
    "repeated incidents, a fix in progress affects the component": (
        {**TWO_INCIDENTS, "roadmap/fix.yaml": FIX_IN_PROGRESS},
        [],
    ),
    "repeated incidents, a committed initiative mitigates a risk naming it": (
        {**TWO_INCIDENTS, "risks/r.yaml": RISK.replace("likelihood: 4", "likelihood: 1"),
         "roadmap/m.yaml": mitigation(committed="{quarter: 2027Q1}")},
        [],
    ),
    "incidents further apart than the window": (
        {"incidents/one.md": incident("INC-1", "2026-07-01T10:00:00Z"),
         "incidents/two.md": TWO_INCIDENTS["incidents/two.md"]},
        [],
    ),
    # ESC003: 40 team-weeks committed to 2027Q1 against 32 available (40 less a 20% reserve).
    "over-committed quarter": (OVERCOMMITTED, [("ESC003", "team-quarter:payments/2027Q1")]),
    "over-committed quarter, an accepted decision defers enough": (
        {**OVERCOMMITTED, "decisions/0002-defer-wallet.md": deferral("initiative:wallet")},
        [],
    ),
    "over-committed quarter, a proposed decision answers nothing": (
        {**OVERCOMMITTED,
         "decisions/0002-defer-wallet.md": deferral("initiative:wallet").replace("accepted", "proposed")},
        [("ESC003", "team-quarter:payments/2027Q1")],
    ),
    # ESC005: critical (4×5) against a medium appetite, mitigated only by a proposed initiative.
    "risk above appetite, mitigation only proposed": (
        {"risks/r.yaml": RISK, "roadmap/m.yaml": mitigation(status="proposed")},
        [("ESC005", "risk:ledger-single-region")],
    ),
    "risk above appetite, mitigation committed": (
        {"risks/r.yaml": RISK, "roadmap/m.yaml": mitigation(committed="{quarter: 2027Q1}")},
        [],
    ),
    "risk above appetite, accepted by a decision": (
        {"risks/r.yaml": RISK, "roadmap/m.yaml": mitigation(status="proposed"),
         "decisions/0001-accept-single-region.md": ACCEPTED_DECISION},
        [],
    ),
    # ESC006: a migration in progress without a rollback plan and observability.
    "migration in progress without safety": (
        {"roadmap/move.yaml": migration("in-progress", "{successCriteria: [all reads on the new cluster]}")},
        [("ESC006", "initiative:move-ledger-db")],
    ),
    "migration in progress with rollback, criteria and observability": (
        {"roadmap/move.yaml": migration(
            "in-progress",
            "{rollbackPlan: docs/rollback.md, successCriteria: [reads moved], observability: [https://grafana/d/db]}",
        )},
        [],
    ),
    "migration not started": (
        {"roadmap/move.yaml": migration("proposed", "{successCriteria: [all reads on the new cluster]}")},
        [],
    ),
    # ESC007: a tier-1 component owned by a person, or by a group that does not exist.
    "critical component owned by a person": (
        {"catalog/billing.yaml": OWNED_BY.format(tier=1, owner="user:jane")},
        [("ESC007", "component:billing")],
    ),
    "critical component owned by a group that does not exist": (
        {"catalog/billing.yaml": OWNED_BY.format(tier=2, owner="group:ghosts")},
        [("ESC007", "component:billing")],
    ),
    "critical component owned by its team": ({"catalog/billing.yaml": OWNED_BY.format(tier=1, owner="payments")}, []),
    "tier-3 component owned by a person": ({"catalog/billing.yaml": OWNED_BY.format(tier=3, owner="user:jane")}, []),
    # ESC002, controls: a required control only planned past its review date.
    "control planned past its review date": (
        {"controls/soc2.yaml": control("planned", "2026-10-01")},
        [("ESC002", "control:soc2/CC6.1")],
    ),
    "control implemented": ({"controls/soc2.yaml": control("implemented", "2026-10-01")}, []),
    "control planned, review still ahead": ({"controls/soc2.yaml": control("planned", "2027-01-31")}, []),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_the_rule_raises_it_and_its_answered_twin_does_not(tmp_path: Path, case: str) -> None:
    files, expected = CASES[case]
    root = write_escalations_repo(tmp_path / "org", files)
    assert raised(escalations_json(root, *AS_OF)) == expected


def test_an_escalation_names_its_owner_evidence_and_action(tmp_path: Path) -> None:
    root = write_escalations_repo(
        tmp_path / "org",
        {
            **TWO_INCIDENTS,
            "catalog/billing.yaml": OWNED_BY.format(tier=1, owner="user:jane"),
            "roadmap/move.yaml": migration("in-progress", "{successCriteria: [reads moved]}"),
        },
    )
    data = escalations_json(root, *AS_OF)
    assert [digest["owner"] for digest in data["digests"]] == ["group:payments"]
    by_code = {item["code"]: item for item in open_items(data).values()}
    repeated = by_code["ESC001"]
    assert [(item["kind"], item["ref"]) for item in repeated["evidence"]] == [
        ("incident", "INC-1"),
        ("incident", "INC-2"),
    ]
    assert repeated["owner"] == "group:payments" and "component:ledger" in repeated["action"]
    assert repeated["location"] == "catalog/all.yaml:23:1"  # the ledger's document
    # A person's escalation goes to the person's team; a migration owned by a person, too.
    assert by_code["ESC007"]["owner"] == "group:payments"
    assert by_code["ESC006"]["message"] == (
        "migration initiative:move-ledger-db is in progress without rollback plan or observability"
    )
    assert data["counts"] == {"open": 3, "new": 3, "acknowledged": 0, "suppressed": 0, "resolved": 0}
    assert {item["code"] for item in data["notEvaluated"]} == {"ESC002", "ESC004"}


def test_an_over_committed_quarter_names_the_team_the_plan_lines_and_the_shortfall(tmp_path: Path) -> None:
    root = write_escalations_repo(tmp_path / "org", OVERCOMMITTED)
    [item] = open_items(escalations_json(root, *AS_OF)).values()
    assert item["owner"] == "group:payments"
    assert item["message"] == (
        "payments is over-committed in 2027Q1: 40 team-weeks committed against 32 available, and no accepted "
        "decision records what is deferred"
    )
    assert [(entry["kind"], entry["ref"]) for entry in item["evidence"]] == [
        ("capacity", "payments 2027Q1"),
        ("initiative", "initiative:search"),
        ("initiative", "initiative:wallet"),
    ]
    assert "defer at least 8 team-weeks" in item["action"]
    assert item["location"] == "roadmap/capacity.yaml:4:25"  # spec.teams
