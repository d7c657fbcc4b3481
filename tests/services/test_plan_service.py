"""`plan` over a real strategy repository built so each binding constraint is known: payments is
over-committed, `search` waits on an undelivered dependency, `ghost-work` has no team capacity, a
risk above appetite is left unmitigated, a goal is left without a funded initiative."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from charter.model.errors import InputError, UsageError
from charter.services.context import load_context
from charter.services.plan import PlanQuery, plan_report
from tests.strategy import write_repo

ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  riskAppetite: {security: low, reliability: medium}
  goals:
    - {id: faster-checkout, description: Checkout under a second}
    - {id: safer-data, description: No data loss}
"""

ROADMAP = """\
apiVersion: charter.dev/v1
kind: Capacity
metadata: {name: q1}
spec: {quarter: 2027Q1, teams: {payments: 16, platform: 20}, reserve: {unplanned: 0.5}}
---
apiVersion: charter.dev/v1
kind: Capacity
metadata: {name: q2}
spec: {quarter: 2027Q2, teams: {payments: 16, platform: 20}, reserve: {unplanned: 0.5}}
---
apiVersion: charter.dev/v1
kind: Initiative
metadata: {name: checkout-rewrite}
spec:
  type: product
  owner: group:payments
  estimate: {teamWeeks: 8}
  value: {businessValue: 13, timeCriticality: 8, riskReduction: 0}
  committed: {quarter: 2027Q1}
  goals: [faster-checkout]
---
apiVersion: charter.dev/v1
kind: Initiative
metadata: {name: payments-encryption}
spec:
  type: security
  owner: group:payments
  estimate: {teamWeeks: 10}
  value: {businessValue: 1, timeCriticality: 1, riskReduction: 3}
  mitigates: [risk:plaintext-cards]
  goals: [safer-data]
---
apiVersion: charter.dev/v1
kind: Initiative
metadata: {name: base-platform}
spec:
  type: platform
  owner: group:platform
  estimate: {teamWeeks: 30}
  value: {businessValue: 1, timeCriticality: 1, riskReduction: 1}
---
apiVersion: charter.dev/v1
kind: Initiative
metadata: {name: search}
spec:
  type: product
  estimate: {teamWeeks: {platform: 2, payments: 1}}
  value: {businessValue: 2, timeCriticality: 1, riskReduction: 0}
  dependsOn: [initiative:base-platform]
---
apiVersion: charter.dev/v1
kind: Initiative
metadata: {name: ghost-work}
spec:
  type: debt
  estimate: {teamWeeks: {ghost: 3}}
  value: {businessValue: 5, timeCriticality: 0, riskReduction: 0}
---
apiVersion: charter.dev/v1
kind: Initiative
metadata: {name: finished}
spec: {type: debt, owner: group:platform, estimate: {teamWeeks: 4}, status: done}
"""

