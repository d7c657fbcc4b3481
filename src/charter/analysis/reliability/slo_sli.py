"""An SLO's indicator as PromQL: the error ratio over any window, and the series whose absence
means the SLI is not measured. Sloth queries keep Sloth's `{{.window}}` template; OpenSLO queries
keep it too when they have it, else their range is made the window (`slo_query_window`); Pyrra's
series selectors are wrapped as Pyrra wraps them.

The guard against no traffic: a ratio divides by `(total > 0)`, so a window with no events has no
sample at all (no alert, no NaN), and `or 0 * (total > 0)` records 0 when there is traffic but the
error series does not exist yet. An indicator of good events records `1 - good / (total > 0)`: no
sample without traffic, and none while the good series is missing. Precomputed ratios keep only
`>= 0` samples, which drops NaN."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from charter.analysis.reliability.prometheus_syntax import query_problem
from charter.analysis.reliability.slo_query_window import NoWindow, QueryRole, window_template
from charter.model.slo import MetricQuery, Slo, SloIndicator

PROMETHEUS_SOURCES = frozenset({"prometheus"})  # OpenSLO metricSource.type, case-insensitive
THRESHOLD_STEP = "1m"  # how often a threshold SLI's query is sampled

_TEMPLATE = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}")
_WINDOW = ".window"
_SELECTOR = re.compile(r"^\s*(?:[a-zA-Z_:][a-zA-Z0-9_:]*\s*)?(?:\{[^{}]*\})?\s*$")
_LE_MATCHER = re.compile(r"[{,]\s*le\s*=")
# The bad condition of a threshold SLI whose objective `op` says which values are good.
_BAD_WHEN = {"lt": ">=", "lte": ">", "gt": "<=", "gte": "<"}


class SliError(ValueError):
    """Why an SLO's indicator cannot become PromQL: a diagnostic code, and where in the SLO's
    document (a pointer under the SLO's location) the problem is."""

    def __init__(self, code: str, message: str, pointer: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.pointer = pointer


@dataclass(frozen=True, slots=True)
class SliExpression:
    """PromQL templates in `{{.window}}`: the error ratio, and the total series (for `absent`)."""

    error_ratio_template: str
    total_template: str

    def error_ratio(self, window: str) -> str:
        return render(self.error_ratio_template, window)

    def total(self, window: str) -> str:
        return render(self.total_template, window)


def render(template: str, window: str) -> str:
    return _TEMPLATE.sub(window, template)


def sli_expression(slo: Slo) -> SliExpression:
    """The indicator of `slo` as PromQL, or SliError (REL010 when it is not measured by
    Prometheus, REL011/REL013/REL014/REL017 when it cannot be written)."""
    indicator = slo.indicator
    if indicator is None:
        raise SliError("REL010", f"its indicatorRef {slo.indicator_ref!r} names no SLI, so it has no query")
    if slo.source_format == "pyrra":
        return _pyrra(indicator)
    _require_prometheus(indicator)
    sloth = slo.source_format == "sloth"

    def at(*steps: str) -> tuple[str | int, ...]:
        """Where a Sloth query is written under its SLO; an OpenSLO SLI may be in another document."""
        return ("sli", *steps) if sloth else ()

    windowed = _Windowed(slo.source_format == "openslo", indicator.counter)
    if indicator.kind == "ratio":
        total = windowed(indicator.total, "total", at("events", "total_query"))
        if indicator.bad is not None:
            bad = windowed(indicator.bad, "bad", at("events", "error_query"))
            return SliExpression(_bad_over_total(bad, total), total)
        good = windowed(indicator.good, "good", at())
        return SliExpression(_one_minus_good_over_total(good, total), total)
    if indicator.kind == "raw":
        raw = windowed(indicator.query, "raw", at("raw", "error_ratio_query"), "ratio")
        ratio = f"({raw})" if indicator.raw_measures != "good" else f"1 - ({raw})"
        return SliExpression(f"{ratio} >= 0\n", raw)
    if indicator.kind == "threshold":
        return _threshold(slo, indicator)
    raise SliError("REL013", f"a {indicator.kind} indicator has no query Charter can write rules for")


def _require_prometheus(indicator: SloIndicator) -> None:
    for query in (indicator.good, indicator.bad, indicator.total, indicator.query):
        if query is None:
            continue
        if (query.source_type or "").lower() not in PROMETHEUS_SOURCES:
            source = query.source_type or f"the data source {query.source_ref!r}"
            raise SliError("REL010", f"its SLI is measured by {source}, not by Prometheus")


def _query_text(query: MetricQuery | None, role: str, pointer: tuple[str | int, ...]) -> str:
    if query is None or not query.query:
        raise SliError("REL013", f"the {role} metric has no PromQL `query`", pointer)
    for template in _TEMPLATE.findall(query.query):
        if template != _WINDOW:
            raise SliError("REL014", f"the {role} query uses the template {{{{{template}}}}}", pointer)
    problem = query_problem(query.query)
    if problem is not None:
        raise SliError("REL025", f"the {role} query cannot be written into a rule: {problem}", pointer)
    return query.query.strip()


@dataclass(frozen=True, slots=True)
class _Windowed:
    """A query as a `{{.window}}` template. Sloth requires the placeholder; an OpenSLO query without
    it has its range made the window, a bare selector wrapped as a counter unless `counter` is
    false."""

    openslo: bool
    counter: bool | None

    def __call__(
        self, query: MetricQuery | None, role: str, pointer: tuple[str | int, ...], measures: QueryRole = "events"
    ) -> str:
        text = _query_text(query, role, pointer)
        if _TEMPLATE.search(text):
            return text
        if not self.openslo:
            raise SliError("REL011", f"the {role} query has no {{{{.window}}}}: {text}", pointer)
        try:
            return window_template(text, measures, self.counter)
        except NoWindow as reason:
            raise SliError(
                "REL011", f"the {role} query cannot be measured over each alert window, {reason}: {text}", pointer
            ) from None


def _bad_over_total(bad: str, total: str) -> str:
    return f"(\n  ({bad})\n  /\n  (({total}) > 0)\n)\nor\n(0 * (({total}) > 0))\n"


def _one_minus_good_over_total(good: str, total: str) -> str:
    return f"1 - (\n  ({good})\n  /\n  (({total}) > 0)\n)\n"


def _threshold(slo: Slo, indicator: SloIndicator) -> SliExpression:
    """Each sample of the query (every THRESHOLD_STEP) is an event, bad when it breaks the
    objective's `op` and `value`; `{{.window}}` in the query, if any, is that step."""
    query = render(_query_text(indicator.query, "threshold", ()), THRESHOLD_STEP)
    if slo.threshold_op is None or slo.threshold_value is None:
        raise SliError("REL013", "a threshold indicator needs the objective's `op` and `value`")
    bad = f"({query}) {_BAD_WHEN[slo.threshold_op]} bool {slo.threshold_value:g}"
    return SliExpression(f"avg_over_time(({bad})[{{{{.window}}}}:{THRESHOLD_STEP}])\n", query)


def _selector(query: MetricQuery | None, pointer: tuple[str | int, ...]) -> str:
    text = (query.query or "") if query else ""
    if not text or not _SELECTOR.match(text) or not text.strip():
        raise SliError("REL017", f"{text!r} is not a series selector", pointer)
    problem = query_problem(text)
    if problem is not None:
        raise SliError("REL025", f"the series selector cannot be written into a rule: {problem}", pointer)
    return text.strip()


def _pyrra(indicator: SloIndicator) -> SliExpression:
    by = f" by ({', '.join(indicator.grouping)}) " if indicator.grouping else ""
    at: tuple[str | int, ...] = ("spec", "indicator")

    def over(function: str, selector: str) -> str:
        return f"sum{by}({function}({selector}[{{{{.window}}}}]))"

    writers: dict[str, Callable[[], SliExpression]] = {
        "ratio": lambda: _pyrra_ratio(indicator, over, at),
        "latency": lambda: _pyrra_latency(indicator, over, at),
        "latency_native": lambda: _pyrra_latency_native(indicator, over, at),
        "bool_gauge": lambda: _pyrra_bool_gauge(indicator, over, at),
    }
    return writers[indicator.kind]()


Over = Callable[[str, str], str]


def _pyrra_ratio(indicator: SloIndicator, over: Over, at: tuple[str | int, ...]) -> SliExpression:
    errors = _selector(indicator.bad, (*at, "ratio", "errors", "metric"))
    total = _selector(indicator.total, (*at, "ratio", "total", "metric"))
    return SliExpression(_bad_over_total(over("rate", errors), over("rate", total)), total)


def _pyrra_latency(indicator: SloIndicator, over: Over, at: tuple[str | int, ...]) -> SliExpression:
    success = _selector(indicator.good, (*at, "latency", "success", "metric"))
    if not _LE_MATCHER.search(success):
        raise SliError("REL017", f"the latency success metric {success!r} has no `le` label", (*at, "latency"))
    total = _selector(indicator.total, (*at, "latency", "total", "metric"))
    return SliExpression(_one_minus_good_over_total(over("rate", success), over("rate", total)), total)


def _pyrra_latency_native(indicator: SloIndicator, over: Over, at: tuple[str | int, ...]) -> SliExpression:
    total = _selector(indicator.total, (*at, "latencyNative", "total", "metric"))
    latency = (indicator.latency or timedelta(0)).total_seconds()
    return SliExpression(f"1 - histogram_fraction(0, {latency:g}, {over('rate', total)}) >= 0\n", total)


def _pyrra_bool_gauge(indicator: SloIndicator, over: Over, at: tuple[str | int, ...]) -> SliExpression:
    gauge = _selector(indicator.query, (*at, "bool_gauge", "metric"))
    return SliExpression(
        _one_minus_good_over_total(over("sum_over_time", gauge), over("count_over_time", gauge)), gauge
    )
