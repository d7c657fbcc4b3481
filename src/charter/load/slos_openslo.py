"""OpenSLO v1, as its specification defines it: SLO and SLI documents become `Slo`s; Service,
DataSource, AlertPolicy, AlertCondition and AlertNotificationTarget are checked and not kept.

An SLO may name its SLI by `indicatorRef`, declared in any document of any file. Documents are
read one at a time, so both sides wait for each other: an SLI read first is remembered, and an
SLO read first is appended without indicator and filled in when its SLI is read. What is still
waiting after every file is read is reported by `report_unresolved_indicators`.

An SLO with several objectives becomes one `Slo` per objective, named `<name>-<objective
displayName as a slug>` (or `<name>-<index>` when it has none), so each has its own attainment and
budget; an SLO with one objective keeps its name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator

from charter.load.context import LoadContext, SourceFile, document_entity
from charter.load.slos import empty_if_none, explicit_component, percent_to_ratio, report_at
from charter.load.yaml12 import YamlDocument
from charter.model.base import OpenModel
from charter.model.diagnostics import Location
from charter.model.slo import BudgetingMethod, CalendarWindow, MetricQuery, Slo, SloAlerting, SloIndicator

OPENSLO_API_VERSION = "openslo/v1"

# Duration shorthand: a positive integer and one case-sensitive unit. Months, quarters and years
# have no fixed length; `Slo.period` takes their nominal length, the calendar keeps the unit.
_SHORTHAND = re.compile(r"^([1-9][0-9]*)([mhdwMQY])$")
_UNIT = {
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
    "M": timedelta(days=30),
    "Q": timedelta(days=90),
    "Y": timedelta(days=365),
}
_BUDGETING: dict[str, BudgetingMethod] = {
    "Occurrences": "occurrences",
    "Timeslices": "timeslices",
    "RatioTimeslices": "ratio_timeslices",
}


def parse_shorthand(text: str) -> timedelta:
    """`2w` -> 14 days; `1m` is one minute and `1M` one (30-day) month, as OpenSLO defines them."""
    match = _SHORTHAND.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not an OpenSLO duration: a whole number and one of m h d w M Q Y")
    return int(match.group(1)) * _UNIT[match.group(2)]


def _shorthand(text: str) -> str:
    parse_shorthand(text)
    return text


def _time_slice_window(value: Any) -> timedelta:
    """A duration shorthand, or a number of minutes."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("write a duration such as 1m or 5m, or a number of minutes")
    if isinstance(value, str):
        return parse_shorthand(value)
    if value <= 0:
        raise ValueError("a time slice must be longer than zero")
    return timedelta(minutes=value)


