"""The backfill use case on a small organisation (three deployments of `payments` in early October
2026, one incident d1 caused) on SQLite and PostgreSQL: each day's snapshot holds what
`snapshot_values` measures for that day alone, even for a day long after the last deployment,
whose period the facts read once for the whole series reach into; and the days of a query."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from charter.model.errors import UsageError
from charter.model.metric_values import stored_scope
from charter.services.backfill import BackfillQuery, backfill_snapshots, parse_every
from charter.services.context import Context, load_context
from charter.services.snapshot import SNAPSHOT_PERIOD, snapshot_values
from charter.store.database import open_store
from charter.store.metric_series import read_snapshot_times
from charter.store.snapshots import read_latest_snapshot
from tests.services.metric_facts import build_organization


@pytest.fixture
def context(tmp_path: Path, database_url: str) -> Iterator[Context]:
    repo = build_organization(tmp_path, database_url)
    with open_store(repo, database_url) as store:
        yield load_context(repo, store)


def _comparable(values: object) -> set[tuple[object, ...]]:
    return {(item.metric, stored_scope(item.scope), item.value, item.unit) for item in values}  # type: ignore[attr-defined]


def test_each_snapshot_holds_what_its_day_alone_measures(context: Context) -> None:
    # 2026-10-05 sees the deployments; 2027-02-15's 90 days start in mid-November, after the last.
    query = BackfillQuery(date(2026, 10, 5), date(2027, 2, 15), timedelta(weeks=19))
    assert query.days() == [date(2026, 10, 5), date(2027, 2, 15)]

    recorded = backfill_snapshots(context, query)

    assert [item.added for item in recorded] == [True, True]
    with context.required_store().engine.connect() as connection:
        times = read_snapshot_times(connection)
        for day in query.days():
            moment = datetime.combine(day, time.max, UTC)
            snapshot = read_latest_snapshot(connection, until=moment)
            assert snapshot is not None
            assert snapshot.taken_at.replace(tzinfo=UTC) == moment.replace(microsecond=0)
            alone = snapshot_values(context, moment - SNAPSHOT_PERIOD, moment)
            assert _comparable(snapshot.values) == _comparable(alone)
    taken = [item.taken_at for item in times]  # with the sync's of 2026-10-12, ordered by as-of
    assert taken == sorted(taken)
    assert [moment.date() for moment in taken] == [date(2026, 10, 5), date(2026, 10, 12), date(2027, 2, 15)]
    late = {value.metric for value in alone if stored_scope(value.scope) == ("component", "payments")}
    assert not any(metric.startswith("delivery.") for metric in late)  # no deployment near the late day


def test_a_backfill_run_again_keeps_the_snapshots_it_took(context: Context) -> None:
    query = BackfillQuery(date(2027, 3, 1), date(2027, 3, 15), timedelta(weeks=2))
    first = backfill_snapshots(context, query)
    again = backfill_snapshots(context, query)
    assert [item.added for item in first] == [True, True]
    assert [item.added for item in again] == [False, False]
    assert [item.snapshot_id for item in again] == [item.snapshot_id for item in first]


@pytest.mark.parametrize(("text", "days"), [("1w", 7), ("2w", 14), ("10d", 10), (" 3d ", 3)])
def test_every_reads_days_and_weeks(text: str, days: int) -> None:
    assert parse_every(text) == timedelta(days=days)


def test_the_last_day_is_kept_only_when_a_step_lands_on_it() -> None:
    query = BackfillQuery(date(2026, 7, 1), date(2026, 7, 20), timedelta(weeks=1))
    assert query.days() == [date(2026, 7, 1), date(2026, 7, 8), date(2026, 7, 15)]
    with pytest.raises(UsageError, match="after --until"):
        BackfillQuery(date(2026, 7, 2), date(2026, 7, 1), timedelta(weeks=1))
