"""The windows and burn-rate factors of multi-window multi-burn-rate SLO alerts, computed exactly
as Sloth and Pyrra compute them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Literal

from charter.model.prometheus_rules import duration_nanoseconds

Tier = Literal["page", "ticket"]
WindowSetName = Literal["sloth", "pyrra"]
WINDOW_SET_NAMES: tuple[WindowSetName, ...] = ("sloth", "pyrra")

_HOUR = timedelta(hours=1)
_MINUTE_NS = 60 * 10**9


@dataclass(frozen=True, slots=True)
class AlertWindow:
    """One burn-rate condition: the error ratio over both the short and the long window is above
    `factor` times the error budget, for `hold` (Prometheus `for`)."""

    tier: Tier
    short: timedelta
    long: timedelta
    factor: float
    hold: timedelta = timedelta(0)


@dataclass(frozen=True, slots=True)
class WindowSet:
    """The alert windows for one SLO period, most urgent first. Sloth writes one alert per tier,
    its two conditions joined by `or`; Pyrra one alert per condition, each with its own `for`."""

    name: WindowSetName
    period: timedelta
    windows: tuple[AlertWindow, ...]

    @property
    def one_alert_per_tier(self) -> bool:
        return self.name == "sloth"

    @property
    def sli_windows(self) -> tuple[timedelta, ...]:
        """Every window an SLI error ratio is recorded for, shortest first."""
        return tuple(sorted({w.short for w in self.windows} | {w.long for w in self.windows}))

    def tier(self, tier: Tier) -> tuple[AlertWindow, ...]:
        return tuple(window for window in self.windows if window.tier == tier)


# Sloth's default catalogue (internal/alert/windows/google-28d.yaml and google-30d.yaml, from the
# SRE workbook): tier, share of the error budget in percent, short window, long window.
_SLOTH_WINDOWS: tuple[tuple[Tier, float, timedelta, timedelta], ...] = (
    ("page", 2, timedelta(minutes=5), timedelta(hours=1)),
    ("page", 5, timedelta(minutes=30), timedelta(hours=6)),
    ("ticket", 10, timedelta(hours=2), timedelta(days=1)),
    ("ticket", 10, timedelta(hours=6), timedelta(days=3)),
)


def burn_rate_factor(budget_percent: float, period: timedelta, long_window: timedelta) -> float:
    """How many times faster than sustainable the budget burns when `budget_percent` of it goes in
    `long_window`: Sloth's `getBurnRateFactor`, in the same order of float operations so the
    thresholds are bit-for-bit Sloth's (5.6000000000000005 for 5% over 6h of 28 days)."""
    hours_required = budget_percent * (period / _HOUR) / 100
    return hours_required / (long_window / _HOUR)


def sloth_windows(period: timedelta) -> WindowSet:
    """Sloth's windows: fixed short and long windows and budget shares; the factor scales with the
    period (30d: 14.4, 6, 3, 1; 28d: 13.44, 5.6, 2.8, 0.93). Sloth itself ships only 28d and 30d;
    Charter applies the same shares to any period."""
    windows = tuple(
        AlertWindow(tier, short, long, burn_rate_factor(percent, period, long))
        for tier, percent, short, long in _SLOTH_WINDOWS
    )
    return WindowSet("sloth", period, windows)


# Pyrra's `Windows` (slo/rules.go): each window is the SLO period divided by a whole number (the
# 28-day values in the comments), rounded to the minute; the factors are fixed.
_PYRRA_WINDOWS: tuple[tuple[Tier, int, int, int, float], ...] = (
    # tier, divisor of short (5m), of long (1h), of for (2m), factor
    ("page", 28 * 24 * (60 // 5), 28 * 24, 28 * 24 * (60 // 2), 14),
    ("page", 28 * 24 * (60 // 30), 28 * (24 // 6), 28 * 24 * (60 // 15), 7),
    ("ticket", 28 * (24 // 2), 28, 28 * 24, 2),
    ("ticket", 28 * (24 // 6), 7, 28 * (24 // 3), 1),
)


def _divide_and_round_to_minute(period: timedelta, divisor: int) -> timedelta:
    """Go's `(period / divisor).Round(time.Minute)`: integer nanoseconds, halves away from zero."""
    quotient = duration_nanoseconds(period) // divisor
    minutes, rest = divmod(quotient, _MINUTE_NS)
    if 2 * rest >= _MINUTE_NS:
        minutes += 1
    return timedelta(minutes=minutes)


def pyrra_windows(period: timedelta) -> WindowSet:
    """Pyrra's windows: they scale with the period (28d: 5m/1h, 30m/6h, 2h/1d, 6h/4d) and the
    factors stay 14, 7, 2 and 1."""
    windows = tuple(
        AlertWindow(
            tier,
            _divide_and_round_to_minute(period, short),
            _divide_and_round_to_minute(period, long),
            factor,
            _divide_and_round_to_minute(period, hold),
        )
        for tier, short, long, hold, factor in _PYRRA_WINDOWS
    )
    return WindowSet("pyrra", period, windows)


@lru_cache(maxsize=256)
def window_set(name: WindowSetName, period: timedelta) -> WindowSet:
    """The named window set for `period`; made once per name and period (thousands of SLOs share a
    few periods, and the set is frozen)."""
    return sloth_windows(period) if name == "sloth" else pyrra_windows(period)
