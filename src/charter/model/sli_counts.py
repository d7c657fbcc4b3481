"""One SLO's SLI counts as the store keeps them: hourly rollups over a span of days, and per-minute
counts for the days that need minute precision. Sums of good and total events over any minute range
read whole hours from the rollups and only the partial hours at the edges from the minutes.

Time is counted in whole minutes since the Unix epoch (UTC). A minute without a sample is missing
(NaN in the minute arrays, not counted in `present`); a minute with a sample and a total of 0 had no
traffic. Neither is good or bad."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

MINUTES_PER_HOUR = 60
HOURS_PER_DAY = 24
MINUTES_PER_DAY = MINUTES_PER_HOUR * HOURS_PER_DAY
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Floats = npt.NDArray[np.float64]
Counts = npt.NDArray[np.int64]


def epoch_minute(moment: datetime) -> int:
    """The minute holding `moment` (floor), counted from the Unix epoch."""
    return (moment - _EPOCH) // timedelta(minutes=1)


def epoch_minute_ceiling(moment: datetime) -> int:
    """The first minute that starts at or after `moment`."""
    return -((_EPOCH - moment) // timedelta(minutes=1))


def minute_time(minute: int) -> datetime:
    return _EPOCH + timedelta(minutes=minute)


def day_of_minute(minute: int) -> int:
    return minute // MINUTES_PER_DAY


@dataclass(frozen=True, slots=True)
class WindowCounts:
    """Events and data coverage over a range of minutes."""

    good: float = 0.0
    total: float = 0.0
    minutes: int = 0  # minutes in the range
    present: int = 0  # minutes with a sample
    idle: int = 0  # minutes with a sample and no traffic

    @property
    def bad(self) -> float:
        return self.total - self.good

    @property
    def missing(self) -> int:
        return self.minutes - self.present

    @property
    def error_ratio(self) -> float | None:
        """Bad events over total events; None without traffic (never NaN)."""
        return self.bad / self.total if self.total > 0 else None

    def __add__(self, other: WindowCounts) -> WindowCounts:
        return WindowCounts(
            self.good + other.good,
            self.total + other.total,
            self.minutes + other.minutes,
            self.present + other.present,
            self.idle + other.idle,
        )


@dataclass(frozen=True, slots=True)
class DayMinutes:
    """One UTC day's 1,440 minute counts (NaN: no sample)."""

    good: Floats
    total: Floats

    @classmethod
    def missing(cls) -> DayMinutes:
        empty = np.full(MINUTES_PER_DAY, np.nan)
        return cls(empty, empty)


class MinutesNotLoaded(LookupError):
    """A minute range was asked for on a day whose minutes were not read from the store."""


