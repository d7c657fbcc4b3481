"""`charter assess` over the small organisation of `tests/services/metric_facts.py` (one service,
payments, with every kind of fact), on SQLite and PostgreSQL: its scores and confidence, `--explain`,
evidence going stale with `--as-of`, the snapshot's assessment metrics, and settings or references that
cannot be used (exit 2, naming the file and line or the argument)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from charter.model.metric_values import organization_ref
from charter.model.refs import parse_ref
from charter.store.database import open_store
from tests.conftest import run_charter
from tests.services.metric_facts import UNTIL, build_organization
from tests.strategy import write_repo

AS_OF = (UNTIL.date()).isoformat()


@pytest.fixture
def organization(tmp_path: Path, database_url: str) -> tuple[Path, dict[str, str]]:
    return build_organization(tmp_path, database_url), {"CHARTER_DATABASE_URL": database_url}


def assess(organization: tuple[Path, dict[str, str]], *arguments: str) -> Any:
    repo, environment = organization
    result = run_charter("assess", "--repo", str(repo), "--format", "json", *arguments, env=environment)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def areas(scope: dict[str, Any]) -> dict[str, tuple[float | None, float | None]]:
    return {item["area"]: (item["score"], item["confidence"]) for item in scope["areas"]}


def test_every_area_is_scored_with_its_confidence(organization: tuple[Path, dict[str, str]]) -> None:
    report = assess(organization, "--as-of", AS_OF, "--by", "component")

    assert report["method"] == "charter-assessment/1"
    (payments,) = report["scopes"]
    assert (payments["scope"], payments["kind"], payments["components"]) == ("component:payments", "component", 1)
    scores = areas(payments)
    # security: the open critical finding fails 2 of the 8 known weight; no Scorecard run: access control unknown
    assert scores["security"] == (75.0, 0.8)
    # reliability: SLO, budget left, no SEV1, no repeat, postmortem published, no overdue action item
    assert scores["reliability"] == (100.0, 1.0)
    # readiness: owned by team-a (3), no on-call (2) and no runbook (2); no standard applies
    assert scores["readiness"] == (round(100 * 3 / 7, 2), 1.0)
    # maintainability: bus factor 1 (2) and one author wrote everything (1) fail; turnover has no value
    assert scores["maintainability"] == (0.0, 0.75)
    (team,) = report["nextSteps"]
    assert team["team"] == "group:team-a"
    assert team["steps"][0]["check"] == "maintainability.bus-factor"
    assert team["steps"][0]["gain"] == round(100 * 2 / 3, 2)


def test_the_rollups_hold_the_one_component(organization: tuple[Path, dict[str, str]]) -> None:
    for by, scope in (("team", "group:team-a"), ("system", "system:shop"), ("org", "Acme")):
        (found,) = assess(organization, "--as-of", AS_OF, "--by", by)["scopes"]
        assert (found["scope"], found["components"]) == (scope, 1)
        assert areas(found)["security"] == (75.0, 0.8)


def test_explain_lists_every_check_with_its_weight_value_and_evidence(
    organization: tuple[Path, dict[str, str]],
) -> None:
    explanation = assess(organization, "--as-of", AS_OF, "--explain", "payments")

    assert explanation["scope"]["scope"] == "component:payments"
    checks = {item["check"]: item for item in explanation["checks"]}
    assert len(checks) == len(explanation["weights"])  # every check, none weighted 0
    critical = checks["security.no-open-critical"]
    assert (critical["weight"], critical["status"], critical["value"]) == (2.0, "failed", 0.0)
    assert critical["evidence"] == "security.findings.open_critical = 1"
    assert critical["evidenceAt"] == "2026-10-01T08:00:00+00:00"  # the scan that found it
    assert checks["security.access-control"]["status"] == "unknown"
    assert checks["readiness.standards"]["status"] == "not applicable"
    assert explanation["tierWeights"] == {"1": 4.0, "2": 2.0, "3": 1.0, "untiered": 1.0}


def test_evidence_older_than_its_time_to_live_lowers_the_confidence_not_the_score(
    organization: tuple[Path, dict[str, str]],
) -> None:
    # On November 15 the scan of October 1 is 45 days old, beyond security's 30 days
    (payments,) = assess(organization, "--as-of", "2026-11-15", "--by", "component")["scopes"]
    assert areas(payments)["security"] == (None, 0.0)


def test_an_unknown_reference_is_a_usage_error(organization: tuple[Path, dict[str, str]]) -> None:
    repo, environment = organization
    result = run_charter("assess", "--repo", str(repo), "--explain", "component:ledger", env=environment)

    assert result.exit_code == 2
    assert "--explain 'component:ledger'" in result.output


def test_every_sync_snapshot_records_the_scores(organization: tuple[Path, dict[str, str]]) -> None:
    repo, environment = organization
    with open_store(repo, environment["CHARTER_DATABASE_URL"]) as store:
        snapshot = store.latest_snapshot()
    assert snapshot is not None
    recorded = {(item.metric, item.scope): item.value for item in snapshot.values}
    assert recorded["assessment.security.score", parse_ref("component:payments")] == 75
    assert recorded["assessment.security.confidence", parse_ref("group:team-a")] == 0.8
    assert recorded["assessment.method_version", organization_ref("Acme")] == 1


WRONG_WEIGHTS = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  assessment:
    weights:
      maintainability.bus-factor: 0
      maintainability.knowledge-concentration: 0
      maintainability.author-turnover: 0
      security.no-kev: 5
"""


