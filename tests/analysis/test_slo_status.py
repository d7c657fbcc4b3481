"""Error budgets from SLI counts, every number computed by hand: attainment, budget left in share and
minutes, burn rates, time to exhaustion, time slices, no-traffic minutes, gaps, calendar windows,
incident shares and the policy's verdicts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from charter.analysis.reliability.metric_values import slo_metric_values
from charter.analysis.reliability.slo_calendar import calendar_period, slo_window
from charter.analysis.reliability.slo_status import (
    SloStatus,
    StatusContext,
    incident_budget_share,
    minute_days_needed,
    slo_status,
)
from charter.model.incident import Incident
from charter.model.organization import ErrorBudgetPolicy, Policies
from charter.model.sli_counts import MINUTES_PER_DAY, SliCounts, epoch_minute
from charter.model.slo import CalendarWindow, Slo

DAY_START = datetime(2026, 10, 1, tzinfo=UTC)
AS_OF = DAY_START + timedelta(days=1)
POLICIES = Policies()


def one_day(good: np.ndarray, total: np.ndarray, start: datetime = DAY_START) -> SliCounts:
    return SliCounts.from_minutes(epoch_minute(start), good.astype(float), total.astype(float))


def slo(**changes: object) -> Slo:
    fields: dict[str, object] = {"name": "checkout-availability", "source_format": "sloth", "objective": 0.99,
                                 "service": "checkout", "period": timedelta(days=1)}  # fmt: skip
    fields.update(changes)
    return Slo(**fields)  # type: ignore[arg-type]


def last_hour_bad() -> SliCounts:
    """A day of 100 events a minute, the last hour with 10 bad events a minute."""
    total = np.full(MINUTES_PER_DAY, 100.0)
    good = total.copy()
    good[-60:] = 90
    return one_day(good, total)


def status_of(counts: SliCounts, objective: Slo | None = None, **context: object) -> SloStatus:
    return slo_status(objective or slo(), counts, StatusContext(AS_OF, POLICIES, "checkout", **context))  # type: ignore[arg-type]


def test_occurrences_attainment_budget_burn_and_exhaustion() -> None:
    status = status_of(last_hour_bad())

    # 144,000 events, 600 bad.
    assert status.counts.total == 144_000 and status.counts.bad == 600
    assert status.attainment == pytest.approx(1 - 600 / 144_000)
    # The bad share 1/240 is 41.67% of the 1% budget.
    assert status.budget_remaining == pytest.approx(1 - (600 / 144_000) / 0.01)
    assert status.budget_minutes == pytest.approx(14.4)  # 1% of 1,440 minutes
    assert status.budget_remaining_minutes == pytest.approx(14.4 * (1 - 5 / 12))
    # The last hour: 600 bad of 6,000 = 10%, ten times the budget.
    assert status.current_burn_rate == pytest.approx(10.0)
    # 7/12 of a day's budget left at 10x: 7/120 of a day = 84 minutes.
    assert status.exhausted_in == timedelta(minutes=84)


def test_burn_rates_scale_with_the_period_and_say_which_alert_fires() -> None:
    status = status_of(last_hour_bad())
    by_long = {burn.window.long: burn for burn in status.burn_rates}

    page_1h = by_long[timedelta(hours=1)]
    assert page_1h.window.factor == pytest.approx(0.02 * 24)  # 2% of a 1-day budget in 1h
    assert page_1h.long_rate == pytest.approx(10.0) and page_1h.short_rate == pytest.approx(10.0)
    assert page_1h.firing
    page_6h = by_long[timedelta(hours=6)]
    assert page_6h.long_rate == pytest.approx((600 / 36_000) / 0.01)
    assert page_6h.short_rate == pytest.approx(10.0)  # the last 30 minutes are all in the bad hour
    ticket_3d = by_long[timedelta(days=3)]
    # Three days back reach before the data: only the day with data counts.
    assert ticket_3d.long_rate == pytest.approx((600 / 144_000) / 0.01)
    assert [verdict.code for verdict in status.verdicts] == ["REL024"]


def test_a_window_without_traffic_has_no_attainment_and_keeps_its_budget() -> None:
    status = status_of(one_day(np.zeros(MINUTES_PER_DAY), np.zeros(MINUTES_PER_DAY)))

    assert status.attainment is None
    assert status.budget_remaining == 1.0
    assert status.current_burn_rate is None
    assert status.exhausted_in is None
    assert status.counts.idle == MINUTES_PER_DAY
    assert all(burn.long_rate is None and not burn.firing for burn in status.burn_rates)


def test_no_traffic_minutes_count_neither_good_nor_bad() -> None:
    total = np.full(MINUTES_PER_DAY, 10.0)
    good = np.full(MINUTES_PER_DAY, 10.0)
    total[:720] = 0  # a quiet night
    good[:720] = 0
    good[-1] = 0  # one minute of 10 bad events
    status = status_of(one_day(good, total))

    assert status.counts.idle == 720
    assert status.attainment == pytest.approx(1 - 10 / 7_200)
    assert status.budget_remaining == pytest.approx(1 - (10 / 7_200) / 0.01)


def test_gaps_are_reported_and_count_as_no_data() -> None:
    total = np.full(MINUTES_PER_DAY, 100.0)
    good = total.copy()
    total[120:240] = np.nan  # 02:00 to 04:00 without samples
    good[120:240] = np.nan
    total[600:630] = np.nan  # half an hour: counted, not listed as a whole-hour gap
    good[600:630] = np.nan
    status = status_of(one_day(good, total))

    assert status.counts.missing == 150
    assert status.counts.total == 100 * (MINUTES_PER_DAY - 150)
    assert status.gaps == ((DAY_START + timedelta(hours=2), DAY_START + timedelta(hours=4)),)
    assert status.attainment == 1.0
    assert [verdict.code for verdict in status.verdicts] == ["REL022"]
    assert "150 minutes" in status.verdicts[0].message


def test_no_data_at_all_is_a_verdict_not_a_number() -> None:
    status = status_of(SliCounts())

    assert not status.has_data
    assert status.budget_remaining is None and status.attainment is None
    assert [verdict.code for verdict in status.verdicts] == ["REL023"]


def test_window_sums_from_rollups_and_minutes_equal_the_minutes_summed() -> None:
    rng = np.random.default_rng(7)
    days = 3
    total = rng.integers(0, 50, days * MINUTES_PER_DAY).astype(float)
    good = np.minimum(total, rng.integers(0, 50, days * MINUTES_PER_DAY)).astype(float)
    total[1000:1100] = np.nan
    counts = one_day(good, total)
    origin = epoch_minute(DAY_START)
    for start, end in [(7, 4000), (61, 119), (1439, 1441), (0, days * MINUTES_PER_DAY), (1130, 1500), (5, 6)]:
        window = counts.window(origin + start, origin + end)
        present = ~np.isnan(total[start:end])
        assert window.total == total[start:end][present].sum()
        assert window.good == good[start:end][present].sum()
        assert window.present == present.sum()


def test_timeslices_count_slices_whose_good_share_reaches_the_target() -> None:
    total = np.full(MINUTES_PER_DAY, 100.0)
    good = total.copy()
    good[:150] = 90  # the first 30 five-minute slices are at 90% < 95%
    objective = slo(budgeting="timeslices", objective=0.9, timeslice_target=0.95,
                    timeslice_window=timedelta(minutes=5))  # fmt: skip
    status = status_of(one_day(good, total), objective)

    assert status.attained.valid == 288 and status.attained.good == 258
    assert status.attainment == pytest.approx(258 / 288)
    # 30 bad slices against 10% of 288: the budget is overspent by 1/24.
    assert status.budget_remaining == pytest.approx(1 - (30 / 288) / 0.1)
    assert status.exhausted and status.exhausted_in == timedelta(0)
    assert status.current_burn_rate == 0.0
    assert status.verdicts[0].code == "REL020"
    assert status.verdicts[0].message == "error budget exhausted: change freeze recommended for checkout"


def test_ratio_timeslices_average_the_slices_good_share() -> None:
    total = np.full(MINUTES_PER_DAY, 100.0)
    good = total.copy()
    good[:60] = 40  # the first hour: 60 one-minute slices at 40%
    total[60:120] = 0  # then an hour without traffic: no slices
    good[60:120] = 0
    objective = slo(budgeting="ratio_timeslices", timeslice_window=timedelta(minutes=1))
    status = status_of(one_day(good, total), objective)

    assert status.attained.valid == MINUTES_PER_DAY - 60
    assert status.attainment == pytest.approx((60 * 0.4 + (MINUTES_PER_DAY - 120)) / (MINUTES_PER_DAY - 60))


def test_an_incident_that_used_more_than_the_policy_share_needs_a_postmortem() -> None:
    incident = Incident("INC-7", "checkout errors", "SEV2", ("checkout",), started=AS_OF - timedelta(minutes=30),
                        resolved=AS_OF)  # fmt: skip
    small = Incident("INC-8", "blip", "SEV3", ("checkout",), started=DAY_START, resolved=DAY_START + timedelta(hours=1))
    other = Incident("INC-9", "elsewhere", "SEV1", ("search",), started=AS_OF - timedelta(hours=1), resolved=AS_OF)
    counts = last_hour_bad()

    # 300 bad events against a budget of 1% of 144,000 = 1,440 events.
    assert incident_budget_share(counts, slo(), incident) == pytest.approx(300 / 1440)
    assert incident_budget_share(counts, slo(), small) == 0.0
    assert incident_budget_share(counts, slo(), Incident("INC-0", "no start", "SEV3")) is None
    status = status_of(counts, incidents=(incident, small, other))
    assert [(verdict.code, verdict.incident) for verdict in status.verdicts if verdict.code == "REL021"] == [
        ("REL021", "INC-7")
    ]
    assert "used 21% of the error budget: postmortem with a P0 action item required" in status.verdicts[1].message
    strict = Policies(error_budget=ErrorBudgetPolicy(exhausted="none", incident_share=0.25))
    lenient = slo_status(slo(), counts, StatusContext(AS_OF, strict, "checkout", (incident,)))
    assert "REL021" not in [verdict.code for verdict in lenient.verdicts]


def test_calendar_windows_start_at_the_period_in_their_zone() -> None:
    monthly = slo(rolling=False, period=timedelta(days=30), calendar=CalendarWindow("1M", datetime(2026, 1, 1), "UTC"))
    window = slo_window(monthly, datetime(2026, 10, 15, tzinfo=UTC), timedelta(days=30))
    assert (window.start, window.length) == (datetime(2026, 10, 1, tzinfo=UTC), timedelta(days=31))

    berlin = CalendarWindow("1M", datetime(2026, 1, 1), "Europe/Berlin")
    start, end = calendar_period(berlin, datetime(2026, 10, 15, tzinfo=UTC)) or (None, None)
    assert start == datetime(2026, 9, 30, 22, tzinfo=UTC)  # midnight in Berlin, summer time
    assert end == datetime(2026, 10, 31, 23, tzinfo=UTC)  # winter time from 25 October
    quarterly = CalendarWindow("1Q", datetime(2026, 1, 1), "UTC")
    assert calendar_period(quarterly, datetime(2026, 11, 2, tzinfo=UTC)) == (
        datetime(2026, 10, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    weekly = CalendarWindow("1w", None, None)  # weeks from a Monday
    assert calendar_period(weekly, datetime(2026, 11, 25, 12, tzinfo=UTC)) == (
        datetime(2026, 11, 23, tzinfo=UTC),
        datetime(2026, 11, 30, tzinfo=UTC),
    )
    assert calendar_period(CalendarWindow("month", None, None), datetime(2026, 1, 1, tzinfo=UTC)) is None


def test_a_calendar_budget_is_sized_for_the_whole_period() -> None:
    monthly = slo(rolling=False, objective=0.999, calendar=CalendarWindow("1M", datetime(2026, 1, 1), "UTC"))
    counts = one_day(np.full(MINUTES_PER_DAY, 100.0), np.full(MINUTES_PER_DAY, 100.0))
    status = status_of(counts, monthly)

    assert status.window.start == DAY_START and status.window.length == timedelta(days=31)
    assert status.budget_minutes == pytest.approx(0.001 * 31 * MINUTES_PER_DAY)
    assert status.budget_remaining == 1.0


def test_snapshot_metrics_take_the_worst_slo_of_each_scope() -> None:
    fine = status_of(one_day(np.full(MINUTES_PER_DAY, 100.0), np.full(MINUTES_PER_DAY, 100.0)))
    burning = status_of(last_hour_bad())
    values = {(v.metric, v.scope_kind, v.scope_ref): v.value for v in slo_metric_values([fine, burning],
              {"checkout": "group:payments"}, "acme")}  # fmt: skip

    budget = 1 - (600 / 144_000) / 0.01
    assert values[("reliability.error_budget_remaining", "component", "component:checkout")] == pytest.approx(budget)
    assert values[("reliability.error_budget_remaining", "team", "group:payments")] == pytest.approx(budget)
    assert values[("reliability.slo_attainment", "org", "acme")] == pytest.approx(1 - 600 / 144_000)
    assert len(values) == 6
    assert {item.unit for item in slo_metric_values([fine], {}, "acme")} == {"ratio"}


def test_minute_days_needed_are_the_days_of_window_edges() -> None:
    window = slo_window(slo(), AS_OF + timedelta(minutes=30), timedelta(days=30))
    day = epoch_minute(AS_OF) // MINUTES_PER_DAY
    assert minute_days_needed([window], [timedelta(hours=1)], []) == {day - 1, day}