def _labels(value: Any) -> Any:
    """OpenSLO label values may be a string or a list of strings; a list becomes `a,b`."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {
            key: ",".join(item) if isinstance(item, list) and all(isinstance(x, str) for x in item) else item
            for key, item in value.items()
        }
    return value


Shorthand = Annotated[str, AfterValidator(_shorthand)]
TimeSliceWindow = Annotated[timedelta, BeforeValidator(_time_slice_window)]
Labels = Annotated[dict[str, str], BeforeValidator(_labels)]
Annotations = Annotated[dict[str, str], BeforeValidator(empty_if_none)]


class OpenSloMetadata(OpenModel):
    name: Annotated[str, Field(min_length=1, max_length=255)]
    display_name: str | None = None
    labels: Labels = Field(default_factory=dict)
    annotations: Annotations = Field(default_factory=dict)


class MetricSourceDoc(OpenModel):
    metric_source_ref: str | None = None
    type: str | None = None
    spec: Annotated[dict[str, Any], BeforeValidator(empty_if_none)] = Field(default_factory=dict)


class MetricDoc(OpenModel):
    metric_source: MetricSourceDoc


class RatioMetricDoc(OpenModel):
    counter: bool | None = None
    good: MetricDoc | None = None
    bad: MetricDoc | None = None
    total: MetricDoc | None = None
    raw_type: Literal["success", "failure"] | None = None
    raw: MetricDoc | None = None

    @model_validator(mode="after")
    def _shape(self) -> RatioMetricDoc:
        if self.raw is not None:
            if self.good or self.bad or self.total:
                raise ValueError("raw cannot be used together with good, bad or total")
            if self.raw_type is None:
                raise ValueError("rawType (success or failure) is required with raw")
        elif self.total is None or (self.good is None) == (self.bad is None):
            raise ValueError("give total and exactly one of good or bad, or raw with rawType")
        return self


class SliSpecDoc(OpenModel):
    description: str | None = None
    threshold_metric: MetricDoc | None = None
    ratio_metric: RatioMetricDoc | None = None

    @model_validator(mode="after")
    def _one_metric(self) -> SliSpecDoc:
        if (self.threshold_metric is None) == (self.ratio_metric is None):
            raise ValueError("give exactly one of thresholdMetric or ratioMetric")
        return self


class InlineSliDoc(OpenModel):
    metadata: OpenSloMetadata
    spec: SliSpecDoc


class CalendarDoc(OpenModel):
    start_time: datetime | None = None
    time_zone: str | None = None


class TimeWindowDoc(OpenModel):
    duration: Shorthand
    is_rolling: bool | None = None
    calendar: CalendarDoc | None = None


class ObjectiveDoc(OpenModel):
    display_name: str | None = None
    op: Literal["lt", "lte", "gt", "gte"] | None = None
    value: float | None = None
    target: Annotated[float, Field(ge=0, lt=1)] | None = None
    target_percent: Annotated[float, Field(ge=0, lt=100)] | None = None
    time_slice_target: Annotated[float, Field(gt=0, le=1)] | None = None
    time_slice_window: TimeSliceWindow | None = None
    indicator: InlineSliDoc | None = None
    indicator_ref: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> ObjectiveDoc:
        if (self.target is None) == (self.target_percent is None):
            raise ValueError("give exactly one of target (a ratio, 0.999) or targetPercent (99.9)")
        if self.indicator is not None and self.indicator_ref is not None:
            raise ValueError("give indicator or indicatorRef, not both")
        return self

    @property
    def ratio(self) -> float:
        return self.target if self.target is not None else percent_to_ratio(self.target_percent or 0.0)


class AlertPolicyItemDoc(OpenModel):
    alert_policy_ref: str | None = None
    metadata: OpenSloMetadata | None = None

    @model_validator(mode="after")
    def _named(self) -> AlertPolicyItemDoc:
        if self.alert_policy_ref is None and self.metadata is None:
            raise ValueError("give alertPolicyRef, or an inline AlertPolicy with metadata.name")
        return self

    @property
    def name(self) -> str:
        return self.alert_policy_ref or (self.metadata.name if self.metadata else "")


class SloSpecDoc(OpenModel):
    description: str | None = None
    service: Annotated[str, Field(min_length=1)]
    indicator: InlineSliDoc | None = None
    indicator_ref: str | None = None
    time_window: Annotated[list[TimeWindowDoc], Field(min_length=1, max_length=1)] | None = None
    budgeting_method: Literal["Occurrences", "Timeslices", "RatioTimeslices"]
    objectives: Annotated[list[ObjectiveDoc], Field(min_length=1)]
    alert_policies: list[AlertPolicyItemDoc] | None = None

    @model_validator(mode="after")
    def _indicator_given(self) -> SloSpecDoc:
        if self.indicator is not None and self.indicator_ref is not None:
            raise ValueError("give indicator or indicatorRef, not both")
        if (
            self.indicator is None
            and self.indicator_ref is None
            and not all(objective.indicator or objective.indicator_ref for objective in self.objectives)
        ):
            raise ValueError("give indicator or indicatorRef (the SLI this SLO measures)")
        return self


class _Envelope(OpenModel):
    api_version: str
    kind: str
    metadata: OpenSloMetadata


class SloDoc(_Envelope):
    spec: SloSpecDoc


class SliDoc(_Envelope):
    spec: SliSpecDoc


class ServiceSpecDoc(OpenModel):
    description: str | None = None


class DataSourceSpecDoc(OpenModel):
    type: str
    connection_details: dict[str, Any] | None = None


class AlertPolicySpecDoc(OpenModel):
    alert_when_no_data: bool | None = None
    alert_when_resolved: bool | None = None
    alert_when_breaching: bool | None = None
    conditions: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=1)]
    notification_targets: list[dict[str, Any]]


class BurnRateConditionDoc(OpenModel):
    kind: str = "burnrate"
    threshold: float
    lookback_window: Shorthand
    alert_after: str | None = None  # `0m` is allowed here, so not a Shorthand


class AlertConditionSpecDoc(OpenModel):
    severity: str
    condition: BurnRateConditionDoc


class AlertNotificationTargetSpecDoc(OpenModel):
    target: str


class ServiceDoc(_Envelope):
    spec: ServiceSpecDoc = Field(default_factory=ServiceSpecDoc)


class DataSourceDoc(_Envelope):
    spec: DataSourceSpecDoc


class AlertPolicyDoc(_Envelope):
    spec: AlertPolicySpecDoc


class AlertConditionDoc(_Envelope):
    spec: AlertConditionSpecDoc


class AlertNotificationTargetDoc(_Envelope):
    spec: AlertNotificationTargetSpecDoc


# Kinds that are checked, and not kept: no Charter report reads them yet.
_CHECKED_ONLY: dict[str, type[_Envelope]] = {
    "Service": ServiceDoc,
    "DataSource": DataSourceDoc,
    "AlertPolicy": AlertPolicyDoc,
    "AlertCondition": AlertConditionDoc,
    "AlertNotificationTarget": AlertNotificationTargetDoc,
}

_KINDS: dict[str, type[_Envelope]] = {"SLO": SloDoc, "SLI": SliDoc, **_CHECKED_ONLY}


@dataclass
class _Declared:
    """SLI documents read so far, and SLOs still waiting for theirs (index into `context.slos`,
    where the indicatorRef is written), by SLI name."""

    indicators: dict[str, SloIndicator] = field(default_factory=dict)
    waiting: dict[str, list[tuple[int, Location]]] = field(default_factory=dict)


def _declared(context: LoadContext) -> _Declared:
    # Kept on this load's own context, never in a module global, so two loads share nothing.
    return _Declared(context.openslo_indicators, context.openslo_waiting)


def is_openslo(data: Mapping[str, Any]) -> bool:
    return str(data.get("apiVersion")).startswith("openslo/")


def read_openslo(document: YamlDocument, source: SourceFile, context: LoadContext) -> None:
    data = document.data
    api_version, kind = data.get("apiVersion"), data.get("kind")
    location = source.document_location(document)
    model = _KINDS.get(str(kind))
    if api_version != OPENSLO_API_VERSION or model is None:
        context.report(
            "SCH004",
            f"unknown kind {kind!r} for apiVersion {api_version!r}",
            location,
            hint=f"Charter reads {OPENSLO_API_VERSION} kinds SLO, SLI, {', '.join(_CHECKED_ONLY)}",
        )
        return
    entity = document_entity(data)
    try:
        parsed = model.model_validate(data)
    except ValidationError as error:
        context.report_validation_error(error, source, document, entity=entity)
        return
    if isinstance(parsed, SliDoc):
        _declare_indicator(parsed, location, context)
    elif isinstance(parsed, SloDoc) and _consistent(parsed, source, document, context, entity):
        _add_slos(parsed, location, context)


def _consistent(
    doc: SloDoc, source: SourceFile, document: YamlDocument, context: LoadContext, entity: str | None
) -> bool:
    """The rules that span fields: what each budgeting method requires, rolling or calendar."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    spec = doc.spec
    for index, objective in enumerate(spec.objectives):
        at = ("spec", "objectives", index)
        if spec.budgeting_method == "Timeslices" and objective.time_slice_target is None:
            problems.append(((*at, "timeSliceTarget"), "required when budgetingMethod is Timeslices"))
        if spec.budgeting_method != "Occurrences" and objective.time_slice_window is None:
            problems.append(((*at, "timeSliceWindow"), f"required when budgetingMethod is {spec.budgeting_method}"))
    window = spec.time_window[0] if spec.time_window else None
    if window is not None and window.is_rolling and window.calendar is not None:
        problems.append((("spec", "timeWindow", 0, "calendar"), "a rolling window has no calendar"))
    for path, message in problems:
        where = ".".join(str(step) for step in path)
        report_at(context, "SCH003", source, document, path, f"{where}: {message}", entity=entity)
    return not problems


