"""`charter snapshot --every --since --until` on the demo organisation: the series it takes equals,
day for day, the snapshots `charter sync --as-of DAY` takes one by one, ordered by as-of; wrong
options are usage errors."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from charter.model.metric_values import stored_scope
from charter.store.database import open_store
from charter.store.metric_series import read_snapshot_times
from charter.store.snapshots import read_latest_snapshot
from tests.conftest import run_charter
from tests.integration.conftest import demo_output

SQLITE = {"CHARTER_DATABASE_URL": ""}
# Wednesdays: the demo's weekly history is taken on Sundays.
DAYS = (date(2026, 10, 14), date(2026, 10, 28))


def _copy(demo: Path, tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name / "org"
    shutil.copytree(demo, copy, symlinks=True)  # the store and the clones are inside
    return copy


def _values_at(repo: Path, day: date) -> tuple[datetime, set[tuple[object, ...]], str | None]:
    with open_store(repo, "") as store, store.engine.connect() as connection:
        snapshot = read_latest_snapshot(connection, until=datetime.combine(day, time.max, UTC))
    assert snapshot is not None
    values = {(item.metric, stored_scope(item.scope), item.value, item.unit) for item in snapshot.values}
    return snapshot.taken_at, values, snapshot.repo_commit


def test_the_backfilled_series_equals_a_sync_as_of_each_day(demo: Path, tmp_path: Path) -> None:
    backfilled, synced = _copy(demo, tmp_path, "backfilled"), _copy(demo, tmp_path, "synced")
    output = demo_output("snapshot", "--repo", str(backfilled), "--since", "2026-10-14", "--until", "2026-10-28",
                         "--every", "2w")  # fmt: skip
    assert output.startswith("2 snapshots from 2026-10-14 to 2026-10-28 every 14 days: 2 added")
    for day in DAYS:
        demo_output("sync", "--repo", str(synced), "--as-of", day.isoformat(), "--quiet")

    for day in DAYS:
        taken_at, values, commit = _values_at(backfilled, day)
        expected_taken_at, expected, expected_commit = _values_at(synced, day)
        assert taken_at.replace(tzinfo=UTC) == expected_taken_at.replace(tzinfo=UTC)
        assert taken_at.date() == day
        assert len(values) > 100  # every provider measured something
        assert values == expected
        assert commit == expected_commit
    with open_store(backfilled, "") as store, store.engine.connect() as connection:
        times = [item.taken_at for item in read_snapshot_times(connection)]
    assert times == sorted(times)
    assert [moment.date() for moment in times[-6:]] == [
        date(2026, 10, 11), DAYS[0], date(2026, 10, 18), date(2026, 10, 25), DAYS[1], date(2026, 11, 1)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--every", "1m"], "--every takes a number of days or weeks like 1w, 2w or 7d, not `1m`"),
        (["--every", "0d"], "--every takes a number of days or weeks"),
        (["--until", "2026-01-01"], "--since 2026-10-11 is after --until 2026-01-01"),
        (["--every", "1d", "--since", "2000-01-01"], "more than 1000 snapshots"),
    ],
)
def test_wrong_options_are_usage_errors(demo: Path, arguments: list[str], message: str) -> None:
    given = dict(zip(arguments[::2], arguments[1::2], strict=True))
    options = {"--since": "2026-10-11", "--until": "2026-10-25", "--every": "1w"} | given
    result = run_charter("snapshot", "--repo", str(demo), *(part for item in options.items() for part in item),
                         env=SQLITE)  # fmt: skip
    assert result.exit_code == 2
    assert message in result.output
