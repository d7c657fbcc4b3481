"""`charter slo status`'s view: per SLO at a moment, its window, events, attainment, error budget
(share, minutes, what is left, when it runs out), burn rates per alert window, data coverage and
the error budget policy's verdicts."""

from __future__ import annotations

from typing import ClassVar

from charter.outputs.views.base import IsoDateTime, ReportView, View


class SloWindow(View):
    """The window the budget is counted over: [start, end), sized for `length_seconds`."""

    start: IsoDateTime
    end: IsoDateTime
    length_seconds: float
    calendar: str | None  # the calendar duration as written (`1M`); None: a rolling window


class Events(View):
    good: float
    total: float
    bad: float


class Attained(View):
    """What counts toward the budget: events, or time slices (`good` may be a sum of slice shares)."""

    good: float
    valid: float


class ErrorBudget(View):
    share: float  # of events (or slices) that may be bad
    minutes: float
    remaining: float | None  # share left: 1 untouched, below 0 overspent; None without data
    remaining_minutes: float | None
    exhausted: bool
    exhausted_in_seconds: float | None  # at the last hour's burn rate; None when not burning


class BurnRate(View):
    tier: str  # page | ticket
    long_window_seconds: float
    short_window_seconds: float
    factor: int | float  # Pyrra's factors are whole numbers, and written as such
    long_burn_rate: float | None  # None: no traffic in the window
    short_burn_rate: float | None
    firing: bool


class Gap(View):
    """Whole hours without any sample."""

    start: IsoDateTime
    end: IsoDateTime


class DataCoverage(View):
    minutes: int
    present: int
    missing: int
    no_traffic: int
    gaps: list[Gap]


class Verdict(View):
    code: str
    message: str
    incident: str | None


class SloStatus(View):
    slo: str
    component: str | None
    objective: float
    budgeting: str
    window: SloWindow
    events: Events
    attained: Attained
    attainment: float | None  # None: no traffic in the window
    error_budget: ErrorBudget
    current_burn_rate: float | None  # over the last hour
    burn_rates: list[BurnRate]
    data: DataCoverage
    verdicts: list[Verdict]


class SloStatusReport(ReportView):
    report: ClassVar[str] = "slo-status"

    as_of: IsoDateTime
    slos: list[SloStatus]
    unknown: list[str]  # names asked for that no SLO has
