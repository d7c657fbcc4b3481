"""`charter targets` from the command line: the report on the store's snapshots, `--fail-on` as a
gate on TGT005, and bad input (a target written wrong, `--as-of` before the first snapshot, no
store) as one message and exit 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from charter.store.database import open_store
from tests.conftest import run_charter
from tests.services.test_targets_service import FILES, ORGANIZATION, TAKEN, _values
from tests.strategy import write_repo

SQLITE = {"CHARTER_DATABASE_URL": ""}


def _repo(root: Path, organization: str = ORGANIZATION) -> Path:
    repo = write_repo(root, FILES, organization=organization)
    with open_store(repo) as store:
        for index, taken in enumerate(TAKEN):
            store.write_snapshot(taken, None, _values(index))
    return repo


def test_the_report_and_its_gate(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    result = run_charter("targets", "--repo", str(repo), "--as-of", "2027-01-20", "--format", "json", env=SQLITE)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [row["status"] for row in report["targets"]] == ["on track", "on track", "off track", "met", "no data"]
    assert report["targets"][2]["funded"] is False
    gated = run_charter("targets", "--repo", str(repo), "--as-of", "2027-01-20", "--fail-on", "error", env=SQLITE)
    assert gated.exit_code == 1
    assert "TGT005" in gated.stdout and "reliability.incidents.count <= 1.0 was due 2027-01-10" in gated.stdout


def test_as_of_before_the_first_snapshot_is_a_usage_error(tmp_path: Path) -> None:
    result = run_charter("targets", "--repo", str(_repo(tmp_path)), "--as-of", "2026-06-01", env=SQLITE)
    assert result.exit_code == 2
    assert "--as-of 2026-06-01 is before the first snapshot (2027-01-01)" in result.stderr


def test_a_target_written_wrong_names_its_line_and_writes_nothing(tmp_path: Path) -> None:
    repo = _repo(tmp_path, ORGANIZATION.replace("value: 15%", "value: 4h"))
    output = tmp_path / "targets.json"
    result = run_charter("targets", "--repo", str(repo), "-o", str(output), env=SQLITE)
    assert result.exit_code == 2
    assert "charter.yaml:19:" in result.stderr and "TGT002" in result.stderr
    assert "delivery.change_failure_rate" in result.stderr
    assert not output.exists()