def _add_slos(doc: SloDoc, location: Location, context: LoadContext) -> None:
    spec, metadata = doc.spec, doc.metadata
    window = spec.time_window[0] if spec.time_window else None
    rolling = True
    if window is not None:  # isRolling defaults to false when a calendar is given
        rolling = window.is_rolling if window.is_rolling is not None else window.calendar is None
    calendar = None
    if window is not None and not rolling:
        calendar = CalendarWindow(
            window.duration,
            window.calendar.start_time if window.calendar else None,
            window.calendar.time_zone if window.calendar else None,
        )
    policies = tuple(policy.name for policy in spec.alert_policies or ())
    suffixes = _suffixes(spec.objectives)
    declared = _declared(context)
    for index, objective in enumerate(spec.objectives):
        at: tuple[str | int, ...] = ("spec", "objectives", index)
        # An objective's own indicator (RatioTimeslices) wins over the SLO's.
        own = objective.indicator is not None or objective.indicator_ref is not None
        inline, ref = (objective.indicator, objective.indicator_ref) if own else (spec.indicator, spec.indicator_ref)
        ref_at = (*at, "indicatorRef") if own else ("spec", "indicatorRef")
        slo = Slo(
            name=f"{metadata.name}-{suffixes[index]}" if len(suffixes) > 1 else metadata.name,
            source_format="openslo",
            objective=objective.ratio,
            service=spec.service,
            component=explicit_component(metadata.labels, metadata.annotations),
            period=parse_shorthand(window.duration) if window else None,
            labels=metadata.labels,
            annotations=metadata.annotations,
            location=location.at(*at) if len(suffixes) > 1 else location,
            declared_name=metadata.name,
            display_name=metadata.display_name,
            description=spec.description or None,
            objective_name=objective.display_name,
            indicator=_indicator(inline) if inline else declared.indicators.get(ref or ""),
            indicator_ref=ref,
            budgeting=_BUDGETING[spec.budgeting_method],
            timeslice_target=objective.time_slice_target,
            timeslice_window=objective.time_slice_window,
            threshold_op=objective.op,
            threshold_value=objective.value,
            rolling=rolling,
            calendar=calendar,
            alerting=SloAlerting(policies=policies) if policies else None,
        )
        if ref is not None and slo.indicator is None:
            declared.waiting.setdefault(ref, []).append((len(context.slos), location.at(*ref_at)))
        context.slos.append(slo)


