"""`charter controls` end to end: coverage per obligation from listed requirements and an OSCAL
profile, one obligation at a time, and an unusable OSCAL file reported as CTL003 while the rest is
still shown."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.analysis.test_controls import FILES, ORGANIZATION
from tests.cli.test_risks_command import command_app
from tests.strategy import write_repo


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(command_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_coverage_per_obligation(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES, organization=ORGANIZATION)

    code, out, err = _run("controls", "--repo", str(root), "--as-of", "2026-11-01", "--format", "json")

    assert code == 0, err
    obligations = {item["obligation"]: item for item in json.loads(out)["obligations"]}
    assert list(obligations) == ["soc2", "nist-800-53-low", "iso27001"]
    assert obligations["soc2"]["gaps"] == ["CC7.1"]
    assert obligations["soc2"]["evidenceMissing"] == ["CC6.2"]
    assert obligations["soc2"]["stale"] == ["CC6.2"]
    assert obligations["nist-800-53-low"]["gaps"] == ["AC-2(1)", "AC-3"]
    assert obligations["iso27001"]["controlSets"] == []


def test_table_for_one_obligation(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES, organization=ORGANIZATION)

    code, out, _ = _run("controls", "--repo", str(root), "--as-of", "2026-11-01", "--obligation", "soc2")

    assert code == 0
    assert "soc2" in out and "nist-800-53-low" not in out
    assert "gap: CC7.1" in out
    assert "evidence missing: CC6.2: docs/missing.md" in out
    assert "CC6.1 mitigates risk:shared-admin" in out


def test_markdown_marks_missing_evidence_and_overdue_reviews(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES, organization=ORGANIZATION)

    code, out, _ = _run("controls", "--repo", str(root), "--as-of", "2026-11-01", "--format", "markdown")

    assert code == 0
    assert "| CC6.2 |  | partial | group:sec | docs/missing.md (missing) | 2026-10-01 (overdue) | — |" in out


def test_an_unknown_obligation_names_the_known_ones(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES, organization=ORGANIZATION)

    code, _, err = _run("controls", "--repo", str(root), "--obligation", "pci-dss")

    assert code == 2
    assert "known: soc2, nist-800-53-low, iso27001" in err


def test_a_broken_oscal_file_is_ctl003_and_the_rest_still_reports(tmp_path: Path) -> None:
    files = {**FILES, "controls/oscal/profile.json": '{"profile": {"imports": [ }'}
    root = write_repo(tmp_path, files, organization=ORGANIZATION)

    code, out, err = _run("controls", "--repo", str(root), "--format", "json")

    assert code == 0
    assert "CTL003" in err and "controls/oscal/profile.json" in err
    obligations = {item["obligation"]: item for item in json.loads(out)["obligations"]}
    assert obligations["soc2"]["counts"]["implemented"] == 1
    assert obligations["nist-800-53-low"]["source"].startswith("the requirements the ControlSet lists (name the")
