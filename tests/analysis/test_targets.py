"""Targets evaluated by hand: values read in their metric's unit, the least-squares line, its 95%
band and projection, the required and current rates, the projected date, each status, and the
backtest, on series whose every number is worked out in the comments."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from charter.analysis.metrics import METRICS
from charter.analysis.targets.evaluate import SnapshotValues, TargetRule, TargetState, evaluate_target
from charter.analysis.targets.projection import Point, fit_line
from charter.analysis.targets.selection import Selection
from charter.analysis.targets.values import TargetValueError, parse_target_value
from charter.model.metric_values import organization_ref

DAY = 86400.0
LEAD_TIME = METRICS["delivery.lead_time_for_changes.p50"]  # seconds, lower is better
ORG = organization_ref("acme")
JAN_1 = datetime(2027, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("metric", "written", "value"),
    [
        ("delivery.lead_time_for_changes.p50", "1d", DAY),
        ("delivery.failed_deployment_recovery_time.p50", "1h", 3600.0),
        ("delivery.lead_time_for_changes.p50", "1h30m", 5400.0),
        ("delivery.lead_time_for_changes.p50", 0, 0.0),
        ("reliability.slo_attainment", "99.9%", 0.999),
        ("delivery.change_failure_rate", 0.15, 0.15),
        ("delivery.change_failure_rate", "0.15", 0.15),
        ("reliability.incidents.count", 3, 3.0),
        ("delivery.deployment_frequency.per_day", "0.5", 0.5),
    ],
)
def test_a_value_is_read_in_its_metrics_unit(metric: str, written: str | float, value: float) -> None:
    assert parse_target_value(METRICS[metric], written) == pytest.approx(value)


@pytest.mark.parametrize(
    ("metric", "written", "code"),
    [
        ("reliability.slo_attainment", "1d", "TGT002"),  # a duration of a ratio
        ("reliability.slo_attainment", 99.9, "TGT002"),  # a ratio above 1: meant 99.9%
        ("reliability.slo_attainment", "150%", "TGT002"),
        ("reliability.incidents.count", "5%", "TGT002"),  # a percentage of a count
        ("delivery.deployment_frequency.per_day", "1d", "TGT002"),
        ("delivery.lead_time_for_changes.p50", 0.15, "TGT002"),  # a bare number of seconds
        ("delivery.lead_time_for_changes.p50", "50%", "TGT002"),
        ("delivery.lead_time_for_changes.p50", "soon", "TGT001"),
        ("reliability.incidents.count", "few", "TGT001"),
    ],
)
def test_a_value_in_a_unit_that_does_not_fit_is_refused(metric: str, written: str | float, code: str) -> None:
    with pytest.raises(TargetValueError) as raised:
        parse_target_value(METRICS[metric], written)
    assert raised.value.code == code
    assert metric in str(raised.value)


def _points(*values_in_days: float, start: datetime = JAN_1) -> list[Point]:
    return [Point(start + timedelta(days=index), value * DAY) for index, value in enumerate(values_in_days)]


def test_the_line_and_its_band_are_least_squares_by_hand() -> None:
    # Days 0..3, values 10, 8, 7, 5: mean day 1.5, mean value 7.5, Σ(x - 1.5)² = 5,
    # Σ(x - 1.5)(y - 7.5) = -8, slope -8 / 5 = -1.6 a day, intercept 7.5 + 1.6 × 1.5 = 9.9.
    # Fitted 9.9, 8.3, 6.7, 5.1; residuals 0.1, -0.3, 0.3, -0.1; SSE 0.2; s = √(0.2 / 2) = √0.1.
    line = fit_line([Point(JAN_1 + timedelta(days=day), value) for day, value in enumerate([10, 8, 7, 5])])
    assert line is not None
    assert line.slope == pytest.approx(-1.6)
    assert line.intercept == pytest.approx(9.9)
    assert line.residual_sd == pytest.approx(math.sqrt(0.1))
    # At day 7: 9.9 - 11.2 = -1.3; half-width t(0.975, 2 df) = 4.303 × √0.1 × √(1 + 1/4 + 5.5² / 5)
    # = 4.303 × √0.73 = 3.676483.
    day_7 = JAN_1 + timedelta(days=7)
    assert line.at(day_7) == pytest.approx(-1.3)
    band = line.band(day_7)
    assert band is not None
    assert band[0] == pytest.approx(-1.3 - 3.676483, abs=1e-5)
    assert band[1] == pytest.approx(-1.3 + 3.676483, abs=1e-5)
    # The line reaches 1 at (1 - 9.9) / -1.6 = 5.5625 days: Jan 6, 13:30.
    assert line.reaches(1.0) == JAN_1 + timedelta(days=5, hours=13, minutes=30)


def test_two_points_make_a_line_without_a_band_and_one_point_no_line() -> None:
    line = fit_line(_points(4, 2))
    assert line is not None and line.band(JAN_1 + timedelta(days=5)) is None
    assert fit_line(_points(4)) is None


def _snapshots(*values_in_days: float | None, start: datetime = JAN_1) -> list[SnapshotValues]:
    return [
        SnapshotValues(start + timedelta(days=index), {} if value is None else {ORG: value * DAY})
        for index, value in enumerate(values_in_days)
    ]


ORG_ONLY = Selection((ORG,), True, "org")


def _lead_time_rule(by: date | None, baseline: float | None = None) -> TargetRule:
    return TargetRule(LEAD_TIME, "<=", DAY, by, baseline)


def test_a_target_projected_to_be_met_by_its_date_is_on_track_with_its_rates_and_date() -> None:
    # 10, 8, 7, 5 days on Jan 1..4; the line is 9.9 - 1.6 d a day. Evaluated at Jan 5 00:00, due by
    # Jan 10 (the end of it, Jan 11 00:00 = day 10): projected 9.9 - 16 = -6.1 days, which meets <= 1d.
    as_of = datetime(2027, 1, 5, tzinfo=UTC)
    result = evaluate_target(_lead_time_rule(date(2027, 1, 10)), ORG_ONLY, _snapshots(10, 8, 7, 5), as_of)
    assert result.status is TargetState.ON_TRACK
    assert result.current == 5 * DAY
    assert result.baseline == 10 * DAY and result.baseline_source == "first snapshot"
    assert result.projection is not None
    assert result.projection.value == pytest.approx(-6.1 * DAY)
    assert result.projection.points == 4
    # Needed: from 5d to 1d in the 6 days left: -4/6 d a day; moving at -1.6 d a day.
    assert result.required_per_day == pytest.approx(-4 / 6 * DAY)
    assert result.current_per_day == pytest.approx(-1.6 * DAY)
    assert result.trend_per_day == pytest.approx(-1.6 * DAY)
    assert result.projected_date == date(2027, 1, 6)


def test_a_target_only_the_band_reaches_is_at_risk() -> None:
    # Due by Jan 5 (day 5): projected 9.9 - 8 = 1.9 d > 1 d; the band's half-width there is
    # 4.303 × √0.1 × √(1 + 1/4 + 3.5² / 5) = 4.303 × √0.37 = 2.617413 d, so its low edge (-0.72 d) meets it.
    as_of = datetime(2027, 1, 5, tzinfo=UTC)
    result = evaluate_target(_lead_time_rule(date(2027, 1, 5)), ORG_ONLY, _snapshots(10, 8, 7, 5), as_of)
    assert result.status is TargetState.AT_RISK
    assert result.projection is not None
    assert result.projection.value == pytest.approx(1.9 * DAY)
    assert result.projection.low == pytest.approx((1.9 - 2.617413) * DAY, abs=1)
    assert result.projection.high == pytest.approx((1.9 + 2.617413) * DAY, abs=1)


def test_a_target_whose_whole_band_misses_is_off_track() -> None:
    # 10, 9, 8, 7: an exact line (-1 d a day, no residual, a band of no width); by Jan 6 (day 6) it is
    # at 4 d, above 1 d.
    as_of = datetime(2027, 1, 5, tzinfo=UTC)
    result = evaluate_target(_lead_time_rule(date(2027, 1, 6)), ORG_ONLY, _snapshots(10, 9, 8, 7), as_of)
    assert result.status is TargetState.OFF_TRACK
    assert result.projection is not None and result.projection.value == pytest.approx(4 * DAY)
    assert result.projected_date == date(2027, 1, 10)  # 10 - x = 1 at day 9: Jan 10


def test_a_target_past_its_date_and_unmet_is_off_track() -> None:
    as_of = datetime(2027, 1, 5, tzinfo=UTC)
    result = evaluate_target(_lead_time_rule(date(2027, 1, 4)), ORG_ONLY, _snapshots(10, 8, 7, 5), as_of)
    assert result.status is TargetState.OFF_TRACK
    assert "has passed" in result.reason
    assert result.required_per_day is None


def test_a_met_target_is_met_and_has_no_projected_date() -> None:
    as_of = datetime(2027, 1, 5, tzinfo=UTC)
    result = evaluate_target(_lead_time_rule(date(2027, 6, 30)), ORG_ONLY, _snapshots(3, 2, 0.5), as_of)
    assert result.status is TargetState.MET
    assert result.projected_date is None and result.required_per_day is None


def test_missing_data_is_never_off_track() -> None:
    as_of = datetime(2027, 1, 5, tzinfo=UTC)
    # Past its date, with history, but the latest snapshot has no value for the scope.
    result = evaluate_target(_lead_time_rule(date(2027, 1, 2)), ORG_ONLY, _snapshots(10, 9, None), as_of)
    assert result.status is TargetState.NO_DATA
    assert result.current is None
    assert len(result.trend) == 2
    assert evaluate_target(_lead_time_rule(None), ORG_ONLY, [], as_of).status is TargetState.NO_DATA


def test_one_snapshot_or_a_line_of_two_that_misses_is_at_risk_not_off_track() -> None:
    as_of = datetime(2027, 1, 5, tzinfo=UTC)
    one = evaluate_target(_lead_time_rule(date(2027, 6, 30)), ORG_ONLY, _snapshots(5), as_of)
    assert one.status is TargetState.AT_RISK and one.projection is None
    # 5, 4.9: 1 d is reached after 40 days, past a Jan 10 date; two points give no band.
    two = evaluate_target(_lead_time_rule(date(2027, 1, 10)), ORG_ONLY, _snapshots(5, 4.9), as_of)
    assert two.status is TargetState.AT_RISK
    assert two.projection is not None and two.projection.low is None
    assert two.projected_date == date(2027, 2, 10)  # 5 - 0.1 x = 1 at day 40: Jan 1 + 40 days


def test_without_a_date_the_direction_decides() -> None:
    as_of = datetime(2027, 1, 5, tzinfo=UTC)
    toward = evaluate_target(_lead_time_rule(None), ORG_ONLY, _snapshots(5, 4, 3), as_of)
    away = evaluate_target(_lead_time_rule(None), ORG_ONLY, _snapshots(3, 4, 5), as_of)
    assert toward.status is TargetState.ON_TRACK and toward.projection is None
    assert away.status is TargetState.AT_RISK and away.projected_date is None


def test_a_written_baseline_wins_over_the_first_snapshot() -> None:
    as_of = datetime(2027, 1, 5, tzinfo=UTC)
    result = evaluate_target(_lead_time_rule(None, baseline=12 * DAY), ORG_ONLY, _snapshots(5, 4), as_of)
    assert result.baseline == 12 * DAY and result.baseline_source == "written"


def test_the_backtest_counts_the_snapshots_that_met_it_and_the_values_met_at_a_share() -> None:
    # 10, 8, 7, 5, 0.5 days against <= 1 d: met once in five. Sorted 0.5, 5, 7, 8, 10: the value met at
    # half of them is the 3rd (⌈2.5⌉), at 80% the 4th, at 90% the 5th (⌈4.5⌉).
    as_of = datetime(2027, 1, 6, tzinfo=UTC)
    result = evaluate_target(_lead_time_rule(None), ORG_ONLY, _snapshots(10, 8, 7, 5, 0.5), as_of).backtest
    assert (result.snapshots, result.met, result.share) == (5, 1, 0.2)
    assert result.first_met == JAN_1 + timedelta(days=4)
    assert result.last_unmet == JAN_1 + timedelta(days=3)
    assert result.value_met_at == ((0.5, 7 * DAY), (0.8, 8 * DAY), (0.9, 10 * DAY))


def test_a_higher_is_better_target_backtests_from_the_top() -> None:
    metric = METRICS["reliability.slo_attainment"]
    rule = TargetRule(metric, ">=", 0.999)
    snapshots = [
        SnapshotValues(JAN_1 + timedelta(days=index), {ORG: value})
        for index, value in enumerate([0.995, 0.9995, 0.998, 0.999])
    ]
    result = evaluate_target(rule, ORG_ONLY, snapshots, datetime(2027, 1, 5, tzinfo=UTC))
    assert result.status is TargetState.MET
    # Sorted from the top 0.9995, 0.999, 0.998, 0.995: half (2nd), 80% (⌈3.2⌉ = 4th), 90% (4th).
    assert result.backtest.value_met_at == ((0.5, 0.999), (0.8, 0.995), (0.9, 0.995))
    assert (result.backtest.met, result.backtest.snapshots) == (2, 4)
