"""Error budgets from SLI counts: per SLO over its window at a moment, the attainment, the error
budget left (as a share and in minutes), the burn rate over each alert window, the time until the
budget is gone at the last hour's rate, gaps in the data, and the error budget policy's verdicts.

Budgeting (OpenSLO): `occurrences` counts events; `timeslices` counts slices of `timeslice_window`
(aligned to the UTC clock) whose good share reaches `timeslice_target`; `ratio_timeslices` averages
the slices' good shares. A minute without a sample (a gap) or without traffic is neither good nor
bad, and a window without traffic has no attainment (None, never NaN) and has used no budget.

The budget in minutes is (1 - objective) x the window's length, for every method; what remains of it
is that times the share left. The share left is 1 - (bad share / (1 - objective)): negative once the
budget is overspent. A burn rate is the bad share over a window divided by (1 - objective)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

from charter.analysis.reliability.slo_calendar import SloWindow, slo_window
from charter.analysis.reliability.slo_rules import WINDOWS_KEY
from charter.analysis.reliability.slo_windows import AlertWindow, WindowSet, window_set
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Severity
from charter.model.incident import Incident
from charter.model.organization import Policies
from charter.model.sli_counts import (
    MINUTES_PER_DAY,
    SliCounts,
    WindowCounts,
    epoch_minute,
    epoch_minute_ceiling,
    minute_time,
)
from charter.model.slo import Slo

# The codes of the verdicts below (`Verdict.code`).
CODES = Codes(
    Rule(
        "REL020",
        "Error budget exhausted",
        Severity.WARNING,
        rationale=(
            "An SLO past its error budget means users get less than was promised; the error budget policy says what "
            "happens next."
        ),
        fix="Follow `policies.errorBudget.exhausted`: freeze risky changes to the component until the budget recovers.",
        example="""\
$ charter slo status
payments-availability: REL020 error budget exhausted: change freeze recommended for payments
""",
    ),
    Rule(
        "REL021",
        "Incident used more than the policy's share of the error budget",
        Severity.WARNING,
        rationale="One incident that takes a large share of the budget needs its lessons written down and acted on.",
        fix="Write the postmortem and give it a P0 action item (`policies.errorBudget.incidentShare`).",
        example="""\
$ charter slo status      # policies.errorBudget.incidentShare: 0.2
payments-availability: REL021 INC-0042 used 35% of the error budget
""",
    ),
    Rule(
        "REL022",
        "Gap in SLI data",
        Severity.INFO,
        rationale=(
            "Minutes without samples count neither as good nor as bad: the attainment covers less than the window."
        ),
        fix="Import the missing minutes (`charter import sli`) or check the metrics pipeline.",
        example="""\
# facts/sli.csv: nothing between 10:00 and 12:00 on 2026-10-02
slo,timestamp,good,total
payments-availability,2026-10-02T09:59:00Z,998,1000
payments-availability,2026-10-02T12:00:00Z,1000,1000
""",
    ),
    Rule(
        "REL023",
        "SLO without SLI data",
        Severity.WARNING,
        rationale="Without data in its window, an SLO's error budget is unknown.",
        fix="Import SLI counts with `charter import sli`, or configure `spec.sources.prometheus`.",
        example="""\
# facts/sli.csv imported, with no row for payments-availability in its window
slo,timestamp,good,total
search-availability,2026-10-02T09:59:00Z,998,1000
""",
    ),
    Rule(
        "REL024",
        "Error budget burning at alert rate",
        Severity.WARNING,
        rationale="Both windows of a burn-rate alert are above its factor: at this rate the budget runs out early.",
        fix="Look at the SLO's recent errors; the page tier means act now, the ticket tier within days.",
        example="""\
$ charter slo status
payments-availability: REL024 page: burn rate 16.2 over 1h and 15.1 over 5m, above 14.4
""",
    ),
)


CURRENT_RATE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class BurnRate:
    """The burn rate over one alert window's long and short windows, and whether its alert's
    condition holds (both above the factor)."""

    window: AlertWindow
    long_rate: float | None  # None: no traffic in the window
    short_rate: float | None

    @property
    def firing(self) -> bool:
        return (
            self.long_rate is not None
            and self.short_rate is not None
            and self.long_rate > self.window.factor
            and self.short_rate > self.window.factor
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the error budget policy (or the data) calls for, with its diagnostic code."""

    code: str
    message: str
    incident: str | None = None


@dataclass(frozen=True, slots=True)
class Attainment:
    """What counts toward the budget: events, or time slices (`good` may be a sum of slice shares)."""

    good: float
    valid: float

    @property
    def ratio(self) -> float | None:
        return self.good / self.valid if self.valid > 0 else None


