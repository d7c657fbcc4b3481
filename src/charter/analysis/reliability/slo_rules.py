"""Prometheus recording and alerting rules for every SLO with a Prometheus SLI, as Sloth writes
them: SLI error ratios per alert window (`slo:sli_error:ratio_rate<window>`), the SLO's objective,
error budget and burn rates, multi-window multi-burn-rate alerts, and an alert when the SLI's
series are absent. Ratios are guarded so that no traffic records no series (no alert) instead of
NaN. Pure: `outputs.prometheus_rules` writes the result as YAML."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import cast

from charter.analysis.reliability.prometheus_syntax import alerting_problems
from charter.analysis.reliability.slo_sli import SliError, SliExpression, sli_expression
from charter.analysis.reliability.slo_windows import WINDOW_SET_NAMES, AlertWindow, Tier, WindowSet, window_set
from charter.model.codes import Codes
from charter.model.codes import Rule as CodeRule  # `Rule` below is a Prometheus rule
from charter.model.diagnostics import Diagnostic, Severity
from charter.model.organization import Policies
from charter.model.prometheus_rules import AlertingRule, RecordingRule, Rule, RuleGroup, prometheus_duration
from charter.model.slo import CODES as SLO_CODES
from charter.model.slo import BurnRateAlert, Slo, SloAlerting

# REL010 (declared with the SLO), REL011, REL013, REL014, REL017 and REL025 are found by `slo_sli` (SliError)
# and reported here.
CODES = Codes(
    CodeRule(
        "REL011",
        "SLI query without {{.window}}",
        Severity.ERROR,
        rationale=(
            "Multi-window alerts measure the SLI over each alert window: a Sloth query marks its range with "
            "`[{{.window}}]`, and an OpenSLO query's range selectors (or a bare series selector, wrapped in rate) "
            "are made each window. A query without either would measure the same range in every window, so the "
            "alerts would be meaningless."
        ),
        fix=(
            "Sloth: write the range of the query as `[{{.window}}]`, as Sloth requires: "
            '`sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))`. OpenSLO: write a series selector, or a '
            "query with a range selector such as `[5m]` rather than a subquery or a recorded rate."
        ),
        example="""\
# slos/payments.yaml (Sloth)
slos:
  - name: availability
    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[5m]))   # [{{.window}}], not [5m]
""",
    ),
    CodeRule(
        "REL012",
        "SLO objective leaves no error budget",
        Severity.ERROR,
        rationale="An objective of 100% or more has no error budget, so every error would page.",
        fix="Set an objective below 100% (e.g. 99.9).",
        example="""\
# slos/payments.yaml (Sloth)
slos:
  - name: availability
    objective: 100
""",
    ),
    CodeRule(
        "REL013",
        "SLI kind Charter cannot write rules for",
        Severity.ERROR,
        rationale=(
            "The indicator has no query Charter can turn into PromQL (a metric source without `query`, or a threshold "
            "objective without `op` and `value`)."
        ),
        fix="Give the metric source a PromQL `query`, and a threshold objective its `op` and `value`.",
        example="""\
# slos/payments.yaml (OpenSLO)
spec:
  indicator:
    spec:
      ratioMetric:
        good: {metricSource: {type: Prometheus, spec: {metric: http_requests_total}}}   # `query`, not `metric`
""",
    ),
    CodeRule(
        "REL014",
        "Unknown template in SLI query",
        Severity.ERROR,
        rationale="Only `{{.window}}` is substituted; any other template would reach Prometheus as text.",
        fix="Remove the template, or write `{{.window}}` for the range.",
        example="""\
# slos/payments.yaml (Sloth)
error_query: sum(rate(http_requests_total{job="{{.service}}",code=~"5.."}[{{.window}}]))
""",
    ),
    CodeRule(
        "REL015",
        "SLO period shorter than its alert windows",
        Severity.ERROR,
        rationale="A burn-rate alert whose long window exceeds the SLO period measures more than the period.",
        fix=(
            "Lengthen the SLO window, or use the `pyrra` window set (`charter.dev/alert-windows: pyrra`), whose "
            "windows scale with the period."
        ),
        example="""\