def test_weights_that_do_not_sum_to_a_positive_number_name_the_file_and_line(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {}, WRONG_WEIGHTS)

    result = run_charter("assess", "--repo", str(repo))
    assert result.exit_code == 2
    assert "charter.yaml:6:5: ASM001 spec.assessment.weights: the maintainability checks' weights sum to 0" in (
        result.output
    )
    assert "charter.yaml:10:24: ASM002 spec.assessment.weights names 'security.no-kev', which is no check; did you " \
        "mean security.no-kev-exposed?" in result.output  # fmt: skip
    assert "Traceback" not in result.output

    checked = run_charter("check", "--repo", str(repo), "--format", "json", "--fail-on", "never")
    found = {(item["code"], item["line"]) for item in json.loads(checked.stdout)["diagnostics"]}
    assert {("ASM001", 6), ("ASM002", 10)} <= found


def test_a_negative_weight_is_refused_by_the_schema(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {}, WRONG_WEIGHTS.replace("security.no-kev: 5", "security.no-kev-exposed: -1"))

    result = run_charter("assess", "--repo", str(repo))
    assert result.exit_code == 2
    assert "charter.yaml:" in result.output
    assert "greater than or equal to 0" in result.output


LEDGER = {
    "catalog/ledger.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: ledger}
        spec: {type: service, lifecycle: production, owner: team-a}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: team-a}
        spec: {type: team, children: []}
        """
}


def test_a_clean_scan_is_evidence_too(tmp_path: Path) -> None:
    (tmp_path / "org").mkdir()
    repo = write_repo(tmp_path / "org", LEDGER)
    environment = {"CHARTER_DATABASE_URL": f"sqlite:///{tmp_path / 'charter.db'}"}

    def security() -> tuple[float | None, float | None]:
        result = run_charter(
            "assess", "--repo", str(repo), "--by", "component", "--as-of", "2026-10-12", "-f", "json", env=environment
        )
        assert result.exit_code == 0, result.output
        return areas(json.loads(result.stdout)["scopes"][0])["security"]

    assert security() == (None, 0.0)  # never scanned: unknown, not clean
    scan = tmp_path / "ledger.json"
    scan.write_text(
        json.dumps(
            {
                "SchemaVersion": 2,
                "CreatedAt": "2026-10-10T08:00:00Z",
                "ArtifactName": "acme/ledger:1.0",
                "ArtifactType": "container_image",
                "Results": [{"Target": "ledger (debian 12)", "Class": "os-pkgs"}],
            }
        ),  # fmt: skip
        encoding="utf-8",
    )
    imported = run_charter("import", "findings", "--repo", str(repo), str(scan), env=environment)
    assert imported.exit_code == 0, imported.output
    # Scanned on October 10 and nothing found: every security check but Scorecard's access control passes
    assert security() == (100.0, 0.8)
