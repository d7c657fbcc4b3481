"""DORA bands: the 2023 thresholds as DevLake applies them and the 2024 cluster profiles, at their
exact boundaries."""

from __future__ import annotations

import pytest

from charter.analysis.delivery.bands import DoraEdition, band, deployment_frequency_band

HOUR, DAY, WEEK, MONTH = 3600.0, 86400.0, 604800.0, 2592000.0
LEAD = "delivery.lead_time_for_changes.p50"
CFR = "delivery.change_failure_rate"
RECOVERY = "delivery.failed_deployment_recovery_time.p50"
DAYS_PER_WEEK = "delivery.deployment_days_per_week"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.0, "elite"),
        (DAY - 1, "elite"),
        (DAY, "high"),  # DevLake: < 24 * 60 minutes is elite
        (WEEK - 1, "high"),
        (WEEK, "medium"),
        (MONTH - 1, "medium"),
        (MONTH, "low"),  # >= 30 days
        (10 * MONTH, "low"),
    ],
)
def test_lead_time_2023_boundaries(seconds: float, expected: str) -> None:
    assert band(LEAD, seconds, "2023") == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (0.0, "elite"),
        (0.05, "elite"),
        (0.0501, "high"),
        (0.10, "high"),
        (0.1001, "medium"),
        (0.15, "medium"),
        (0.1501, "low"),
        (1.0, "low"),
    ],
)
def test_change_failure_rate_2023_boundaries_are_inclusive(rate: float, expected: str) -> None:
    assert band(CFR, rate, DoraEdition.DORA_2023) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(HOUR - 1, "elite"), (HOUR, "high"), (DAY - 1, "high"), (DAY, "medium"), (WEEK - 1, "medium"), (WEEK, "low")],
)
def test_recovery_time_2023_boundaries(seconds: float, expected: str) -> None:
    assert band(RECOVERY, seconds) == expected


@pytest.mark.parametrize(
    ("per_week", "per_month", "expected"),
    [
        (7.0, None, "elite"),
        (6.5, 20.0, "high"),
        (1.0, None, "high"),
        (0.5, 3.0, "medium"),
        (0.0, 1.0, "medium"),
        (0.0, 0.5, "low"),
        (0.0, 0.0, "low"),
        (0.0, None, None),  # below a day a week the month median decides; without it, no band
        (None, 4.0, None),
    ],
)
def test_deployment_frequency_bands_on_deployment_days(
    per_week: float | None, per_month: float | None, expected: str | None
) -> None:
    assert deployment_frequency_band(per_week, per_month) == expected
    assert deployment_frequency_band(per_week, per_month, DoraEdition.DORA_2024) == expected
    assert band(DAYS_PER_WEEK, per_week) == (expected if expected in ("elite", "high") else None)


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (0.0, "elite"),
        (0.075, "elite"),  # half-way between elite's 5% and medium's 10%: the lower-rate profile
        (0.0751, "medium"),
        (0.15, "medium"),  # half-way between 10% and high's 20%
        (0.1501, "high"),
        (0.30, "high"),  # half-way between 20% and low's 40%
        (0.3001, "low"),
    ],
)
def test_change_failure_rate_2024_takes_the_nearest_profile(rate: float, expected: str) -> None:
    assert band(CFR, rate, "2024") == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (HOUR - 1, "elite"),
        (HOUR, "high"),  # high and medium are both "less than one day": the better is named
        (DAY - 1, "high"),
        (DAY, "low"),  # one day to one week is in no profile: the worse neighbour
        (WEEK, "low"),
    ],
)
def test_recovery_time_2024_profiles(seconds: float, expected: str) -> None:
    assert band(RECOVERY, seconds, "2024") == expected


@pytest.mark.parametrize(("seconds", "expected"), [(DAY - 1, "elite"), (DAY, "high"), (WEEK, "medium"), (MONTH, "low")])
def test_lead_time_2024_profiles(seconds: float, expected: str) -> None:
    assert band(LEAD, seconds, "2024") == expected


@pytest.mark.parametrize(
    "metric",
    [
        "delivery.deployment_rework_rate",
        "delivery.lead_time_for_changes.p90",
        "delivery.deployment_frequency.per_day",
        "not.a.metric",
    ],
)
def test_metrics_without_a_band(metric: str) -> None:
    assert band(metric, 0.01) is None
    assert band(metric, 0.01, "2024") is None


def test_a_missing_value_has_no_band() -> None:
    assert band(LEAD, None) is None
    assert band(CFR, None, "2024") is None


def test_an_unknown_edition_is_refused() -> None:
    with pytest.raises(ValueError, match="2022"):
        band(LEAD, 1.0, "2022")