# slos/payments.yaml (OpenSLO): a one-day SLO under the sloth window set (its longest window is 3d)
spec:
  timeWindow: [{duration: 1d, isRolling: true}]
""",
    ),
    CodeRule(
        "REL016",
        "Unknown alert window set",
        Severity.ERROR,
        rationale="The `charter.dev/alert-windows` annotation names a window set Charter does not have.",
        fix="Write `sloth` or `pyrra`, or remove the annotation to use `policies.sloAlertWindows`.",
        example="""\
# slos/payments.yaml
metadata:
  annotations: {charter.dev/alert-windows: google}   # sloth or pyrra
""",
    ),
    CodeRule(
        "REL017",
        "Pyrra metric is not a series selector",
        Severity.ERROR,
        rationale="Pyrra metrics are series selectors that Charter wraps in rate(); an expression cannot be wrapped.",
        fix='Write the metric as `name{label="value"}`; a latency success metric also needs its `le` label.',
        example="""\
# slos/payments.yaml (Pyrra)
spec:
  indicator:
    ratio:
      # a selector such as http_requests_total{code=~"5.."}, not an expression:
      errors: {metric: 'sum(rate(http_requests_total{code=~"5.."}[5m]))'}
""",
    ),
    CodeRule(
        "REL025",
        "SLO rules Prometheus would refuse",
        Severity.ERROR,
        rationale=(
            "A rule file Prometheus refuses is not loaded at all, so every SLO's alerts in it stop; names, "
            "labels and queries are checked before the rules are written."
        ),
        fix=(
            "Write the query on lines that break between tokens, without `#` comments or line breaks inside "
            "quotes; keep alert names and label values on one line; close every `{{` in annotations."
        ),
        example="""\
# slos/payments.yaml (Sloth)
slos:
  - name: availability
    sli:
      events:
        error_query: "sum(rate(http_requests_total{code=~'5..'}[{{.window}}]))  # 5xx only"
    alerting:
      name: "Payments\\nHighErrorRate"      # a line break in the alert name
