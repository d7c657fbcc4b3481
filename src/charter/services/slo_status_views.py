"""SLO statuses (`analysis.reliability.slo_status`) as `charter slo status`'s view model."""

from __future__ import annotations

from datetime import timedelta

from charter.analysis.reliability.slo_status import BurnRate, SloStatus, SloStatusReport
from charter.outputs.views import slo_status as view

SECOND = timedelta(seconds=1)


def _seconds(duration: timedelta | None) -> float | None:
    return None if duration is None else duration / SECOND


def _burn_rate(burn: BurnRate) -> view.BurnRate:
    return view.BurnRate(
        tier=burn.window.tier,
        long_window_seconds=burn.window.long / SECOND,
        short_window_seconds=burn.window.short / SECOND,
        factor=burn.window.factor,
        long_burn_rate=burn.long_rate,
        short_burn_rate=burn.short_rate,
        firing=burn.firing,
    )


def _status(status: SloStatus) -> view.SloStatus:
    counts = status.counts
    window = status.window
    return view.SloStatus(
        slo=status.slo,
        component=status.component,
        objective=status.objective,
        budgeting=status.budgeting,
        window=view.SloWindow(
            start=window.start, end=window.end, length_seconds=window.length / SECOND, calendar=window.calendar
        ),
        events=view.Events(good=counts.good, total=counts.total, bad=counts.bad),
        attained=view.Attained(good=status.attained.good, valid=status.attained.valid),
        attainment=status.attainment,
        error_budget=view.ErrorBudget(
            share=status.budget,
            minutes=status.budget_minutes,
            remaining=status.budget_remaining,
            remaining_minutes=status.budget_remaining_minutes,
            exhausted=status.exhausted,
            exhausted_in_seconds=_seconds(status.exhausted_in),
        ),
        current_burn_rate=status.current_burn_rate,
        burn_rates=[_burn_rate(burn) for burn in status.burn_rates],
        data=view.DataCoverage(
            minutes=counts.minutes,
            present=counts.present,
            missing=counts.missing,
            no_traffic=counts.idle,
            gaps=[view.Gap(start=start, end=end) for start, end in status.gaps],
        ),
        verdicts=[
            view.Verdict(code=verdict.code, message=verdict.message, incident=verdict.incident)
            for verdict in status.verdicts
        ],
    )


def slo_status_view(report: SloStatusReport) -> view.SloStatusReport:
    return view.SloStatusReport(
        as_of=report.as_of, slos=[_status(status) for status in report.statuses], unknown=list(report.unknown)
    )