@dataclass(frozen=True, slots=True)
class SloStatus:
    slo: str
    component: str | None
    objective: float
    budgeting: str
    window: SloWindow
    counts: WindowCounts  # events and data coverage over the window
    attained: Attainment  # events or slices, by the budgeting method
    burn_rates: tuple[BurnRate, ...]
    current_burn_rate: float | None  # over the last hour
    gaps: tuple[tuple[datetime, datetime], ...]  # whole hours without any sample
    verdicts: tuple[Verdict, ...]

    @property
    def has_data(self) -> bool:
        return self.counts.present > 0

    @property
    def attainment(self) -> float | None:
        return self.attained.ratio

    @property
    def budget(self) -> float:
        """The share of events (or slices) that may be bad."""
        return 1.0 - self.objective

    @property
    def budget_remaining(self) -> float | None:
        """Share of the error budget left (1: untouched, below 0: overspent); None without data or budget."""
        if not self.has_data or self.budget <= 0:
            return None
        attainment = self.attainment
        return 1.0 if attainment is None else 1.0 - (1.0 - attainment) / self.budget

    @property
    def budget_minutes(self) -> float:
        return max(self.budget, 0.0) * self.window.length / timedelta(minutes=1)

    @property
    def budget_remaining_minutes(self) -> float | None:
        remaining = self.budget_remaining
        return None if remaining is None else remaining * self.budget_minutes

    @property
    def exhausted(self) -> bool:
        remaining = self.budget_remaining
        return remaining is not None and remaining <= 0

    @property
    def exhausted_in(self) -> timedelta | None:
        """Time until the budget is gone at the last hour's burn rate: 0 when it already is, None
        when it is not burning (or unknown)."""
        remaining = self.budget_remaining
        if remaining is None:
            return None
        if remaining <= 0:
            return timedelta(0)
        rate = self.current_burn_rate
        if not rate:
            return None
        return self.window.length * (remaining / rate)


@dataclass(frozen=True, slots=True)
class SloStatusReport:
    as_of: datetime
    statuses: tuple[SloStatus, ...]
    unknown: tuple[str, ...] = ()  # names asked for that no SLO has


@dataclass(frozen=True, slots=True)
class StatusContext:
    """What an SLO's status needs besides its counts."""

    as_of: datetime
    policies: Policies
    component: str | None = None
    incidents: Sequence[Incident] = ()


def alert_windows(slo: Slo, policies: Policies, period: timedelta) -> WindowSet:
    """The SLO's burn-rate windows, chosen as `charter slo rules` chooses them."""
    name = slo.annotations.get(WINDOWS_KEY) or slo.labels.get(WINDOWS_KEY) or policies.slo_alert_windows
    return window_set("pyrra" if name == "pyrra" else "sloth", period)


def slo_status(slo: Slo, counts: SliCounts, context: StatusContext) -> SloStatus:
    """The SLO's error budget at `context.as_of` from its counts."""
    window = slo_window(slo, context.as_of, context.policies.slo_period)
    start, end = window.start_minute, window.end_minute
    measure = _measure(slo, counts)
    windows = alert_windows(slo, context.policies, window.length)
    burn_rates = tuple(
        BurnRate(
            alert,
            measure.burn_rate(end - _minutes(alert.long), end),
            measure.burn_rate(end - _minutes(alert.short), end),
        )
        for alert in windows.windows
    )
    status = SloStatus(
        slo=slo.name,
        component=context.component,
        objective=slo.objective,
        budgeting=slo.budgeting,
        window=window,
        counts=counts.window(start, end),
        attained=measure.attained(start, end),
        burn_rates=burn_rates,
        current_burn_rate=measure.burn_rate(end - _minutes(CURRENT_RATE_WINDOW), end),
        gaps=tuple((minute_time(low), minute_time(high)) for low, high in counts.hourly_gaps(start, end)),
        verdicts=(),
    )
    return replace(status, verdicts=tuple(_verdicts(status, slo, counts, context)))


