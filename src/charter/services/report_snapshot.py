"""Which snapshot `charter report` is made from (`--as-of DATE|SNAPSHOT`), the period it reads
decisions (and, later, the review) for (`--since DATE|QUARTER`), and the trends it draws: every
value of a few metrics at team and organisation scope, read in one query from the snapshots."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from charter.model.errors import NotFound, UsageError
from charter.model.metric_values import MetricPoint, Snapshot
from charter.services.context import Context
from charter.services.snapshot import SNAPSHOT_PERIOD
from charter.services.store_reads import reading_store
from charter.store.snapshots import (
    read_first_snapshot_time,
    read_metric_series,
    read_snapshot_header,
    read_snapshot_values,
)

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


# The scopes every section reads from the snapshot; other scopes are read for named metrics only.
SECTION_SCOPES = ("team", "org")


def chosen_snapshot(context: Context, as_of: str | None, metrics: Sequence[str] = ()) -> Snapshot:
    """The snapshot the document is made from: the one with the id `as_of`, or the latest taken at
    or before the end of the day `as_of`, or the latest of all; with its values at team and
    organisation scope, and of `metrics` at every scope (a large organisation's snapshot holds
    hundreds of thousands of component values, which the document does not show). NotFound for
    an unknown id, UsageError when no snapshot is that old or none exists."""
    store = context.required_store()
    with reading_store(), store.engine.connect() as connection:
        if as_of is not None and as_of.isdigit():
            header = read_snapshot_header(connection, int(as_of))
            if header is None:
                latest = read_snapshot_header(connection)
                known = f"the latest is {latest.id}" if latest else "there is none yet: run `charter sync`"
                raise NotFound(f"--as-of {as_of}: no snapshot has this id ({known})")
        else:
            until = end_of_day(parse_day(as_of, "--as-of")) if as_of is not None else None
            header = read_snapshot_header(connection, until=until)
            if header is None:
                _no_snapshot(as_of, read_first_snapshot_time(connection))
        assert header is not None
        values = read_snapshot_values(connection, header.id, SECTION_SCOPES, metrics)
    return Snapshot(header.id, header.taken_at, header.repo_commit, header.charter_version, tuple(values))


def _no_snapshot(as_of: str | None, first: datetime | None) -> None:
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


class Trends:
    """Reads metric histories up to the document's snapshot, over the trend horizon: one query for
    the metrics and scopes a section draws, never every scope's."""

    def __init__(self, context: Context, snapshot: Snapshot) -> None:
        self.store = context.required_store()
        self.since = snapshot.taken_at - TREND_HORIZON
        self.until = snapshot.taken_at

    def read(self, metrics: Sequence[str], scopes: Sequence[str]) -> dict[tuple[str, str], list[MetricPoint]]:
        """The points of each (metric, stored scope) asked for that has any, oldest first."""
        if not metrics or not scopes:
            return {}
        with reading_store(), self.store.engine.connect() as connection:
            points = read_metric_series(connection, metrics, scopes, self.since, self.until)
        wanted = set(scopes)
        found: dict[tuple[str, str], list[MetricPoint]] = {}
        for item in points:
            if item.scope_ref in wanted:
                found.setdefault((item.metric, item.scope_ref), []).append(item.point)
        return found
