"""`charter review` and `charter snapshot` at the command line: a period written wrong is a usage error
naming the option (exit 2, no traceback, nothing written), the review goes to `-o`, and a repository
without snapshots reviews to "no trend"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_charter
from tests.strategy import write_repo

SQLITE = {"CHARTER_DATABASE_URL": ""}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--since", "2026Q5"], "--since takes a quarter like 2026Q3 or a day like 2026-07-01, not `2026Q5`"),
        (["--since", "2026Q3", "--until", "2026-02-30"], "--until takes a quarter like 2026Q3 or a day"),
        (["--since", "2026Q4", "--until", "2026Q3"], "--since 2026Q4 is not before --until 2026Q3"),
    ],
)
def test_a_period_written_wrong_is_a_usage_error(tmp_path: Path, arguments: list[str], message: str) -> None:
    repo = write_repo(tmp_path, {})
    output = tmp_path / "review.json"
    result = run_charter("review", "--repo", str(repo), *arguments, "-o", str(output), env=SQLITE)
    assert result.exit_code == 2
    assert message in result.output
    assert not output.exists()


def test_without_snapshots_the_review_says_how_to_take_them(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {})
    output = tmp_path / "review.json"
    result = run_charter("review", "--repo", str(repo), "--since", "2026Q3", "-f", "json", "-o", str(output),
                         env=SQLITE)  # fmt: skip
    assert result.exit_code == 0, result.output
    review = json.loads(output.read_text(encoding="utf-8"))
    assert review["trend"] is False and review["snapshots"] == 0
    assert "charter snapshot --every 1w --since DAY" in review["noTrendReason"]


def test_the_backfill_needs_its_first_day(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {})
    result = run_charter("snapshot", "--repo", str(repo), "--every", "1w", env=SQLITE)
    assert result.exit_code == 2
    assert "--since" in result.output
