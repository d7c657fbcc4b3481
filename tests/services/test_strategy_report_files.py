"""Writing the report whole or not at all, and the period and snapshot a report is asked for."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from charter.model.errors import UsageError
from charter.model.metric_values import Snapshot
from charter.services.report_snapshot import period_start
from charter.services.strategy_report import write_whole


def test_a_written_report_replaces_the_file_whole_and_is_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    write_whole(target, b"<!DOCTYPE html>new")
    assert target.read_bytes() == b"<!DOCTYPE html>new"
    assert os.stat(target).st_mode & 0o777 == 0o644
    assert [path.name for path in tmp_path.iterdir()] == ["report.html"]


def test_a_write_that_fails_after_writing_leaves_neither_the_file_nor_its_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.mkdir()
    (target / "keep").write_text("a folder that is not empty cannot be replaced by a file", encoding="utf-8")
    with pytest.raises(UsageError, match=r"--output .*report.pdf: cannot write it"):
        write_whole(target, b"%PDF-1.7")
    assert [path.name for path in tmp_path.iterdir()] == ["report.pdf"]
    assert target.is_dir()


SNAPSHOT = Snapshot(7, datetime(2026, 11, 1, 23, 59, 59, tzinfo=UTC), "abc123", "0.1.0", ())


@pytest.mark.parametrize(
    ("since", "start"),
    [
        (None, date(2026, 8, 3)),
        ("2026Q3", date(2026, 7, 1)),
        ("2026q4", date(2026, 10, 1)),
        ("2026-09-15", date(2026, 9, 15)),
    ],
)
def test_the_period_starts_at_the_day_or_quarter_given(since: str | None, start: date) -> None:
    assert period_start(since, SNAPSHOT) == start


def test_a_period_that_starts_after_the_snapshot_is_refused() -> None:
    with pytest.raises(UsageError, match="--since 2027-01-01: after the snapshot's day"):
        period_start("2027-01-01", SNAPSHOT)