RISKS = """\
apiVersion: charter.dev/v1
kind: Risk
metadata: {name: plaintext-cards}
spec:
  title: Card numbers stored in plain text
  category: security
  owner: group:payments
  likelihood: 4
  impact: 5
  residual: {likelihood: 4, impact: 5}
  mitigatedBy: [initiative:payments-encryption]
"""

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
"""


def _clock() -> datetime:
    return datetime(2027, 1, 15, tzinfo=UTC)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_repo(
        tmp_path,
        {
            "charter.yaml": ORGANIZATION,
            "roadmap/plan.yaml": ROADMAP,
            "risks/cards.yaml": RISKS,
            "catalog/groups.yaml": GROUPS,
        },
    )


def _report(repo: Path, query: PlanQuery | None = None):  # type: ignore[no-untyped-def]
    return plan_report(load_context(repo, None, clock=_clock), query or PlanQuery())


def test_the_plan_holds_the_commitment_and_explains_what_capacity_leaves_out(repo: Path) -> None:
    report = _report(repo)
    assert report.quarters == ["2027Q1", "2027Q2"]
    delivered = {item.initiative: item.delivered for item in report.initiatives}
    assert delivered["initiative:checkout-rewrite"] == "2027Q1"
    assert delivered["initiative:payments-encryption"] is None
    assert report.gap == 0.0
    unscheduled = {item.initiative: item for item in report.tradeoffs.unscheduled}
    encryption = unscheduled["initiative:payments-encryption"]
    assert encryption.binding == "capacity"
    assert "capacity of payments in 2027Q1..2027Q2" in encryption.explanation
    assert encryption.smallest_change.startswith("+2 team-weeks for payments in 2027Q2")
    assert encryption.value_given_up == 10.0
    assert [risk.risk for risk in encryption.risks_left_unmitigated] == ["risk:plaintext-cards"]
    assert encryption.risks_left_unmitigated[0].above_appetite
    goals = {goal.goal: goal.unscheduled_initiatives for goal in report.tradeoffs.goals_without_funded_initiative}
    assert goals == {"safer-data": ["initiative:payments-encryption"]}


def test_dependency_and_missing_capacity_bind_and_done_work_is_not_planned(repo: Path) -> None:
    report = _report(repo)
    unscheduled = {item.initiative: item for item in report.tradeoffs.unscheduled}
    assert unscheduled["initiative:search"].binding == "dependency"
    assert "base-platform" in unscheduled["initiative:search"].explanation
    assert unscheduled["initiative:ghost-work"].binding == "no-capacity"
    assert unscheduled["initiative:ghost-work"].smallest_change == "+3 team-weeks for ghost in 2027Q2"
    assert {item.initiative: item.reason for item in report.left_out} == {"initiative:finished": "done"}


def test_work_never_exceeds_available_capacity(repo: Path) -> None:
    report = _report(repo)
    for row in report.capacity:
        assert row.planned <= row.available + 1e-6
        assert row.available == row.capacity * 0.5
    marginal = {(item.team, item.quarter) for item in report.tradeoffs.marginal_values}
    assert ("payments", "2027Q1") in marginal or ("payments", "2027Q2") in marginal


def test_quarters_option_sets_the_horizon_and_is_checked(repo: Path) -> None:
    assert _report(repo, PlanQuery("2027Q2..2027Q3")).quarters == ["2027Q2", "2027Q3"]
    with pytest.raises(UsageError, match="2027Q1..2027Q4"):
        _report(repo, PlanQuery("2027-Q1..2027-Q2"))


def test_a_scenario_is_planned_against_the_baseline(repo: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "hire.yaml"
    scenario.write_text("capacity: {2027Q2: {payments: 4}}\nforce: {out: [checkout-rewrite]}\n", encoding="utf-8")
    report = _report(repo, PlanQuery(scenario=scenario))
    assert report.scenario is not None
    changes = {item.initiative: (item.baseline, item.scenario) for item in report.scenario.changes}
    assert changes["initiative:payments-encryption"] == (None, "2027Q2")
    assert changes["initiative:checkout-rewrite"] == ("2027Q1", None)
    assert report.scenario.applied == ["payments in 2027Q2: +4 team-weeks", "checkout-rewrite forced out"]


def test_a_bad_scenario_names_the_file(repo: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("capacity: {2027-Q2: {payments: 4}}\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.yaml: capacity.2027-Q2"):
        _report(repo, PlanQuery(scenario=scenario))


def test_a_scenario_moving_capacity_and_forcing_work_in_shows_the_cost_against_the_baseline(
    repo: Path, tmp_path: Path
) -> None:
    scenario = tmp_path / "reorg.yaml"
    scenario.write_text(
        "description: platform lends payments a quarter's worth\n"
        "move: [{from: platform, to: payments, teamWeeks: 5, quarters: [2027Q2]}]\n"
        "force: {in: [initiative:payments-encryption]}\n",
        encoding="utf-8",
    )
    baseline = _report(repo)
    report = _report(repo, PlanQuery(scenario=scenario))
    assert report.scenario is not None
    assert report.scenario.baseline_objective == baseline.objective
    assert report.scenario.value_change == report.objective - baseline.objective
    changes = {item.initiative: (item.baseline, item.scenario) for item in report.scenario.changes}
    assert changes == {"initiative:payments-encryption": (None, "2027Q2")}
    assert report.scenario.applied == [
        "5 team-weeks moved from platform to payments in 2027Q2",
        "payments-encryption forced in",
    ]
    rows = {(row.team, row.quarter): row for row in report.capacity}
    assert rows["payments", "2027Q2"].available == 13.0
    assert rows["platform", "2027Q2"].available == 5.0
