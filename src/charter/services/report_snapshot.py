"""Which snapshot `charter report` is made from (`--as-of DATE|SNAPSHOT`), the period it reads
decisions (and, later, the review) for (`--since DATE|QUARTER`), and the trends it draws: every
value of a few metrics at team and organisation scope, read in one query from the snapshots."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from charter.model.errors import NotFound, UsageError
from charter.model.metric_values import ScopedPoint, Snapshot
from charter.services.context import Context
from charter.services.snapshot import SNAPSHOT_PERIOD
from charter.services.store_reads import reading_store
from charter.store.snapshots import read_first_snapshot_time, read_latest_snapshot, read_metric_series, read_snapshot

_QUARTER = re.compile(r"(\d{4})Q([1-4])", re.IGNORECASE)
# How far back the trends reach: two quarters of weekly snapshots.
TREND_HORIZON = timedelta(days=190)


@dataclass(frozen=True, slots=True)
class ReportQuery:
    as_of: str | None = None  # a day (YYYY-MM-DD) or a snapshot id; None: the latest snapshot
    since: str | None = None  # a day or a quarter (2026Q3); None: the snapshot period before it


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, UTC)


def parse_day(text: str, option: str) -> date:
    """`YYYY-MM-DD`, or UsageError naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r}: write a day as YYYY-MM-DD") from None


def chosen_snapshot(context: Context, as_of: str | None) -> Snapshot:
    """The snapshot the document is made from: the one with the id `as_of`, or the latest taken at
    or before the end of the day `as_of`, or the latest of all. NotFound for an unknown id,
    UsageError when no snapshot is that old or none exists."""
    store = context.required_store()
    with reading_store(), store.engine.connect() as connection:
        if as_of is not None and as_of.isdigit():
            snapshot = read_snapshot(connection, int(as_of))
            if snapshot is None:
                latest = read_latest_snapshot(connection)
                known = f"the latest is {latest.id}" if latest else "there is none yet: run `charter sync`"
                raise NotFound(f"--as-of {as_of}: no snapshot has this id ({known})")
            return snapshot
        until = end_of_day(parse_day(as_of, "--as-of")) if as_of is not None else None
        snapshot = read_latest_snapshot(connection, until)
        if snapshot is not None:
            return snapshot
        first = read_first_snapshot_time(connection)
    if first is None:
        raise UsageError("no snapshot yet: run `charter sync` first (the report is made from a snapshot)")
    raise UsageError(
        f"--as-of {as_of}: no snapshot was taken by then; the first was taken {first:%Y-%m-%d %H:%M} UTC,"
        " so give a later day (or `charter sync --as-of DAY` to take one for that day)"
    )


def period_start(since: str | None, snapshot: Snapshot) -> date:
    """The first day of the period the document reads decisions for."""
    if since is None:
        return (snapshot.taken_at - SNAPSHOT_PERIOD).date()
    quarter = _QUARTER.fullmatch(since.strip())
    if quarter:
        return date(int(quarter.group(1)), 3 * int(quarter.group(2)) - 2, 1)
    day = parse_day(since, "--since")
    if day > snapshot.taken_at.date():
        raise UsageError(
            f"--since {since}: after the snapshot's day ({snapshot.taken_at:%Y-%m-%d}); give an earlier one"
        )
    return day


def metric_series(context: Context, snapshot: Snapshot, metrics: Sequence[str]) -> list[ScopedPoint]:
    """The values of `metrics` at team and organisation scope in the snapshots of the trend horizon
    up to the document's snapshot, oldest first."""
    store = context.required_store()
    with reading_store(), store.engine.connect() as connection:
        since = snapshot.taken_at - TREND_HORIZON
        return read_metric_series(connection, metrics, ("team", "org"), since, snapshot.taken_at)
