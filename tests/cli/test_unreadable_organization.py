"""An unparseable (or invalid) charter.yaml stops every command that needs the organisation, exit 2,
with one line naming the file, line and problem; `charter sync` used to exit 0 and write a snapshot
with nothing mined. `charter check` lists every diagnostic and exits 2 (the input could not be
read), not 1, from a fresh run and from its cached result alike."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_charter
from tests.strategy import write_repo

BROKEN = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  policies: {sloPeriod: 30d
  compliance: []
"""
INVALID = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  policies: {postmortemWithinDays: soon}
"""
COMMANDS = [
    ["sync"],
    ["delivery"],
    ["incidents"],
    ["codehealth"],
    ["security"],
    ["controls"],
    ["risks"],
    ["scorecard"],
    ["plan"],
    ["slo", "status"],
    ["slo", "rules"],
    ["targets"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_refuses_to_run_without_the_organisation(command: list[str], tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    root = write_repo(tmp_path / "repo", {}, organization=BROKEN)
    database = tmp_path / "charter.db"

    result = run_charter(*command, "--repo", str(root), env={"CHARTER_DATABASE_URL": f"sqlite:///{database}"})

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == (
        "error: charter.yaml:6:13: SCH001 did not find expected ',' or '}'; every command needs the organisation "
        "in charter.yaml: fix it (`charter check` lists every problem)"
    )
    if database.exists():
        with sqlite3.connect(database) as connection:
            assert connection.execute("SELECT count(*) FROM snapshots").fetchone() == (0,)


def test_an_invalid_field_names_its_line(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {}, organization=INVALID)

    result = run_charter("risks", "--repo", str(root), env={"CHARTER_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"})

    assert result.exit_code == 2
    expected = "error: charter.yaml:5:36: SCH003 spec.policies.postmortemWithinDays:"
    assert result.stderr.startswith(expected), result.stderr


@pytest.mark.parametrize("cache", [True, False], ids=["through the cache", "no cache"])
def test_check_lists_the_problems_and_exits_2(cache: bool, tmp_path: Path) -> None:
    root = write_repo(tmp_path, {}, organization=BROKEN)
    arguments = ["check", "--repo", str(root), *([] if cache else ["--no-cache"])]
    environment = {"CHARTER_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}

    runs = [run_charter(*arguments, env=environment) for _ in range(2)]  # the second from the cache

    for result in runs:
        assert result.exit_code == 2, result.output
        assert "charter.yaml:6:13: SCH001 did not find expected ',' or '}'" in result.stdout
        assert result.stderr.splitlines()[-1].startswith("error: charter.yaml:6:13: SCH001")


def test_check_still_exits_2_when_the_gate_is_off(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {}, organization=BROKEN)

    result = run_charter("check", "--repo", str(root), "--no-cache", "--fail-on", "never")

    assert result.exit_code == 2