""",
    ),
    uses=(SLO_CODES["REL010"],),
)
diagnostic = CODES.diagnostic


WINDOWS_KEY = "charter.dev/alert-windows"  # annotation or label: sloth | pyrra
ABSENT_KEY = "charter.dev/absent-alert"  # annotation or label: "false" turns the absent alert off
DEFAULT_ALERT_NAME = "ErrorBudgetBurn"  # Pyrra's default; Sloth requires a name
ABSENT_ALERT_NAME = "SLOMetricAbsent"  # Pyrra's default name for its absent alert

ID_LABEL, SERVICE_LABEL, SLO_LABEL = "sloth_id", "sloth_service", "sloth_slo"
WINDOW_LABEL, SEVERITY_LABEL = "sloth_window", "sloth_severity"
OBJECTIVE_RATIO, ERROR_BUDGET_RATIO = "slo:objective:ratio", "slo:error_budget:ratio"
PERIOD_DAYS, CURRENT_BURN_RATE = "slo:time_period:days", "slo:current_burn_rate:ratio"
PERIOD_BURN_RATE = "slo:period_burn_rate:ratio"
BUDGET_REMAINING = "slo:period_error_budget_remaining:ratio"

_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


@dataclass(frozen=True, slots=True)
class SloRules:
    """The rule group of one SLO and the window set it was made with. Sloth splits an SLO's rules
    into three groups (SLI recordings, metadata recordings, alerts); Charter keeps them in one, in
    that order, because Prometheus runs the rules of a group one after the other at the same
    evaluation time: the alerts always read the ratios just recorded, never ones a whole interval
    old (or, past the 5m lookback, none)."""

    slo: str
    windows: WindowSet
    group: RuleGroup


@dataclass(frozen=True, slots=True)
class RulesResult:
    """Rules for every SLO that has them; a diagnostic for every SLO that has none, and why."""

    slos: tuple[SloRules, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def groups(self) -> tuple[RuleGroup, ...]:
        return tuple(rules.group for rules in self.slos)


def slo_rules(slos: Iterable[Slo], policies: Policies) -> RulesResult:
    """Rules for each SLO in order; an SLO that cannot have them is skipped with a diagnostic. An SLO
    whose SLI a Sloth plugin makes is skipped silently: only Sloth can expand it, and the loader has
    warned about it (REL018)."""
    made: list[SloRules] = []
    diagnostics: list[Diagnostic] = []
    for slo in _with_rules_to_write(slos):
        result = rules_for_slo(slo, policies)
        if isinstance(result, SloRules):
            made.append(result)
        else:
            diagnostics.append(result)
    return RulesResult(tuple(made), tuple(diagnostics))


def slo_rules_problems(slos: Iterable[Slo], policies: Policies) -> Iterator[Diagnostic]:
    """The diagnostics `slo_rules` gives for these SLOs, found the same way but without writing the
    rules of the SLOs that can have them (what `charter check` asks, over thousands of SLOs)."""
    for slo in _with_rules_to_write(slos):
        prepared = _prepare(slo, policies)
        if isinstance(prepared, Diagnostic):
            yield prepared


def _with_rules_to_write(slos: Iterable[Slo]) -> Iterator[Slo]:
    return (slo for slo in slos if slo.indicator is None or slo.indicator.kind != "plugin")


def rules_for_slo(slo: Slo, policies: Policies) -> SloRules | Diagnostic:
    """The rules of one SLO, or the diagnostic that says why it has none."""
    prepared = _prepare(slo, policies)
    if isinstance(prepared, Diagnostic):
        return prepared
    windows, sli = prepared
    return _Writer(slo, windows, sli).rules()


def _prepare(slo: Slo, policies: Policies) -> tuple[WindowSet, SliExpression] | Diagnostic:
    """Everything the rules of one SLO are written from (its alert windows and its SLI as PromQL),
    or the diagnostic that says why it can have none: every way the rules can fail is found here."""
    entity = f"slo:{slo.name}"
    try:
        sli = sli_expression(slo)
    except SliError as error:
        location = slo.location.at(*error.pointer) if slo.location and error.pointer else slo.location
        return diagnostic(error.code, f"SLO {slo.name!r}: {error}", location, entity=entity)
    if slo.objective >= 1:
        return diagnostic(
            "REL012", f"SLO {slo.name!r} has objective {_percent(slo.objective)}%", slo.location, entity=entity
        )
    windows_name = _setting(slo, WINDOWS_KEY) or policies.slo_alert_windows
    if windows_name not in WINDOW_SET_NAMES:
        return diagnostic("REL016", f"{WINDOWS_KEY}: {windows_name!r} is not a window set", slo.location, entity=entity)
    windows = window_set(windows_name, slo.period or policies.slo_period)
    longest = max(window.long for window in windows.windows)
    if windows.period < longest:
        return diagnostic(
            "REL015",
            f"SLO {slo.name!r}: its period {prometheus_duration(windows.period)} is shorter than the "
            f"{prometheus_duration(longest)} alert window of the {windows.name} window set",
            slo.location,
            entity=entity,
        )
    refused = list(alerting_problems(slo))
    if refused:
        return diagnostic(
            "REL025",
            f"SLO {slo.name!r}: Prometheus would refuse its rules: {'; '.join(refused)}",
            slo.location,
            entity=entity,
        )
    return windows, sli


def _setting(slo: Slo, key: str) -> str | None:
    return slo.annotations.get(key) or slo.labels.get(key)


def _percent(ratio: float) -> str:
    return number(float(Decimal(repr(ratio)) * 100))


def number(value: float) -> str:
    """A float as Go's `%v` prints it in Sloth's templates: 14.4, 6, 5.6000000000000005."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _error_budget(objective: float) -> float:
    """1 - objective in decimal, so that 99.9% gives 0.001 and not 0.0010000000000000009."""
    return float(1 - Decimal(repr(objective)))


