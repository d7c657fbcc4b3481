"""A straight line through a target's recent values, by least squares, and what it projects: the
value at the target's date with a 95% prediction band, and the date the line reaches the target.
Time is counted in days, so slopes are changes per day."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

DAY = timedelta(days=1)

# Student's t at 0.975 (a two-sided 95% band) by degrees of freedom; beyond the table the entry for
# the largest degrees of freedom not above the actual ones, which is a little wider (conservative).
_T_975 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    11: 2.201,
    12: 2.179,
    13: 2.160,
    14: 2.145,
    15: 2.131,
    16: 2.120,
    17: 2.110,
    18: 2.101,
    19: 2.093,
    20: 2.086,
    21: 2.080,
    22: 2.074,
    23: 2.069,
    24: 2.064,
    25: 2.060,
    26: 2.056,
    27: 2.052,
    28: 2.048,
    29: 2.045,
    30: 2.042,
    40: 2.021,
    60: 2.000,
    120: 1.980,
}


def t_975(degrees_of_freedom: int) -> float:
    """Student's t quantile at 0.975 for the band (1.96 past 120 degrees of freedom)."""
    if degrees_of_freedom > 120:
        return 1.96
    return _T_975[max(key for key in _T_975 if key <= degrees_of_freedom)]


@dataclass(frozen=True, slots=True)
class Point:
    """A target's value (aggregated over its entities) at one snapshot."""

    taken_at: datetime
    value: float


@dataclass(frozen=True, slots=True)
class LineFit:
    """value ≈ intercept + slope × days since `origin`, fitted to `points` values. `residual_sd` is
    the residual standard error (None with two points, which a line always fits)."""

    origin: datetime
    intercept: float
    slope: float  # per day
    points: int
    mean_days: float
    spread: float  # Σ (days − mean)²
    residual_sd: float | None

    def days(self, moment: datetime) -> float:
        return (moment - self.origin) / DAY

    def at(self, moment: datetime) -> float:
        return self.intercept + self.slope * self.days(moment)

    def band(self, moment: datetime) -> tuple[float, float] | None:
        """The 95% prediction band for one future value at `moment`; None without a residual error."""
        if self.residual_sd is None:
            return None
        offset = self.days(moment) - self.mean_days
        half = t_975(self.points - 2) * self.residual_sd * math.sqrt(1 + 1 / self.points + offset**2 / self.spread)
        centre = self.at(moment)
        return centre - half, centre + half

    def reaches(self, value: float) -> datetime | None:
        """When the line equals `value`; None when it is flat, or so nearly flat that the day falls
        outside the calendar (past the year 9999)."""
        if self.slope == 0:
            return None
        try:
            return self.origin + DAY * ((value - self.intercept) / self.slope)
        except OverflowError:
            return None


def fit_line(points: Sequence[Point]) -> LineFit | None:
    """The least-squares line through the points; None for fewer than two distinct times."""
    if len(points) < 2:
        return None
    origin = points[0].taken_at
    xs = [(point.taken_at - origin) / DAY for point in points]
    ys = [point.value for point in points]
    n = len(points)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    intercept = mean_y - slope * mean_x
    residual_sd = None
    if n > 2:
        squared = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
        residual_sd = math.sqrt(squared / (n - 2))
    return LineFit(origin, intercept, slope, n, mean_x, spread, residual_sd)


# The projection reads the snapshots of the last RECENT before the latest one, and at least the
# last MIN_RECENT snapshots, so a quarter's direction counts, not the first months' of a long history.
RECENT = timedelta(days=90)
MIN_RECENT = 3


def recent(points: Sequence[Point]) -> list[Point]:
    """The points a projection fits: those within RECENT of the latest, or the last MIN_RECENT."""
    if not points:
        return []
    start = points[-1].taken_at - RECENT
    within = [point for point in points if point.taken_at >= start]
    return within if len(within) >= MIN_RECENT else list(points[-MIN_RECENT:])
