"""`charter controls` end to end: coverage per obligation from listed requirements and an OSCAL
profile, one obligation at a time, and an unusable OSCAL file reported as CTL003 while the rest is
still shown."""

from __future__ import annotations

import json
from pathlib import Path

from tests.analysis.test_controls import FILES, ORGANIZATION
from tests.conftest import run_charter
from tests.strategy import write_repo


def test_json_coverage_per_obligation(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES, organization=ORGANIZATION)

    code, out, err = run_charter("controls", "--repo", str(root), "--as-of", "2026-11-01", "--format", "json").streams

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

    code, out, _ = run_charter("controls", "--repo", str(root), "--as-of", "2026-11-01", "--obligation", "soc2").streams

    assert code == 0
    assert "soc2" in out and "nist-800-53-low" not in out
    assert "gap: CC7.1" in out
    assert "evidence missing: CC6.2: docs/missing.md" in out
    assert "CC6.1 mitigates risk:shared-admin" in out


def test_markdown_marks_missing_evidence_and_overdue_reviews(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES, organization=ORGANIZATION)

    code, out, _ = run_charter("controls", "--repo", str(root), "--as-of", "2026-11-01", "--format", "markdown").streams

    assert code == 0
    assert "| CC6.2 |  | partial | group:sec | docs/missing.md (missing) | 2026-10-01 (overdue) | — |" in out


def test_an_unknown_obligation_names_the_known_ones(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES, organization=ORGANIZATION)

    code, _, err = run_charter("controls", "--repo", str(root), "--obligation", "pci-dss").streams

    assert code == 2
    assert "known: soc2, nist-800-53-low, iso27001" in err


def test_a_broken_oscal_file_is_ctl003_and_the_rest_still_reports(tmp_path: Path) -> None:
    files = {**FILES, "controls/oscal/profile.json": '{"profile": {"imports": [ }'}
    root = write_repo(tmp_path, files, organization=ORGANIZATION)

    code, out, err = run_charter("controls", "--repo", str(root), "--format", "json").streams

    assert code == 0
    assert "CTL003" in err and "controls/oscal/profile.json" in err
    obligations = {item["obligation"]: item for item in json.loads(out)["obligations"]}
    assert obligations["soc2"]["counts"]["implemented"] == 1
    assert obligations["nist-800-53-low"]["source"].startswith("the requirements the ControlSet lists (name the")


def test_control_rules_use_the_oscal_lists_and_gate_on_fail_on(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES, organization=ORGANIZATION)

    code, out, err = run_charter("controls", "--repo", str(root), "--as-of", "2026-11-01", "--format", "json").streams
    gated, _, _ = run_charter("controls", "--repo", str(root), "--as-of", "2026-11-01", "--fail-on", "error").streams

    assert code == 0 and json.loads(out)["obligations"]
    # `charter check` knows only what the files list: CC7.1 planned, iso27001 without a ControlSet. With
    # the profile, the two requirements of the baseline no ControlSet states are gaps too, pointed at
    # the ControlSet's `spec.oscal`.
    assert "CTL001" in err and "iso27001" in err
    assert "soc2 requirement CC7.1 is only planned" in err
    for requirement in ("AC-2(1)", "AC-3"):
        assert f"nist-800-53-low requirement {requirement} has no implementation statement" in err
    assert "controls/nist.yaml" in err
    assert gated == 1


def test_charter_yaml_settles_the_control_rules_as_in_check(tmp_path: Path) -> None:
    organization = ORGANIZATION + "  diagnostics: {CTL002: 'off', CTL001: warning}\n"
    root = write_repo(tmp_path, FILES, organization=organization)

    gated, _, err = run_charter("controls", "--repo", str(root), "--as-of", "2026-11-01", "--fail-on", "error").streams
    warned, _, _ = run_charter("controls", "--repo", str(root), "--as-of", "2026-11-01", "--fail-on", "warning").streams

    assert "CTL002" not in err
    assert "CTL001" in err and "0 errors, 1 warning," in err
    assert (gated, warned) == (0, 1)
