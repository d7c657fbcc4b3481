"""The calendar of a delivery period: its days and ISO weeks from the Monday on or before its
start, its calendar months, and which weeks and months it covers whole; all UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt

from charter.analysis.delivery.percentiles import Ints


@dataclass(frozen=True, slots=True)
class PeriodCalendar:
    """Days and ISO weeks from the Monday on or before `since`, and calendar months, all UTC."""

    origin: float  # epoch seconds of that Monday, 00:00 UTC
    week_starts: tuple[date, ...]
    whole_weeks: npt.NDArray[np.bool_]
    month_of_day: Ints
    whole_months: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, since: datetime, until: datetime) -> PeriodCalendar:
        first_day = since.astimezone(UTC).date()
        monday = first_day - timedelta(days=first_day.weekday())
        origin = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
        day_count = max(1, -(-(until - origin) // timedelta(days=1)))
        days = [monday + timedelta(days=offset) for offset in range(day_count)]
        week_starts = tuple(days[::7])
        whole_weeks = [
            since <= _midnight(start) and _midnight(start + timedelta(days=7)) <= until for start in week_starts
        ]
        months = sorted({(day.year, day.month) for day in days})
        month_index = {month: index for index, month in enumerate(months)}
        whole_months = [
            since <= _midnight(date(year, month, 1)) and _midnight(_next_month(year, month)) <= until
            for year, month in months
        ]
        return cls(
            origin.timestamp(),
            week_starts,
            np.array(whole_weeks, dtype=np.bool_),
            np.array([month_index[(day.year, day.month)] for day in days], dtype=np.int64),
            np.array(whole_months, dtype=np.bool_),
        )

    @property
    def week_count(self) -> int:
        return len(self.week_starts)

    @property
    def month_count(self) -> int:
        return len(self.whole_months)

    @property
    def day_count(self) -> int:
        return len(self.month_of_day)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _next_month(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1)