def _minutes(duration: timedelta) -> int:
    return int(duration // timedelta(minutes=1))


@dataclass(frozen=True, slots=True)
class _Measure:
    """Counts good and valid events or slices of one SLO over minute ranges."""

    counts: SliCounts
    objective: float
    slice_minutes: int | None = None  # None: occurrences
    slice_target: float = 0.0
    ratio_slices: bool = False

    def attained(self, start: int, end: int) -> Attainment:
        if self.slice_minutes is None:
            window = self.counts.window(start, end)
            return Attainment(window.good, window.total)
        good, total = self.counts.minute_series(start, end)
        slice_good, slice_total = _slices(start, good, total, self.slice_minutes)
        valid = slice_total > 0
        shares = slice_good[valid] / slice_total[valid]
        if self.ratio_slices:
            return Attainment(float(shares.sum()), float(valid.sum()))
        return Attainment(float((shares >= self.slice_target).sum()), float(valid.sum()))

    def burn_rate(self, start: int, end: int) -> float | None:
        budget = 1.0 - self.objective
        attainment = self.attained(start, end).ratio
        if attainment is None or budget <= 0:
            return None
        return (1.0 - attainment) / budget


def _measure(slo: Slo, counts: SliCounts) -> _Measure:
    if slo.budgeting == "occurrences":
        return _Measure(counts, slo.objective)
    slice_minutes = max(1, _minutes(slo.timeslice_window or timedelta(minutes=1)))
    target = slo.timeslice_target if slo.timeslice_target is not None else slo.objective
    return _Measure(counts, slo.objective, slice_minutes, target, slo.budgeting == "ratio_timeslices")


def _slices(start: int, good: np.ndarray, total: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Sums of good and total per time slice, slices aligned to multiples of `size` minutes since the
    epoch (the edge slices hold only the window's part); minutes without a sample add nothing."""
    offset = start % size
    padded = offset + len(total)
    slices = -(-padded // size)
    buffer_good = np.zeros(slices * size)
    buffer_total = np.zeros(slices * size)
    present = ~np.isnan(total)
    buffer_good[offset : offset + len(good)] = np.where(present, good, 0.0)
    buffer_total[offset : offset + len(total)] = np.where(present, total, 0.0)
    return buffer_good.reshape(slices, size).sum(axis=1), buffer_total.reshape(slices, size).sum(axis=1)


# Incidents and verdicts ----------------------------------------------------------------------------


def incident_span(incident: Incident, until: datetime) -> tuple[int, int] | None:
    """The minutes an incident covers, [started, resolved) (open incidents run until `until`)."""
    if incident.started is None:
        return None
    end = incident.resolved or until
    return epoch_minute(incident.started), max(epoch_minute_ceiling(end), epoch_minute(incident.started) + 1)


def incident_budget_share(
    counts: SliCounts,
    slo: Slo,
    incident: Incident,
    *,
    as_of: datetime | None = None,
    default_period: timedelta = timedelta(days=30),
) -> float | None:
    """The share of the SLO's error budget the incident used: its bad events (or bad slices) over
    the budget of the SLO's window at `as_of` (default: when the incident was resolved). None when
    the incident has no start, the window no traffic, or the objective no budget. `counts` must hold
    the minutes of the days the incident starts and ends on (every day for time-slice budgeting)."""
    end = as_of or incident.resolved or incident.started
    span = incident_span(incident, end) if end is not None else None
    if span is None or end is None:
        return None
    window = slo_window(slo, end, slo.period or default_period)
    measure = _measure(slo, counts)
    budget = 1.0 - slo.objective
    in_window = measure.attained(window.start_minute, window.end_minute)
    allowed_bad = budget * in_window.valid
    if budget <= 0 or allowed_bad <= 0:
        return None
    during = measure.attained(*span)
    return (during.valid - during.good) / allowed_bad


def relevant_incidents(incidents: Iterable[Incident], names: set[str], window: SloWindow) -> list[Incident]:
    """Incidents on one of `names` (the SLO's component and service) that overlap the window."""
    found = []
    for incident in incidents:
        if incident.started is None or not names & {service.lower() for service in incident.services}:
            continue
        if incident.started < window.end and (incident.resolved is None or incident.resolved > window.start):
            found.append(incident)
    return found


def _verdicts(status: SloStatus, slo: Slo, counts: SliCounts, context: StatusContext) -> Iterator[Verdict]:
    policy = context.policies.error_budget
    target = status.component or slo.service or slo.name
    if not status.has_data:
        yield Verdict("REL023", f"no SLI data for {slo.name} in its window")
        return
    if status.exhausted and policy.exhausted == "freeze-changes":
        yield Verdict("REL020", f"error budget exhausted: change freeze recommended for {target}")
    for burn in status.burn_rates:
        if burn.firing:
            yield Verdict(
                "REL024",
                f"burning {burn.long_rate:.1f}x over {_duration(burn.window.long)} "
                f"(above {burn.window.factor:.3g}x): {burn.window.tier}",
            )
            break
    names = {name.lower() for name in (status.component, slo.service) if name}
    for incident in relevant_incidents(context.incidents, names, status.window):
        share = incident_budget_share(
            counts, slo, incident, as_of=context.as_of, default_period=context.policies.slo_period
        )
        if share is not None and share > policy.incident_share:
            yield Verdict(
                "REL021",
                f"incident {incident.id} used {share:.0%} of the error budget: "
                "postmortem with a P0 action item required",
                incident.id,
            )
    if status.counts.missing:
        yield Verdict("REL022", f"{status.counts.missing} minutes without SLI data in the window")


def _duration(duration: timedelta) -> str:
    minutes = _minutes(duration)
    if minutes % MINUTES_PER_DAY == 0:
        return f"{minutes // MINUTES_PER_DAY}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def minute_days_needed(
    windows: Iterable[SloWindow], alert_lengths: Iterable[timedelta], spans: Iterable[tuple[int, int]]
) -> set[int]:
    """The days whose minutes a status needs: those holding the edges of the SLO windows, of the
    alert windows ending at each window's end, and of the incident spans."""
    lengths = [_minutes(length) for length in alert_lengths] + [_minutes(CURRENT_RATE_WINDOW)]
    edges: list[int] = []
    for window in windows:
        end = window.end_minute
        edges += [window.start_minute, end, *(end - length for length in lengths)]
    for low, high in spans:
        edges += [low, high]
    return {day for edge in edges for day in (edge // MINUTES_PER_DAY, (edge - 1) // MINUTES_PER_DAY)}
