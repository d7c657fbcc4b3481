"""`charter snapshot --every 1w --since DATE`: a series of snapshots for past days in one command,
each what `charter sync --as-of DAY` records (the metrics of the 90 days before the day's end and the
risk register as of the day, its risk files read as the strategy repository's git history had them
then: services/risk_history.py), with the facts read from the store once for the whole series: the
deployments, lead times and incidents, and each component's mined git history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from charter.model.errors import UsageError
from charter.services.context import Context
from charter.services.delivery import DeliveryQuery, delivery_inputs
from charter.services.imports import store_failures
from charter.services.metrics.shared import SeriesFacts
from charter.services.risk_history import RegistersOverTime
from charter.services.snapshot import SNAPSHOT_PERIOD, RecordedSnapshot, record_snapshot, snapshot_values

_EVERY = re.compile(r"(?P<count>[1-9][0-9]*)(?P<unit>[dw])")
_UNIT_DAYS = {"d": 1, "w": 7}
# A backfill past this many snapshots is most likely a typo (`--every 1d` over years).
MOST_SNAPSHOTS = 1_000


def parse_every(text: str) -> timedelta:
    """`1w`, `2w`, `7d`: the step between snapshots. UsageError naming the option otherwise."""
    found = _EVERY.fullmatch(text.strip())
    if found is None:
        raise UsageError(f"--every takes a number of days or weeks like 1w, 2w or 7d, not `{text}`")
    return timedelta(days=int(found["count"]) * _UNIT_DAYS[found["unit"]])


@dataclass(frozen=True, slots=True)
class BackfillQuery:
    """Snapshots at the end of `since`, then every `every`, up to the end of `until` (UTC days)."""

    since: date
    until: date
    every: timedelta

    def __post_init__(self) -> None:
        if self.until < self.since:
            raise UsageError(f"--since {self.since} is after --until {self.until}: give the earlier day first")
        if self.every < timedelta(days=1):
            raise UsageError("--every is at least one day (1d)")
        if len(self.days()) > MOST_SNAPSHOTS:
            raise UsageError(
                f"--since {self.since} to --until {self.until} every {self.every.days} days is more than "
                f"{MOST_SNAPSHOTS} snapshots: take a longer --every or a shorter period"
            )

    def days(self) -> list[date]:
        """The days whose end a snapshot is taken at, oldest first."""
        count = (self.until - self.since) // self.every + 1
        return [self.since + index * self.every for index in range(count)]


def end_of_day(day: date) -> datetime:
    """The end of the day `charter sync --as-of DAY` measures to (UTC); its snapshot is stamped
    with the day's last second."""
    return datetime.combine(day, time.max, UTC)


def backfill_snapshots(context: Context, query: BackfillQuery) -> list[RecordedSnapshot]:
    """One snapshot per day of the query, oldest first, each equal to the one `charter sync --as-of`
    records for that day (a day whose values equal the snapshot's before keeps that one). The
    deployments, lead times, incidents and the components' git history are read once for the whole
    series; all snapshots are
    written in one transaction, so a failure writes none. It neither mines git nor pulls SLIs from
    Prometheus: run `charter sync` first."""
    with store_failures("snapshot"):
        store = context.required_store()
        moments = [end_of_day(day) for day in query.days()]
        period = DeliveryQuery(moments[0] - SNAPSHOT_PERIOD, moments[-1])
        with store.engine.connect() as connection:
            series = SeriesFacts(delivery_inputs(context, connection, period))
        registers = RegistersOverTime(context)
        taken = [
            (
                moment,
                snapshot_values(context, moment - SNAPSHOT_PERIOD, moment, series=series),
                registers.states_at(moment),
            )
            for moment in moments
        ]
        with store.transaction() as connection:
            return [
                record_snapshot(connection, moment.replace(microsecond=0), context.estate.commit, values, register)
                for moment, values, register in taken
            ]
