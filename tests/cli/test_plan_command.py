"""`charter plan` end to end: JSON with the objective, gap, initiatives and tradeoffs (and nothing
else on standard output, HiGHS' banner included), the other formats, and bad arguments."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from charter.cli.app import app
from tests.strategy import MINIMAL_ORGANIZATION, write_repo

# The shape of the output, without the reliability policy (its default, 0.2, would put `second` first).
NO_RELIABILITY_POLICY = MINIMAL_ORGANIZATION + "  policies: {minReliabilityAllocation: 0}\n"

ROADMAP = """\
apiVersion: charter.dev/v1
kind: Capacity
metadata: {name: q1}
spec: {quarter: 2027Q1, teams: {core: 10}}
---
apiVersion: charter.dev/v1
kind: Initiative
metadata: {name: first}
spec: {type: product, owner: group:core, estimate: {teamWeeks: 6}, value: {businessValue: 3}}
---
apiVersion: charter.dev/v1
kind: Initiative
metadata: {name: second}
spec: {type: debt, owner: group:core, estimate: {teamWeeks: 6}, value: {businessValue: 2}}
"""


def test_plan_json_has_objective_gap_initiatives_and_tradeoffs(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"roadmap/plan.yaml": ROADMAP}, NO_RELIABILITY_POLICY)
    result = CliRunner().invoke(app, ["plan", "--repo", str(repo), "--quarters", "2027Q1..2027Q1", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["objective"] == 3.0
    assert data["gap"] == 0.0
    initiatives = {item["initiative"]: item for item in data["initiatives"]}
    assert initiatives["initiative:first"]["delivered"] == "2027Q1"
    assert initiatives["initiative:first"]["work"] == {"2027Q1": {"core": 6.0}}
    assert initiatives["initiative:second"]["delivered"] is None
    [unscheduled] = data["tradeoffs"]["unscheduled"]
    assert unscheduled["smallestChange"] == "+2 team-weeks for core in 2027Q1, or defer first"


def test_plan_renders_table_markdown_and_csv(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"roadmap/plan.yaml": ROADMAP})
    for output_format, expected in (("table", "Tradeoffs"), ("markdown", "## Tradeoffs"), ("csv", "initiative,type")):
        result = CliRunner().invoke(
            app, ["plan", "--repo", str(repo), "--quarters", "2027Q1..2027Q1", "--format", output_format]
        )
        assert result.exit_code == 0, result.output
        assert expected in result.stdout


def test_a_bad_quarter_range_exits_2_with_the_fix(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"roadmap/plan.yaml": ROADMAP})
    result = CliRunner().invoke(app, ["plan", "--repo", str(repo), "--quarters", "2027-Q1"])
    assert result.exit_code == 2
    assert "like 2027Q1..2027Q4" in result.output


def test_the_default_reliability_policy_plans_the_debt_work_first(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"roadmap/plan.yaml": ROADMAP})
    result = CliRunner().invoke(app, ["plan", "--repo", str(repo), "--quarters", "2027Q1..2027Q1", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    delivered = {item["initiative"]: item["delivered"] for item in data["initiatives"]}
    assert delivered == {"initiative:first": None, "initiative:second": "2027Q1"}
    assert data["minReliabilityAllocation"] == 0.2
    assert data["reliabilityShare"] == {"2027Q1": 0.6}
    assert data["reliabilityShortfall"] == {}


def test_the_gap_option_is_checked(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"roadmap/plan.yaml": ROADMAP})
    arguments = ["plan", "--repo", str(repo), "--quarters", "2027Q1..2027Q1", "--format", "json"]
    result = CliRunner().invoke(app, [*arguments, "--gap", "1.5"])
    assert result.exit_code == 2
    assert "--gap 1.5: give a share from 0" in result.output
    result = CliRunner().invoke(app, [*arguments, "--gap", "0.01"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["gap"] <= 0.01
