"""SLI counts read from the store as error budgets need them: hourly rollups over the windows, and
minutes only for the days where a window or an incident starts or ends."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from charter.model.sli_counts import MINUTES_PER_DAY, SliCounts, epoch_minute
from charter.model.slo import Slo
from charter.store.database import Store
from charter.store.sli import read_sli_counts


def _day(moment: datetime) -> int:
    return epoch_minute(moment) // MINUTES_PER_DAY


def read_counts(
    store: Store, slos: Iterable[Slo], since: datetime, until: datetime, minute_days: Collection[int] = ()
) -> dict[str, SliCounts]:
    """The SLOs' counts from `since` to `until`: hourly rollups, the minutes of `minute_days`, and
    every minute of SLOs budgeted by time slices."""
    chosen = list(slos)
    every = [slo.name for slo in chosen if slo.budgeting != "occurrences"]
    with store.engine.connect() as connection:
        return read_sli_counts(connection, [slo.name for slo in chosen], _day(since), _day(until), minute_days, every)


def counts_for_incident(
    store: Store,
    slo: Slo,
    since: datetime,
    until: datetime,
    incident_edges: Iterable[datetime],
    period: timedelta | None = None,
) -> SliCounts:
    """One SLO's counts over [since, until] as `incident_budget_share` needs them: the minutes of the
    days holding each incident edge and the start of the SLO window (`period`, else the SLO's own)
    ending at it. Without a known period, every day's minutes are read (exact, slower)."""
    length = period or slo.period
    edges = list(incident_edges)
    if length is None:
        with store.engine.connect() as connection:
            return read_sli_counts(connection, [slo.name], _day(since), _day(until), (), [slo.name])[slo.name]
    moments = edges + [edge - length for edge in edges] + [since, until]
    days = {_day(moment) for moment in moments}
    days |= {day - 1 for day in days}
    return read_counts(store, [slo], min(moments), until, days)[slo.name]
