"""DORA performance bands (elite / high / medium / low) for the delivery metrics, from one table per
report edition (DESIGN.md "Bands"). DORA publishes clusters, not a threshold table, so each edition
says how its rows were turned into limits:

- 2023 (default): the per-metric thresholds of the 2023 State of DevOps report exactly as Apache
  DevLake applies them in its DORA dashboard SQL (limits and whether each is `<`, `<=` or `>=`):
  https://github.com/apache/incubator-devlake/blob/main/grafana/dashboards/DORA.json and the labels in
  https://github.com/apache/incubator-devlake/blob/main/backend/plugins/dora/models/migrationscripts/20240223_add_dora_2023_benchmark.go
- 2024 (`--dora 2024`): the four cluster profiles of the 2024 Accelerate State of DevOps report
  (https://dora.dev/research/2024/dora-report/, summarised at
  https://octopus.com/blog/2024-devops-performance-clusters). A value takes the best profile whose
  range holds it. Where two profiles share a range (recovery: high and medium are both "less than one
  day") the better one is named; a value in a gap between two ranges (recovery between one day and one
  week) takes the worse neighbour, so a band never flatters. Change failure rate is a single value per
  profile (elite 5%, medium 10%, high 20%, low 40%: medium is the steadier cluster), so a rate takes
  the nearest profile value, a rate exactly half-way going to the lower-rate profile.

Deployment frequency is banded, as DevLake does, on deployment days: a median of at least 7
deployment days per week is elite ("on demand"), at least 1 is high; below that the median deployment
days per calendar month decide: at least 1 is medium, else low. Each band sits beside the figure it
was computed from: the week figure carries elite or high, and below one deployment day a week it
carries none, the month figure carries medium or low (two scopes that both show 0.0 days a week
are told apart by the month figure shown with their band, never by a hidden one). Deployments per day
has no band of its own. Lead time is banded on its median (p50; p90 has no band), recovery time on
its median. Deployment rework rate has no band: DORA has published none yet, and Charter does not
invent one."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

HOUR = 3600.0
DAY = 24 * HOUR
WEEK = 7 * DAY
MONTH = 30 * DAY  # DevLake's month: 30 * 24 * 60 minutes

ELITE, HIGH, MEDIUM, LOW = "elite", "high", "medium", "low"

DEPLOYMENT_DAYS_PER_WEEK = "delivery.deployment_days_per_week"
DEPLOYMENT_DAYS_PER_MONTH = "delivery.deployment_days_per_month"
LEAD_TIME_P50 = "delivery.lead_time_for_changes.p50"
CHANGE_FAILURE_RATE = "delivery.change_failure_rate"
RECOVERY_TIME_P50 = "delivery.failed_deployment_recovery_time.p50"


class DoraEdition(StrEnum):
    DORA_2023 = "2023"
    DORA_2024 = "2024"


@dataclass(frozen=True, slots=True)
class Limits:
    """Bands tried best first: the first whose limit the value meets (`value <op> limit`) is its band;
    a value that meets none is low."""

    meets: Callable[[float, float], bool]
    steps: tuple[tuple[str, float], ...]

    def band(self, value: float) -> str:
        for name, limit in self.steps:
            if self.meets(value, limit):
                return name
        return LOW


_BELOW, _AT_MOST, _AT_LEAST = operator.lt, operator.le, operator.ge

# Deployment days: per week decides elite and high; below one day a week, per month decides.
_DAYS_PER_WEEK = Limits(_AT_LEAST, ((ELITE, 7.0), (HIGH, 1.0)))
_DAYS_PER_MONTH = Limits(_AT_LEAST, ((MEDIUM, 1.0),))

BANDS: dict[DoraEdition, dict[str, Limits]] = {
    DoraEdition.DORA_2023: {
        LEAD_TIME_P50: Limits(_BELOW, ((ELITE, DAY), (HIGH, WEEK), (MEDIUM, MONTH))),
        CHANGE_FAILURE_RATE: Limits(_AT_MOST, ((ELITE, 0.05), (HIGH, 0.10), (MEDIUM, 0.15))),
        RECOVERY_TIME_P50: Limits(_BELOW, ((ELITE, HOUR), (HIGH, DAY), (MEDIUM, WEEK))),
    },
    DoraEdition.DORA_2024: {
        # Elite < 1 day, high 1 day - 1 week, medium 1 week - 1 month, low 1 - 6 months.
        LEAD_TIME_P50: Limits(_BELOW, ((ELITE, DAY), (HIGH, WEEK), (MEDIUM, MONTH))),
        # Profiles 5% / 10% / 20% / 40%: nearest, cut half-way between neighbours.
        CHANGE_FAILURE_RATE: Limits(_AT_MOST, ((ELITE, 0.075), (MEDIUM, 0.15), (HIGH, 0.30))),
        # Elite < 1 hour, high and medium < 1 day (high named), low 1 week - 1 month; 1 day - 1 week is
        # in no profile and takes the worse neighbour, low.
        RECOVERY_TIME_P50: Limits(_BELOW, ((ELITE, HOUR), (HIGH, DAY))),
    },
}


def deployment_frequency_band(
    days_per_week: float | None, days_per_month: float | None, edition: DoraEdition = DoraEdition.DORA_2023
) -> str | None:
    """The deployment frequency band from the median deployment days per week and per month (both
    editions read "on demand / daily-to-weekly / weekly-to-monthly / less" the same way)."""
    bands = deployment_frequency_bands(days_per_week, days_per_month)
    return bands[DEPLOYMENT_DAYS_PER_WEEK] or bands[DEPLOYMENT_DAYS_PER_MONTH]


def deployment_frequency_bands(days_per_week: float | None, days_per_month: float | None) -> dict[str, str | None]:
    """The deployment frequency band under the figure it is computed from (both editions band
    deployment days alike): the week figure's (elite, high) when it is at least one day a week, else
    the month figure's (medium, low); the other figure has none. Without a week figure, no band."""
    banded: dict[str, str | None] = {DEPLOYMENT_DAYS_PER_WEEK: None, DEPLOYMENT_DAYS_PER_MONTH: None}
    if days_per_week is None:
        return banded
    weekly = _DAYS_PER_WEEK.band(days_per_week)
    if weekly != LOW:
        banded[DEPLOYMENT_DAYS_PER_WEEK] = weekly
    elif days_per_month is not None:
        banded[DEPLOYMENT_DAYS_PER_MONTH] = _DAYS_PER_MONTH.band(days_per_month)
    return banded


def band(metric: str, value: float | None, edition: DoraEdition | str = DoraEdition.DORA_2023) -> str | None:
    """The band of one metric's value (registry name, value in the registry's unit: seconds or a
    ratio). None for a missing value and for metrics without a band (rework rate, lead time p90,
    deployments per day). `delivery.deployment_days_per_week` bands elite or high, and none below one
    day a week; `delivery.deployment_days_per_month` bands medium or low, which applies when the
    week figure is below one day a week (`deployment_frequency_bands` gives both at once)."""
    if value is None:
        return None
    chosen = DoraEdition(edition)
    if metric == DEPLOYMENT_DAYS_PER_WEEK:
        weekly = _DAYS_PER_WEEK.band(value)
        return None if weekly == LOW else weekly
    if metric == DEPLOYMENT_DAYS_PER_MONTH:
        return _DAYS_PER_MONTH.band(value)
    limits = BANDS[chosen].get(metric)
    return None if limits is None else limits.band(value)