class _Writer:
    """Writes the rule groups of one SLO."""

    def __init__(self, slo: Slo, windows: WindowSet, sli: SliExpression) -> None:
        self.slo = slo
        self.windows = windows
        self.sli = sli
        self.alerting = slo.alerting or SloAlerting()
        self.id_labels = {
            ID_LABEL: slo.name,
            SERVICE_LABEL: slo.service or slo.component or slo.name,
            SLO_LABEL: slo.declared_name if slo.source_format == "sloth" and slo.declared_name else slo.name,
        }
        # Sloth copies its spec's labels onto every rule; Kubernetes-style metadata labels of OpenSLO
        # and Pyrra describe the object, not the series, and Pyrra does not copy them either.
        own = slo.labels if slo.source_format == "sloth" else {}
        self.labels = {**_valid_labels(own), **self.id_labels}
        self.filter = (
            "{" + ", ".join(f'{key}="{_escape(value)}"' for key, value in sorted(self.id_labels.items())) + "}"
        )
        self.budget = _error_budget(slo.objective)

    def rules(self) -> SloRules:
        name = self.slo.name
        rules = (*self.sli_rules(), *self.meta_rules(), *self.alert_rules())
        return SloRules(name, self.windows, RuleGroup(f"charter-slo-{name}", rules))

    def metric(self, window: timedelta) -> str:
        return f"slo:sli_error:ratio_rate{prometheus_duration(window)}"

    def sli_rules(self) -> tuple[Rule, ...]:
        rules: list[Rule] = [
            RecordingRule(
                self.metric(window),
                self.sli.error_ratio(prometheus_duration(window)),
                {**self.labels, WINDOW_LABEL: prometheus_duration(window)},
            )
            for window in self.windows.sli_windows
        ]
        period = self.windows.period
        if period not in self.windows.sli_windows:
            rules.append(self.period_rule(period))
        return tuple(rules)

    def period_rule(self, period: timedelta) -> RecordingRule:
        """Sloth's optimised period ratio: the mean of the shortest window's ratios over the period.
        Windows with no traffic recorded no ratio, so they count as neither good nor bad."""
        shortest = self.metric(self.windows.sli_windows[0]) + self.filter
        text = prometheus_duration(period)
        expr = f"sum_over_time({shortest}[{text}])\n/ ignoring ({WINDOW_LABEL})\ncount_over_time({shortest}[{text}])\n"
        # Sloth sets only the window label here; the SLO's labels keep rules of two SLOs apart.
        return RecordingRule(self.metric(period), expr, {**self.id_labels, WINDOW_LABEL: text})

    def meta_rules(self) -> tuple[Rule, ...]:
        objective = number(self.slo.objective)
        joined = f"/ on({ID_LABEL}, {SLO_LABEL}, {SERVICE_LABEL}) group_left\n{ERROR_BUDGET_RATIO}{self.filter}\n"
        shortest = self.metric(self.windows.sli_windows[0])
        return (
            RecordingRule(OBJECTIVE_RATIO, f"vector({objective})", self.labels),
            RecordingRule(ERROR_BUDGET_RATIO, f"vector(1-{objective})", self.labels),
            RecordingRule(PERIOD_DAYS, f"vector({number(self.windows.period / timedelta(days=1))})", self.labels),
            RecordingRule(CURRENT_BURN_RATE, f"{shortest}{self.filter}\n{joined}", self.labels),
            RecordingRule(PERIOD_BURN_RATE, f"{self.metric(self.windows.period)}{self.filter}\n{joined}", self.labels),
            RecordingRule(BUDGET_REMAINING, f"1 - {PERIOD_BURN_RATE}{self.filter}", self.labels),
        )

    def alert_rules(self) -> tuple[Rule, ...]:
        rules: list[Rule] = []
        for tier, meta in (("page", self.alerting.page), ("ticket", self.alerting.ticket)):
            if not meta.enabled:
                continue
            tier = cast(Tier, tier)
            windows = self.windows.tier(tier)
            if self.windows.one_alert_per_tier:
                rules.append(self.burn_rate_alert(tier, meta, windows))
            else:
                rules.extend(self.burn_rate_alert(tier, meta, (window,)) for window in windows)
        if self.absent_alert_enabled():
            rules.append(self.absent_alert())
        return tuple(rules)

    def condition(self, window: AlertWindow) -> str:
        threshold = f"({number(window.factor)} * {number(self.budget)})"
        return (
            f"({self.metric(window.short)}{self.filter} > {threshold})\n"
            f"and ignoring ({WINDOW_LABEL})\n"
            f"({self.metric(window.long)}{self.filter} > {threshold})"
        )

    def burn_rate_alert(self, tier: Tier, meta: BurnRateAlert, windows: tuple[AlertWindow, ...]) -> AlertingRule:
        expr = f"\nor ignoring ({WINDOW_LABEL})\n".join(
            "(\n" + _indent(self.condition(window)) + "\n)" for window in windows
        )
        labels = {**self.id_labels, SEVERITY_LABEL: tier, "severity": tier, **self.alerting.labels, **meta.labels}
        if len(windows) == 1:  # Pyrra's labels, so that the two alerts of a tier differ
            labels |= {"short": prometheus_duration(windows[0].short), "long": prometheus_duration(windows[0].long)}
        annotations = {
            "title": f"({tier}) {{{{$labels.{SERVICE_LABEL}}}}} {{{{$labels.{SLO_LABEL}}}}} SLO error budget "
            "burn rate is too fast.",
            "summary": f"{{{{$labels.{SERVICE_LABEL}}}}} {{{{$labels.{SLO_LABEL}}}}} SLO error budget burn rate "
            "is over expected.",
            **self.alerting.annotations,
            **meta.annotations,
        }
        return AlertingRule(self.alerting.name or DEFAULT_ALERT_NAME, expr + "\n", windows[0].hold, labels, annotations)

    def absent_alert_enabled(self) -> bool:
        setting = _setting(self.slo, ABSENT_KEY)
        if setting is not None:
            return setting.strip().lower() not in ("false", "no", "off", "0")
        return self.alerting.absent if self.slo.source_format == "pyrra" else True

    def absent_alert(self) -> AlertingRule:
        """Pyrra's absent alert: it fires after about the time the most urgent burn-rate alert
        would need if the missing series meant 100% errors (`AbsentDuration`), at least a minute."""
        urgent = self.windows.windows[0]
        seconds = int(urgent.factor * self.budget * urgent.long.total_seconds())
        hold = max(timedelta(minutes=round((seconds + urgent.hold.total_seconds()) / 60)), timedelta(minutes=1))
        window = prometheus_duration(self.windows.sli_windows[0])
        labels = {**self.id_labels, SEVERITY_LABEL: "page", "severity": "page", **self.alerting.labels}
        labels |= self.alerting.page.labels
        annotations = {
            # absent() returns no series labels, so the title names the SLO itself.
            "title": f"{self.id_labels[SERVICE_LABEL]} {self.id_labels[SLO_LABEL]} SLI series are absent.",
            "summary": "The series the SLO is measured from are missing, so its burn-rate alerts cannot fire.",
            **self.alerting.annotations,
        }
        return AlertingRule(ABSENT_ALERT_NAME, f"absent({self.sli.total(window)})", hold, labels, annotations)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _valid_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Prometheus label names only: `charter.dev/component` and the like stay in Charter."""
    return {key: value for key, value in labels.items() if _LABEL_NAME.match(key) and not key.startswith("__")}
