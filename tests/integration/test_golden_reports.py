"""Every report's output on the demo organisation, held against the golden copies in
tests/golden/: users' scripts read these JSON fields, so a field may be added but never dropped,
renamed or changed. Markdown, CSV and rule files are held whole.

`CHARTER_UPDATE_GOLDEN=1 pytest tests/integration/test_golden_reports.py` rewrites the copies after
a change that is meant."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from charter.services.scaffold import report_schema, report_views
from tests.conftest import run_charter
from tests.integration.conftest import AS_OF

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
REPO = "<repo>"

# name → the command's arguments after `charter`; `{repo}` is the demo organisation.
REPORTS: dict[str, list[str]] = {
    "check.json": ["check", "--format", "json", "--as-of", AS_OF, "--fail-on", "never"],
    "check.sarif.json": ["check", "--format", "sarif", "--as-of", AS_OF, "--fail-on", "never"],
    "check.md": ["check", "--format", "markdown", "--as-of", AS_OF, "--fail-on", "never"],
    "scorecard.json": ["scorecard", "--format", "json"],
    "scorecard.md": ["scorecard", "--format", "markdown"],
    "scorecard.csv": ["scorecard", "--format", "csv"],
    "scorecard.html": ["scorecard", "--format", "html"],
    "rules.json": ["rules", "--format", "json"],
    "rules-checks.json": ["rules", "--checks", "--format", "json"],
    "metrics.json": ["metrics", "--format", "json"],
    "delivery-org.json": ["delivery", "--until", AS_OF, "--format", "json"],
    "delivery-team.json": ["delivery", "--by", "team", "--until", AS_OF, "--format", "json"],
    "delivery-component.json": ["delivery", "--by", "component", "--until", AS_OF, "--format", "json"],
    "delivery-system.md": ["delivery", "--by", "system", "--until", AS_OF, "--format", "markdown"],
    "delivery-team.csv": ["delivery", "--by", "team", "--until", AS_OF, "--format", "csv"],
    "delivery-explain.json": [
        "delivery",
        "--until",
        AS_OF,
        "--explain",
        "deploy-identity-service-auth-0553",
        "--format",
        "json",
    ],
    "codehealth.json": ["codehealth", "--as-of", AS_OF, "--format", "json"],
    "codehealth-component.json": [
        "codehealth",
        "--as-of",
        AS_OF,
        "--component",
        "identity-service-auth",
        "--format",
        "json",
    ],
    "codehealth.md": ["codehealth", "--as-of", AS_OF, "--format", "markdown"],
    "slo-status.json": ["slo", "status", "--as-of", AS_OF, "--format", "json"],
    "slo-status.md": ["slo", "status", "--as-of", AS_OF, "--format", "markdown"],
    "slo-rules.yml": ["slo", "rules"],
    "slo-rules-operator.yml": ["slo", "rules", "--format", "prometheus-operator"],
    "incidents-service.json": ["incidents", "--by", "service", "--until", AS_OF, "--format", "json"],
    "incidents-team.json": ["incidents", "--by", "team", "--until", AS_OF, "--format", "json"],
    "incidents-severity.md": ["incidents", "--by", "severity", "--until", AS_OF, "--format", "markdown"],
    "incidents-org.csv": ["incidents", "--by", "org", "--until", AS_OF, "--format", "csv"],
    "security-component.json": ["security", "--as-of", AS_OF, "--format", "json"],
    "security-team.json": ["security", "--by", "team", "--as-of", AS_OF, "--format", "json"],
    "security-org.md": ["security", "--by", "org", "--as-of", AS_OF, "--format", "markdown"],
    "security-component.csv": ["security", "--as-of", AS_OF, "--format", "csv"],
    "risks.json": ["risks", "--as-of", AS_OF, "--format", "json"],
    "risks.md": ["risks", "--as-of", AS_OF, "--format", "markdown"],
    "controls.json": ["controls", "--as-of", AS_OF, "--format", "json"],
    "controls.md": ["controls", "--as-of", AS_OF, "--format", "markdown"],
    "strategy-report.json": ["report", "--as-of", AS_OF, "--format", "json"],
    "strategy-report.md": ["report", "--as-of", AS_OF, "--format", "markdown"],
    "strategy-report-review.json": ["report", "--as-of", AS_OF, "--since", "2026Q3", "--format", "json"],
    "strategy-report-review.md": ["report", "--as-of", AS_OF, "--since", "2026Q3", "--format", "markdown"],
    # A dry run, so the shared demo's ledger holds only what its sync recorded, whatever ran before.
    "escalations.json": ["escalations", "--as-of", AS_OF, "--dry-run", "--format", "json"],
    "escalations.md": ["escalations", "--as-of", AS_OF, "--dry-run", "--format", "markdown"],
    "escalations.sarif.json": ["escalations", "--as-of", AS_OF, "--dry-run", "--format", "sarif"],
    "assess-team.json": ["assess", "--as-of", AS_OF, "--format", "json"],
    "assess-org.md": ["assess", "--by", "org", "--as-of", AS_OF, "--format", "markdown"],
    "assess-component.csv": ["assess", "--by", "component", "--as-of", AS_OF, "--format", "csv"],
    "assess-explain.json": ["assess", "--as-of", AS_OF, "--explain", "identity-service-auth", "--format", "json"],
    "targets.json": ["targets", "--as-of", AS_OF, "--backtest", "--format", "json"],
    "targets.md": ["targets", "--as-of", AS_OF, "--format", "markdown"],
    "targets.csv": ["targets", "--as-of", AS_OF, "--backtest", "--format", "csv"],
    "review.json": ["review", "--since", "2026Q3", "--until", "2026-10-31", "--format", "json"],
    "review.md": ["review", "--since", "2026Q3", "--until", "2026-10-31", "--format", "markdown"],
    "review.html": ["review", "--since", "2026Q3", "--until", "2026-10-31", "--format", "html"],
    "review.csv": ["review", "--since", "2026Q3", "--until", "2026-10-31", "--format", "csv"],
    "review-no-trend.json": ["review", "--since", "2026-11-02", "--until", "2026-11-30", "--format", "json"],
    "plan.json": ["plan", "--as-of", AS_OF, "--format", "json"],
    "plan.md": ["plan", "--as-of", AS_OF, "--format", "markdown"],
    "plan-scenario.json": [
        "plan",
        "--as-of",
        AS_OF,
        "--scenario",
        "{repo}/scenarios/hiring-freeze.yaml",
        "--format",
        "json",
    ],
}


EXIT_CODES: dict[str, int] = {}  # every report exits 0 on the demo


def _output(demo: Path, name: str) -> str:
    arguments = [argument.replace("{repo}", str(demo)) for argument in REPORTS[name]]
    command = [*arguments, "--repo", str(demo)] if arguments[0] not in ("rules", "metrics") else arguments
    result = run_charter(*command, env={"CHARTER_DATABASE_URL": "", "COLUMNS": "200"})
    assert result.exit_code == EXIT_CODES.get(name, 0), result.output
    assert "Traceback" not in result.output
    # The demo's snapshot is taken at the end of its `sync --as-of` day, so its time is held too.
    return result.stdout.replace(str(demo.resolve()), REPO).replace(str(demo), REPO)


def contains(golden: Any, actual: Any, path: str = "$") -> list[str]:
    """Where `actual` differs from `golden`, allowing only added object fields."""
    if isinstance(golden, dict):
        if not isinstance(actual, dict):
            return [f"{path}: an object became {type(actual).__name__}"]
        problems = [f"{path}.{key}: dropped" for key in golden if key not in actual]
        for key in golden:
            if key in actual:
                problems += contains(golden[key], actual[key], f"{path}.{key}")
        return problems
    if isinstance(golden, list):
        if not isinstance(actual, list) or len(actual) != len(golden):
            return [f"{path}: a list of {len(golden)} became {actual!r:.80}"]
        return [problem for i, item in enumerate(golden) for problem in contains(item, actual[i], f"{path}[{i}]")]
    if golden != actual or type(golden) is not type(actual):
        return [f"{path}: {golden!r:.80} became {actual!r:.80}"]
    return []


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_report_keeps_its_golden_output(demo: Path, name: str) -> None:
    text = _output(demo, name)
    golden_file = GOLDEN / name
    if os.environ.get("CHARTER_UPDATE_GOLDEN") == "1":
        golden_file.write_text(text, encoding="utf-8")
    expected = golden_file.read_text(encoding="utf-8")
    if name.endswith(".json"):
        problems = contains(json.loads(expected), json.loads(text))
        assert not problems, "\n".join(problems[:20])
    else:
        assert text == expected


def test_contains_allows_added_fields_and_nothing_else() -> None:
    assert contains({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2, "c": 3}], "d": 4}) == []
    assert contains({"a": 1}, {"a": 1.0}) == ["$.a: 1 became 1.0"]
    assert contains({"a": [1]}, {"a": [1, 2]}) != []
    assert contains({"a": {"b": 1}}, {"a": {}}) == ["$.a.b: dropped"]


# The report each JSON output is an instance of, by the golden file's name (`delivery-team.json`:
# delivery); outputs that are not reports (check's diagnostics, SARIF) are held by their own schemas.
NOT_REPORTS = {"check.json", "check.sarif.json", "escalations.sarif.json"}


@pytest.mark.parametrize("name", sorted(name for name in REPORTS if name.endswith(".json") and name not in NOT_REPORTS))
def test_the_json_report_is_valid_against_its_published_schema(demo: Path, name: str) -> None:
    views = report_views()
    # The longest report name the file's name starts with (`slo-status.json`: slo-status).
    report = max((view for view in views if re.match(rf"{re.escape(view)}[-.]", name)), key=len, default=None)
    if report is None:
        pytest.skip(f"the {re.split(r'[-.]', name)[0]} report has no view model yet")
    schema = report_schema(views[report])
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(_output(demo, name)), schema)
