"""SLI counts in the store: one row per SLO per UTC day holding the day's 1,440 per-minute good and
total counts, and its hourly rollup written in the same transaction, so reports read 24 sums per day
and touch minutes only at the edges of their windows.

A day's minute array is packed in the narrowest lossless form (whole counts as uint16 or uint32,
else float32 or float64), a tag byte first; a minute without a sample is NaN once unpacked. A later
write of the same minutes replaces them; minutes it has no sample for keep what was stored."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Table, and_, bindparam, delete, select
from sqlalchemy.engine import Connection

from charter.model.sli_counts import (
    HOURS_PER_DAY,
    DayMinutes,
    Floats,
    SliCounts,
    hourly_rollups,
)
from charter.model.sli_days import SliDays
from charter.store.schema import sli_hourly, sli_samples

_EPOCH_DAY = date(1970, 1, 1)
_WRITE_BATCH = 500  # days of one SLO written per statement: about 12 MB of minute arrays
_SINGLE = np.dtype("<f4")
_DOUBLE = np.dtype("<f8")
_PRESENT = np.dtype("u1")


def day_date(day: int) -> date:
    return _EPOCH_DAY + timedelta(days=day)


def date_day(value: date) -> int:
    return (value - _EPOCH_DAY).days


def pack_minutes(rows: Floats) -> list[bytes]:
    """Each row of minute counts (NaN: no sample) in the narrowest lossless form: a tag byte, then
    uint16 or uint32 when the counts are whole numbers that fit (the type's maximum marks no sample),
    else float32 when it keeps them exactly, else float64."""
    missing = np.isnan(rows)
    filled = np.where(missing, 0.0, rows)
    whole = (filled == np.floor(filled)).all(axis=1) & (filled >= 0).all(axis=1)
    largest = filled.max(axis=1, initial=0.0)
    with np.errstate(over="ignore"):  # a count beyond float32's range becomes inf: not exact, so float64
        exact_single = ((rows.astype(_SINGLE).astype(np.float64) == rows) | missing).all(axis=1)
    packed = [b""] * len(rows)
    short = whole & (largest < _MISSING_UINT16)  # the common case, converted for every such row at once
    as_short = np.where(missing[short], _MISSING_UINT16, filled[short]).astype(_UINT16)
    for row, values in zip(np.flatnonzero(short).tolist(), as_short, strict=True):
        packed[row] = b"H" + values.tobytes()
    for row in np.flatnonzero(~short).tolist():
        if whole[row] and largest[row] < _MISSING_UINT32:
            packed[row] = b"I" + np.where(missing[row], _MISSING_UINT32, filled[row]).astype(_UINT32).tobytes()
        elif exact_single[row]:
            packed[row] = b"f" + rows[row].astype(_SINGLE).tobytes()
        else:
            packed[row] = b"d" + rows[row].astype(_DOUBLE).tobytes()
    return packed


_UINT16 = np.dtype("<u2")
_UINT32 = np.dtype("<u4")
_MISSING_UINT16 = 0xFFFF
_MISSING_UINT32 = 0xFFFF_FFFF


def unpack_minutes(blob: bytes) -> Floats:
    tag = blob[:1]
    if tag == b"H":
        whole = np.frombuffer(blob, dtype=_UINT16, offset=1)
        return np.where(whole == _MISSING_UINT16, np.nan, whole.astype(np.float64))
    if tag == b"I":
        whole = np.frombuffer(blob, dtype=_UINT32, offset=1)
        return np.where(whole == _MISSING_UINT32, np.nan, whole.astype(np.float64))
    return np.frombuffer(blob, dtype=_SINGLE if tag == b"f" else _DOUBLE, offset=1).astype(np.float64)


def write_sli_days(connection: Connection, written: SliDays) -> int:
    """Upsert days of minute counts and their hourly rollups in the caller's transaction; returns the
    number of minutes with a sample written."""
    for low in range(0, len(written), _WRITE_BATCH):
        high = min(low + _WRITE_BATCH, len(written))
        _write_batch(
            connection,
            list(written.slos[low:high]),
            [int(day) for day in written.days[low:high]],
            written.good[low:high],
            written.total[low:high],
        )
    return int((~np.isnan(written.total)).sum())


def _write_batch(connection: Connection, slos: list[str], days: list[int], good: Floats, total: Floats) -> None:
    keys = list(zip(slos, days, strict=True))
    stored = _stored_minutes(connection, keys)
    if stored:
        good, total = good.copy(), total.copy()
        for row, key in enumerate(keys):
            if key in stored:
                old_good, old_total = stored[key]
                keep = np.isnan(total[row])
                good[row, keep] = old_good[keep]
                total[row, keep] = old_total[keep]
        replaced = [{"old_slo": slo, "old_day": day_date(day)} for slo, day in stored]
        for table in (sli_samples, sli_hourly):
            connection.execute(
                delete(table).where(and_(table.c.slo == bindparam("old_slo"), table.c.day == bindparam("old_day"))),
                replaced,
            )
    rollups = hourly_rollups(good, total)
    dates = [day_date(day).isoformat() for day in days]
    packed_good, packed_total = pack_minutes(good), pack_minutes(total)
    # Straight to the driver: tens of thousands of rows of plain values, no per-row processing needed.
    _insert_rows(connection, sli_samples, list(zip(slos, dates, packed_good, packed_total, strict=True)))
    _insert_rows(
        connection,
        sli_hourly,
        list(
            zip(
                slos,
                dates,
                _row_bytes(rollups.good.astype(_DOUBLE)),
                _row_bytes(rollups.total.astype(_DOUBLE)),
                _row_bytes(rollups.present.astype(_PRESENT)),
                _row_bytes(rollups.idle.astype(_PRESENT)),
                strict=True,
            )
        ),
    )


def _row_bytes(rows: npt.NDArray[Any]) -> list[bytes]:
    return [row.tobytes() for row in rows]


def _insert_rows(connection: Connection, table: Table, rows: list[tuple[Any, ...]]) -> None:
    """Insert rows of values in the table's column order through the driver's executemany."""
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(column.name for column in table.columns)
    markers = ", ".join(marker for _column in table.columns)
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) VALUES ({markers})", rows)


def _stored_minutes(
    connection: Connection, keys: list[tuple[str, int]]
) -> dict[tuple[str, int], tuple[Floats, Floats]]:
    """The stored minutes of those (SLO, day) keys that already have a row."""
    wanted = set(keys)
    names = sorted({slo for slo, _day in keys})
    first, last = min(day for _slo, day in keys), max(day for _slo, day in keys)
    found: dict[tuple[str, int], tuple[Floats, Floats]] = {}
    for chunk in _chunks(names, 500):
        query = select(sli_samples.c.slo, sli_samples.c.day, sli_samples.c.good, sli_samples.c.total).where(
            sli_samples.c.slo.in_(chunk), sli_samples.c.day.between(day_date(first), day_date(last))
        )
        for slo, day, good, total in connection.execute(query):
            key = (slo, date_day(day))
            if key in wanted:
                found[key] = (unpack_minutes(good), unpack_minutes(total))
    return found


def _chunks(values: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for low in range(0, len(values), size):
        yield values[low : low + size]


# Reading ---------------------------------------------------------------------------------------


def read_sli_counts(
    connection: Connection,
    slos: Collection[str],
    first_day: int,
    last_day: int,
    minute_days: Collection[int] = (),
    every_minute: Collection[str] = (),
) -> dict[str, SliCounts]:
    """The counts of `slos` over epoch days [first_day, last_day]: hourly rollups for every day, the
    minutes of `minute_days` for every SLO, and of every day for the SLOs in `every_minute` (those
    budgeted by time slices). SLOs without data get empty rollups."""
    wanted = set(slos)
    days = last_day - first_day + 1
    hours = days * HOURS_PER_DAY
    hourly = {
        name: (np.zeros(hours), np.zeros(hours), np.zeros(hours, np.int64), np.zeros(hours, np.int64))
        for name in wanted
    }
    columns = (sli_hourly.c.good, sli_hourly.c.total, sli_hourly.c.minutes, sli_hourly.c.idle)
    query = select(sli_hourly.c.slo, sli_hourly.c.day, *columns)
    query = query.where(sli_hourly.c.day.between(day_date(first_day), day_date(last_day)))
    for slo, day, good, total, present, idle in connection.execute(query):
        if slo not in wanted:
            continue
        offset = (date_day(day) - first_day) * HOURS_PER_DAY
        arrays = hourly[slo]
        arrays[0][offset : offset + HOURS_PER_DAY] = np.frombuffer(good, _DOUBLE)
        arrays[1][offset : offset + HOURS_PER_DAY] = np.frombuffer(total, _DOUBLE)
        arrays[2][offset : offset + HOURS_PER_DAY] = np.frombuffer(present, _PRESENT)
        arrays[3][offset : offset + HOURS_PER_DAY] = np.frombuffer(idle, _PRESENT)
    shared_days = frozenset(day for day in minute_days if first_day <= day <= last_day)
    every = set(every_minute) & wanted
    minutes = _read_minutes(connection, wanted, shared_days, every, first_day, last_day)
    all_days = frozenset(range(first_day, last_day + 1))
    return {
        name: SliCounts(
            first_day,
            hourly[name][0],
            hourly[name][1],
            hourly[name][2],
            hourly[name][3],
            minutes.get(name, {}),
            all_days if name in every else shared_days,
        )
        for name in wanted
    }


def _read_minutes(
    connection: Connection,
    wanted: set[str],
    shared_days: frozenset[int],
    every: set[str],
    first_day: int,
    last_day: int,
) -> dict[str, dict[int, DayMinutes]]:
    found: dict[str, dict[int, DayMinutes]] = {}
    columns = (sli_samples.c.slo, sli_samples.c.day, sli_samples.c.good, sli_samples.c.total)
    queries = []
    if shared_days:
        queries.append(select(*columns).where(sli_samples.c.day.in_([day_date(day) for day in sorted(shared_days)])))
    between = sli_samples.c.day.between(day_date(first_day), day_date(last_day))
    queries += [select(*columns).where(sli_samples.c.slo.in_(chunk), between) for chunk in _chunks(sorted(every), 500)]
    for query in queries:
        for slo, day, good, total in connection.execute(query):
            if slo in wanted:
                found.setdefault(slo, {})[date_day(day)] = DayMinutes(unpack_minutes(good), unpack_minutes(total))
    return found