def _suffixes(objectives: list[ObjectiveDoc]) -> list[str]:
    """Each objective's name suffix: its displayName as a slug, else its index; unique."""
    suffixes: list[str] = []
    for index, objective in enumerate(objectives):
        slug = re.sub(r"[^a-z0-9]+", "-", (objective.display_name or "").lower()).strip("-")
        suffixes.append(slug if slug and slug not in suffixes else str(index))
    return suffixes


def _declare_indicator(doc: SliDoc, location: Location, context: LoadContext) -> None:
    declared = _declared(context)
    name = doc.metadata.name
    if name in declared.indicators:
        context.report("REF002", f"SLI {name!r} is declared twice", location, entity=f"sli:{name}")
        return
    indicator = _indicator(doc)
    declared.indicators[name] = indicator
    for index, _ in declared.waiting.pop(name, []):
        context.slos[index] = replace(context.slos[index], indicator=indicator)


def report_unresolved_indicators(context: LoadContext) -> None:
    """REF001 for every OpenSLO SLO whose indicatorRef names no SLI document. Call it once, after
    every file of the repository is read."""
    for name, waiting in _declared(context).waiting.items():
        for index, where in waiting:
            context.report(
                "REF001",
                f"indicatorRef {name!r} names no OpenSLO SLI",
                where,
                entity=f"slo:{context.slos[index].name}",
                hint="declare an SLI (apiVersion: openslo/v1, kind: SLI) with this metadata.name, "
                "or write the indicator inline",
            )


def _query(metric: MetricDoc | None) -> MetricQuery | None:
    if metric is None:
        return None
    source = metric.metric_source
    fields = dict(source.spec)
    query = fields.pop("query") if isinstance(fields.get("query"), str) else None
    return MetricQuery(query, source.type, source.metric_source_ref, fields)


def _indicator(sli: InlineSliDoc | SliDoc) -> SloIndicator:
    spec, metadata = sli.spec, sli.metadata
    return replace(_metrics(spec), name=metadata.name, display_name=metadata.display_name, description=spec.description)


def _metrics(spec: SliSpecDoc) -> SloIndicator:
    ratio = spec.ratio_metric
    if ratio is None:
        return SloIndicator(kind="threshold", query=_query(spec.threshold_metric))
    if ratio.raw is not None:
        measures: Literal["good", "bad"] = "good" if ratio.raw_type == "success" else "bad"
        return SloIndicator(kind="raw", query=_query(ratio.raw), raw_measures=measures, counter=ratio.counter)
    return SloIndicator(
        kind="ratio",
        good=_query(ratio.good),
        bad=_query(ratio.bad),
        total=_query(ratio.total),
        counter=ratio.counter,
    )
