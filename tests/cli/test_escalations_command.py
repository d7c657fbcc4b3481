"""`charter escalations` on the command line: the digest per owner in a terminal and in Markdown,
SARIF and JUnit as `charter check` writes them, the `--fail-on` gate, `ack` and its bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_escalations_rules import TWO_INCIDENTS, migration
from tests.conftest import run_charter
from tests.escalations_strategy import ORGANIZATION, escalations_json, open_items, write_escalations_repo
from tests.strategy import write_repo

SQLITE = {"CHARTER_DATABASE_URL": ""}


def _repo(tmp_path: Path) -> Path:
    files = {**TWO_INCIDENTS, "roadmap/move.yaml": migration("in-progress", "{successCriteria: [reads moved]}")}
    return write_escalations_repo(tmp_path / "org", files)


def _charter(*arguments: str) -> tuple[int, str, str]:
    return run_charter(*arguments, env=SQLITE).streams


def test_the_table_and_markdown_give_a_digest_per_owner(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    code, table, _ = _charter("escalations", "--repo", str(root), "--as-of", "2026-11-01")
    assert code == 0
    assert "group:payments: 2 errors, 0 warnings, 0 info, 2 new" in table
    assert "2 open (2 new, 0 acknowledged), 0 suppressed, 0 resolved by this run" in table
    code, markdown, _ = _charter("escalations", "--repo", str(root), "--as-of", "2026-11-02", "-f", "markdown")
    assert code == 0
    assert "## group:payments: 2 errors, 0 warnings, 0 info, 0 new" in markdown
    assert "| ESC001-" in markdown and "incident INC-1 (SEV2, started 2026-09-01, cause change)" in markdown


def test_html_is_one_self_contained_page(tmp_path: Path) -> None:
    code, html, _ = _charter("escalations", "--repo", str(_repo(tmp_path)), "--as-of", "2026-11-01", "-f", "html")
    assert code == 0 and html.startswith("<!DOCTYPE html>")
    assert '<meta name="charter-report" content="escalations">' in html
    assert "ESC006-" in html and "<script" not in html


def test_sarif_and_junit_hold_the_open_escalations(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    code, sarif, _ = _charter("escalations", "--repo", str(root), "--as-of", "2026-11-01", "-f", "sarif")
    assert code == 0
    run = json.loads(sarif)["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["ESC001", "ESC006"]
    assert [result["ruleId"] for result in run["results"]] == ["ESC001", "ESC006"]
    # JUnit, as for `charter check`: a failing test case per escalation that fails the gate.
    arguments = ("escalations", "--repo", str(root), "--as-of", "2026-11-01", "-f", "junit", "--fail-on", "error")
    code, junit, _ = _charter(*arguments)
    assert code == 1 and junit.startswith("<?xml") and 'failures="2"' in junit and 'type="ESC006"' in junit


def test_fail_on_exits_1_when_an_open_escalation_meets_it(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    assert _charter("escalations", "--repo", str(root), "--as-of", "2026-11-01", "--fail-on", "error")[0] == 1
    assert _charter("escalations", "--repo", str(root), "--as-of", "2026-11-01")[0] == 0
    clean = write_escalations_repo(tmp_path / "clean", {})
    assert _charter("escalations", "--repo", str(clean), "--as-of", "2026-11-01", "--fail-on", "info")[0] == 0


def test_ack_records_who_and_why(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    identifier = next(key for key in open_items(escalations_json(root, "--as-of", "2026-11-01")) if "ESC006" in key)
    code, stdout, stderr = run_charter(
        "escalations", "ack", identifier, "--reason", "writing the rollback plan", "--repo", str(root),
        env={**SQLITE, "USER": "jane"},
    ).streams  # fmt: skip
    assert code == 0, stderr
    assert stdout.startswith(f"acknowledged {identifier} (initiative:move-ledger-db) as ")
    item = open_items(escalations_json(root, "--as-of", "2026-11-02"))[identifier]
    assert item["state"] == "acknowledged" and item["acknowledgement"] == "writing the rollback plan"


def test_ack_of_an_unknown_escalation_is_a_usage_error(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    code, stdout, stderr = _charter("escalations", "ack", "ESC009-abc", "--reason", "x", "--repo", str(root))
    assert code == 2 and stdout == ""
    assert stderr.strip() == (
        "error: no escalation 'ESC009-abc' in the ledger; `charter escalations` lists the ids (like ESC001-1a2b3c4d5e)"
    )
    code, _, stderr = _charter("escalations", "ack", "ESC009-abc", "--repo", str(root))
    assert code == 2 and "--reason" in stderr


def test_an_unknown_format_or_date_is_a_usage_error(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    code, _, stderr = _charter("escalations", "--repo", str(root), "--format", "csv")
    assert code == 2 and "--format" in stderr
    code, _, stderr = _charter("escalations", "--repo", str(root), "--as-of", "2026-13-01")
    assert code == 2 and "--as-of" in stderr


SETTINGS = """\
  diagnostics: {ESC007: "off", ESC006: warning}
"""
BILLING = """\
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: billing
      annotations:
        charter.dev/tier: "1"
        charter.dev/ignore: "ESC001: the vendor runs it, see ADR-0012; until 2026-11-05"
    spec: {type: service, lifecycle: production, owner: user:jane}
    """


def test_settings_lower_or_turn_off_a_code_and_an_annotation_suppresses_one_until_it_expires(tmp_path: Path) -> None:
    files = {
        "incidents/one.md": TWO_INCIDENTS["incidents/one.md"].replace("ledger", "billing"),
        "incidents/two.md": TWO_INCIDENTS["incidents/two.md"].replace("ledger", "billing"),
        "catalog/billing.yaml": BILLING,
        "roadmap/move.yaml": migration("in-progress", "{successCriteria: [reads moved]}"),
    }
    root = write_escalations_repo(tmp_path / "org", files)
    write_repo(root, {"charter.yaml": ORGANIZATION + SETTINGS}, organization=None)
    data = escalations_json(root, "--as-of", "2026-11-01")
    # ESC007 (billing is owned by a person) is off; ESC006 is lowered to a warning; ESC001 is suppressed.
    assert [(item["code"], item["severity"]) for item in open_items(data).values()] == [("ESC006", "warning")]
    [suppressed] = data["suppressed"]
    assert (suppressed["subject"], suppressed["suppressedReason"], suppressed["suppressedUntil"]) == (
        "component:billing",
        "the vendor runs it, see ADR-0012",
        "2026-11-05",
    )
    # A suppressed escalation fails no gate, and the warning passes --fail-on error.
    gate = ("escalations", "--repo", str(root), "--as-of", "2026-11-02", "--dry-run", "--fail-on")
    assert _charter(*gate, "error")[0] == 0 and _charter(*gate, "warning")[0] == 1
    # Past its date the suppression no longer holds.
    later = escalations_json(root, "--as-of", "2026-11-06")
    assert sorted(item["code"] for item in open_items(later).values()) == ["ESC001", "ESC006"]
    assert later["suppressed"] == []
