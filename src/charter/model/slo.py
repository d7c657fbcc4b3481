"""One SLO model for OpenSLO v1, Sloth `prometheus/v1` and Pyrra `ServiceLevelObjective`: what
the objective is, over which window, how its events are counted and how it alerts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Location, Severity

# REL010 is a property of an SLO: `slo rules` and `check` find it in the indicator.
CODES = Codes(
    Rule(
        "REL010",
        "SLO without a Prometheus SLI",
        Severity.INFO,
        rationale="Charter writes Prometheus rules only for SLIs measured by Prometheus; this SLO gets none.",
        fix=(
            "Measure the SLI with a Prometheus query (OpenSLO `metricSource.type: Prometheus`), or alert on it with "
            "the tool that holds its data."
        ),
        example="""\
# slos/payments.yaml (OpenSLO)
spec:
  indicator:
    spec:
      ratioMetric:
        good: {metricSource: {type: Datadog, spec: {query: "sum:requests.ok{service:payments}"}}}
""",
    ),
)


SloFormat = Literal["openslo", "sloth", "pyrra"]

# ratio: good or bad events over total events (OpenSLO ratioMetric good|bad/total, Sloth events,
#   Pyrra ratio); raw: a precomputed ratio (OpenSLO ratioMetric raw, Sloth raw); threshold: one
#   metric compared with the objective's `op` and `value` (OpenSLO thresholdMetric); latency: a
#   histogram's fast bucket over its count (Pyrra); latency_native: a native histogram and a
#   latency (Pyrra); bool_gauge: a 0/1 gauge (Pyrra); plugin: a Sloth SLI plugin.
IndicatorKind = Literal["ratio", "raw", "threshold", "latency", "latency_native", "bool_gauge", "plugin"]
BudgetingMethod = Literal["occurrences", "timeslices", "ratio_timeslices"]
ThresholdOperator = Literal["lt", "lte", "gt", "gte"]


@dataclass(frozen=True, slots=True)
class MetricQuery:
    """One query of an indicator, as written: PromQL for Sloth and Pyrra (Sloth's `{{.window}}`
    template left in place), the metric source's `spec.query` for OpenSLO."""

    query: str | None
    source_type: str | None = None  # "Prometheus" for Sloth and Pyrra; OpenSLO `metricSource.type`
    source_ref: str | None = None  # OpenSLO `metricSourceRef`: the name of a DataSource
    fields: dict[str, Any] = field(default_factory=dict)  # the rest of OpenSLO's `metricSource.spec`


@dataclass(frozen=True, slots=True)
class SloIndicator:
    """How good and bad events are counted. Which queries are set depends on `kind`: good or bad
    with total for ratio and latency, `query` alone for raw, threshold and bool_gauge."""

    kind: IndicatorKind
    good: MetricQuery | None = None
    bad: MetricQuery | None = None
    total: MetricQuery | None = None
    query: MetricQuery | None = None
    raw_measures: Literal["good", "bad"] | None = None  # what a raw ratio is the share of
    counter: bool | None = None  # OpenSLO ratioMetric.counter
    latency: timedelta | None = None  # Pyrra latencyNative: requests faster than this are good
    grouping: tuple[str, ...] = ()  # Pyrra: one SLI per value of these labels
    plugin_id: str | None = None  # Sloth SLI plugin
    plugin_options: dict[str, Any] = field(default_factory=dict)
    name: str | None = None  # OpenSLO SLI metadata.name
    display_name: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class CalendarWindow:
    """A calendar-aligned window (OpenSLO `isRolling: false`): it restarts at fixed boundaries."""

    duration: str  # as written, e.g. `1M`, `1Q`, `1w`: months and quarters have no fixed length
    start_time: datetime | None = None  # local time in `time_zone`
    time_zone: str | None = None  # IANA name


@dataclass(frozen=True, slots=True)
class BurnRateAlert:
    """One of the two multi-window burn-rate alerts (page and ticket, as Sloth names them)."""

    enabled: bool = True
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SloAlerting:
    """The alerting the SLO's file asks for. Sloth and Pyrra generate burn-rate alerts (page and
    ticket) unless turned off; OpenSLO names AlertPolicy objects instead."""

    name: str | None = None  # alert name (Sloth `alerting.name`, Pyrra `alerting.name`)
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    page: BurnRateAlert = field(default_factory=BurnRateAlert)
    ticket: BurnRateAlert = field(default_factory=BurnRateAlert)
    absent: bool = False  # Pyrra: also alert when the indicator's metrics are absent
    policies: tuple[str, ...] = ()  # OpenSLO AlertPolicy names, inline or referenced


@dataclass(frozen=True, slots=True)
class Slo:
    """A service level objective, whatever file format declared it.

    `name` is unique in the repository: Sloth's `<service>-<slo name>` (its `sloth_id`), else the
    document's `metadata.name`; an OpenSLO SLO with several objectives becomes one Slo per
    objective, `<metadata.name>-<objective displayName as a slug, or its index>`. A Pyrra SLO is
    identified by namespace and name, as in Kubernetes: its `name` is `<namespace>/<name>` when SLOs
    of other namespaces share its name. `declared_name` is the name the file itself gives, shared by
    the objectives of one OpenSLO SLO.
    """

    name: str
    source_format: SloFormat
    objective: float  # target ratio of good events, e.g. 0.999 (1.0 leaves no error budget)
    service: str | None = None
    component: str | None = None  # explicit `charter.dev/component` label or annotation
    # The window's length; None: the policy's default period applies (Sloth names none). A calendar
    # window of months, quarters or years has its nominal length (30, 90, 365 days) here and its
    # unit in `calendar.duration`.
    period: timedelta | None = None
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    location: Location | None = None
    declared_name: str | None = None
    namespace: str | None = None  # Pyrra's `metadata.namespace`: with `declared_name`, its identity
    display_name: str | None = None
    description: str | None = None
    objective_name: str | None = None  # OpenSLO objective displayName
    indicator: SloIndicator | None = None  # None while an OpenSLO indicatorRef is unresolved
    indicator_ref: str | None = None  # OpenSLO: the name of an SLI declared in its own document
    budgeting: BudgetingMethod = "occurrences"
    timeslice_target: float | None = None  # share of good events that makes a time slice good
    timeslice_window: timedelta | None = None
    threshold_op: ThresholdOperator | None = None  # OpenSLO objective `op` (threshold metrics)
    threshold_value: float | None = None  # OpenSLO objective `value`
    rolling: bool = True  # False for a calendar-aligned window
    calendar: CalendarWindow | None = None
    alerting: SloAlerting | None = None  # None: the file asks for no alerting
