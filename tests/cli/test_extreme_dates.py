"""Extreme but well-formed days (`--until 9999-12-31`, `--since 0001-01-01`) are refused by every
date option as a usage error naming the days Charter reports on, exit 2, never an OverflowError;
the first and last of those days work."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.analysis.test_risk_register import FILES
from tests.conftest import run_charter
from tests.strategy import write_repo

DATE_OPTIONS = [
    ["delivery", "--since"],
    ["delivery", "--until"],
    ["incidents", "--since"],
    ["incidents", "--until"],
    ["security", "--as-of"],
    ["codehealth", "--as-of"],
    ["risks", "--as-of"],
    ["check", "--as-of"],
    ["slo", "status", "--as-of"],
    ["targets", "--as-of"],
    ["sync", "--as-of"],
]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("command", DATE_OPTIONS, ids=" ".join)
def test_a_day_charter_cannot_compute_with_is_a_usage_error(command: list[str], day: str, tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)

    result = run_charter(
        *command, day, "--repo", str(root), env={"CHARTER_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    )

    assert result.exit_code == 2, result.output
    assert f"{day} is outside the days Charter reports on, 1970-01-01 to 2999-12-31" in " ".join(result.stderr.split())


@pytest.mark.parametrize("command", [["delivery"], ["incidents"]])
def test_the_widest_period_works(command: list[str], tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    environment = {"CHARTER_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}

    result = run_charter(
        *command, "--since", "1970-01-01", "--until", "2999-12-31", "--repo", str(root), env=environment
    )

    assert result.exit_code == 0, result.output


def test_the_last_day_works_as_a_moment(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    environment = {"CHARTER_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}

    result = run_charter("security", "--as-of", "2999-12-31", "--repo", str(root), "-f", "json", env=environment)

    assert result.exit_code == 0, result.output