@dataclass(frozen=True, slots=True)
class SliCounts:
    """One SLO's counts. `hourly_*` cover the span of whole UTC days read, from `first_day` (epoch
    days), 24 entries per day, 0 where nothing was stored; `minutes` holds the days listed in
    `minute_days` that have data (a listed day absent from it had none). Days outside the span count
    as without data."""

    first_day: int = 0
    hourly_good: Floats = field(default_factory=lambda: np.zeros(0))
    hourly_total: Floats = field(default_factory=lambda: np.zeros(0))
    hourly_present: Counts = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    hourly_idle: Counts = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    minutes: Mapping[int, DayMinutes] = field(default_factory=dict)
    minute_days: frozenset[int] = frozenset()
    # Running sums (good, total, present, idle), made on first use: every window is then 4 subtractions.
    _running: dict[int | None, Floats] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_minutes(cls, first_minute: int, good: Floats, total: Floats) -> SliCounts:
        """Counts built from a plain series of minutes starting at `first_minute` (NaN: no sample):
        the rollups computed the way the store computes them. For tests and the demo."""
        first_day = day_of_minute(first_minute)
        offset = first_minute - first_day * MINUTES_PER_DAY
        days = -(-(offset + len(total)) // MINUTES_PER_DAY)
        padded_good = np.full(days * MINUTES_PER_DAY, np.nan)
        padded_total = np.full(days * MINUTES_PER_DAY, np.nan)
        padded_good[offset : offset + len(good)] = good
        padded_total[offset : offset + len(total)] = total
        rollups = hourly_rollups(
            padded_good.reshape(days, MINUTES_PER_DAY), padded_total.reshape(days, MINUTES_PER_DAY)
        )
        by_day = {
            first_day + index: DayMinutes(
                padded_good[index * MINUTES_PER_DAY : (index + 1) * MINUTES_PER_DAY],
                padded_total[index * MINUTES_PER_DAY : (index + 1) * MINUTES_PER_DAY],
            )
            for index in range(days)
        }
        return cls(
            first_day,
            rollups.good.reshape(-1),
            rollups.total.reshape(-1),
            rollups.present.reshape(-1).astype(np.int64),
            rollups.idle.reshape(-1).astype(np.int64),
            by_day,
            frozenset(by_day),
        )

    @property
    def has_data(self) -> bool:
        return bool(self.hourly_present.any())

    def window(self, start: int, end: int) -> WindowCounts:
        """Good and total events over the minutes [start, end): whole hours from the rollups, the
        partial hours at either edge from the minutes."""
        if end <= start:
            return WindowCounts()
        first_hour = -(-start // MINUTES_PER_HOUR)
        last_hour = end // MINUTES_PER_HOUR
        if first_hour >= last_hour:
            return self._minute_window(start, end)
        return (
            self._minute_window(start, first_hour * MINUTES_PER_HOUR)
            + self._hour_window(first_hour, last_hour)
            + self._minute_window(last_hour * MINUTES_PER_HOUR, end)
        )

    def minute_series(self, start: int, end: int) -> tuple[Floats, Floats]:
        """Good and total per minute over [start, end), NaN where no sample was stored."""
        good = np.full(max(0, end - start), np.nan)
        total = np.full(max(0, end - start), np.nan)
        for day in range(day_of_minute(start), day_of_minute(end - 1) + 1) if end > start else ():
            day_start = day * MINUTES_PER_DAY
            low, high = max(start, day_start), min(end, day_start + MINUTES_PER_DAY)
            found = self._day(day)
            good[low - start : high - start] = found.good[low - day_start : high - day_start]
            total[low - start : high - start] = found.total[low - day_start : high - day_start]
        return good, total

    def hourly_gaps(self, start: int, end: int) -> list[tuple[int, int]]:
        """The runs of whole hours inside [start, end) without any sample, as minute ranges."""
        first_hour = -(-start // MINUTES_PER_HOUR)
        last_hour = end // MINUTES_PER_HOUR
        if first_hour >= last_hour:
            return []
        present = self._hour_slice(self.hourly_present, first_hour, last_hour)
        empty = np.concatenate(([False], present == 0, [False]))
        edges = np.flatnonzero(empty[1:] != empty[:-1])
        return [
            ((first_hour + int(begin)) * MINUTES_PER_HOUR, (first_hour + int(finish)) * MINUTES_PER_HOUR)
            for begin, finish in zip(edges[::2], edges[1::2], strict=True)
        ]

    def _day(self, day: int) -> DayMinutes:
        """A day's minutes: read, or known to be empty because the day is outside the span read."""
        inside = self.first_day <= day < self.first_day + len(self.hourly_total) // HOURS_PER_DAY
        if inside and day not in self.minute_days:
            raise MinutesNotLoaded(f"the minutes of day {day} were not read")
        return self.minutes.get(day) or DayMinutes.missing()

    def _minute_window(self, start: int, end: int) -> WindowCounts:
        found = WindowCounts(minutes=max(0, end - start))
        for day in range(day_of_minute(start), day_of_minute(end - 1) + 1) if end > start else ():
            day_start = day * MINUTES_PER_DAY
            low, high = max(start, day_start) - day_start, min(end, day_start + MINUTES_PER_DAY) - day_start
            sums = self._day_running(day)
            if sums is not None:
                found = found + _difference(sums, low, high)
        return found

    def _hour_window(self, first_hour: int, last_hour: int) -> WindowCounts:
        sums = self._running.get(None)
        if sums is None:
            stacked = np.stack([self.hourly_good, self.hourly_total, self.hourly_present, self.hourly_idle])
            sums = self._running[None] = _running_sums(stacked.astype(np.float64))
        origin = self.first_day * HOURS_PER_DAY
        hours = sums.shape[1] - 1
        low, high = min(max(first_hour - origin, 0), hours), min(max(last_hour - origin, 0), hours)
        counted = _difference(sums, low, high) if low < high else WindowCounts()
        return WindowCounts(counted.good, counted.total, (last_hour - first_hour) * MINUTES_PER_HOUR, counted.present,
                            counted.idle)  # fmt: skip

    def _hour_slice(self, values: npt.NDArray[np.generic], first_hour: int, last_hour: int) -> npt.NDArray[np.generic]:
        """Hours [first_hour, last_hour) of a rollup, padded with 0 outside the stored span."""
        origin = self.first_day * HOURS_PER_DAY
        low, high = first_hour - origin, last_hour - origin
        result = np.zeros(last_hour - first_hour, dtype=values.dtype)
        stored_low, stored_high = max(low, 0), min(high, len(values))
        if stored_low < stored_high:
            result[stored_low - low : stored_high - low] = values[stored_low:stored_high]
        return result

    def _day_running(self, day: int) -> Floats | None:
        """Running sums over one day's minutes; None for a day without data."""
        if day in self._running:
            return self._running[day]
        found = self._day(day)
        if day not in self.minutes:
            return None
        present = ~np.isnan(found.total)
        total = np.where(present, found.total, 0.0)
        stacked = np.stack([np.where(present, found.good, 0.0), total, present, present & (total == 0)])
        sums = self._running[day] = _running_sums(stacked.astype(np.float64))
        return sums


def _running_sums(rows: Floats) -> Floats:
    """Each row's running sum with a 0 in front, so that sum(row[low:high]) = sums[high] - sums[low]."""
    sums = np.zeros((rows.shape[0], rows.shape[1] + 1))
    np.cumsum(rows, axis=1, out=sums[:, 1:])
    return sums


def _difference(sums: Floats, low: int, high: int) -> WindowCounts:
    good, total, present, idle = (sums[:, high] - sums[:, low]).tolist()
    return WindowCounts(good, total, 0, round(present), round(idle))


@dataclass(frozen=True, slots=True)
class HourlyRollups:
    """Days × 24 hours: sums of good and total over the minutes with a sample, how many minutes had
    one (`present`), and how many of those had no traffic (`idle`)."""

    good: Floats
    total: Floats
    present: npt.NDArray[np.uint8]
    idle: npt.NDArray[np.uint8]


def hourly_rollups(good: Floats, total: Floats) -> HourlyRollups:
    """Per-day minute arrays (days × 1,440, NaN: no sample) rolled up to days × 24."""
    present = ~np.isnan(total)
    by_hour = (-1, HOURS_PER_DAY, MINUTES_PER_HOUR)
    filled_total = np.where(present, total, 0.0)
    return HourlyRollups(
        np.where(present, good, 0.0).reshape(by_hour).sum(axis=2),
        filled_total.reshape(by_hour).sum(axis=2),
        present.reshape(by_hour).sum(axis=2).astype(np.uint8),
        (present & (filled_total == 0)).reshape(by_hour).sum(axis=2).astype(np.uint8),
    )
