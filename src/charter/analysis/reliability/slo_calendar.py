"""The window an SLO's error budget is counted over at a moment: rolling (the last `period`) or
calendar-aligned (the current month, quarter, week... in the window's time zone, as OpenSLO's
`isRolling: false` with `calendar: {startTime, timeZone}` means)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from charter.model.sli_counts import epoch_minute
from charter.model.slo import CalendarWindow, Slo

_CALENDAR_DURATION = re.compile(r"^\s*(\d+)\s*([smhdwMQy])\s*$")
_MONTHS = {"M": 1, "Q": 3, "y": 12}
_FIXED = {"s": timedelta(seconds=1), "m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1),
          "w": timedelta(weeks=1)}  # fmt: skip
# Where calendar periods are counted from when the SLO names no start: months from January 2000,
# weeks from Monday 3 January 2000, days from midnight.
_DEFAULT_ANCHOR = datetime(2000, 1, 3)


@dataclass(frozen=True, slots=True)
class SloWindow:
    """The budget window at `end`: data is counted over [start, end); the budget is sized for
    `length` (the whole calendar period for a calendar window, which may not be over yet)."""

    start: datetime
    end: datetime
    length: timedelta
    calendar: str | None = None  # the calendar duration as written, e.g. `1M`

    @property
    def start_minute(self) -> int:
        return epoch_minute(self.start)

    @property
    def end_minute(self) -> int:
        return epoch_minute(self.end)


def slo_window(slo: Slo, end: datetime, default_period: timedelta) -> SloWindow:
    """The SLO's window at `end` (rolling unless the SLO has a calendar window that can be read)."""
    moment = end.astimezone(UTC)
    if not slo.rolling and slo.calendar is not None:
        found = calendar_period(slo.calendar, moment)
        if found is not None:
            start, period_end = found
            return SloWindow(start, moment, period_end - start, slo.calendar.duration)
    period = slo.period or default_period
    return SloWindow(moment - period, moment, period)


def calendar_period(calendar: CalendarWindow, moment: datetime) -> tuple[datetime, datetime] | None:
    """The calendar period holding `moment`, as UTC times; None when the duration or zone cannot be read."""
    match = _CALENDAR_DURATION.match(calendar.duration)
    try:
        zone = ZoneInfo(calendar.time_zone) if calendar.time_zone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return None
    if match is None or int(match.group(1)) == 0:
        return None
    count, unit = int(match.group(1)), match.group(2)
    anchor = (calendar.start_time or _DEFAULT_ANCHOR).replace(tzinfo=None)
    local = moment.astimezone(zone).replace(tzinfo=None)
    if unit in _MONTHS:
        step = count * _MONTHS[unit]
        months = (local.year - anchor.year) * 12 + (local.month - anchor.month)
        if _add_months(anchor, months) > local:
            months -= 1
        first = (months // step) * step
        start, end = _add_months(anchor, first), _add_months(anchor, first + step)
    else:
        length = count * _FIXED[unit]
        start = anchor + ((local - anchor) // length) * length
        end = start + length
    return start.replace(tzinfo=zone).astimezone(UTC), end.replace(tzinfo=zone).astimezone(UTC)


def _add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; a day the month lacks becomes its last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    days_in_month = (datetime(year + month // 12, month % 12 + 1, 1) - datetime(year, month, 1)).days
    return moment.replace(year=year, month=month, day=min(moment.day, days_in_month))
