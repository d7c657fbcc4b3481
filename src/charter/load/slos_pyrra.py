"""Pyrra `pyrra.dev/v1alpha1` ServiceLevelObjective, as Pyrra reads it: a target in percent
written as a string, a rolling window, and one ratio, latency, latencyNative or bool_gauge
indicator. Pyrra has no service; the `charter.dev/component` label or a `service` label stands in.
An SLO is identified by namespace and name, as Kubernetes identifies the object (see `slos_by_name`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field, ValidationError, model_validator

from charter.load.context import LoadContext, SourceFile, document_entity
from charter.load.slos import (
    PROMETHEUS,
    ForeignModel,
    KubernetesMetadata,
    PrometheusDuration,
    exactly_one,
    explicit_component,
    percent_to_ratio,
)
from charter.load.yaml12 import YamlDocument
from charter.model.slo import BurnRateAlert, MetricQuery, Slo, SloAlerting, SloIndicator

PYRRA_API_VERSION = "pyrra.dev/v1alpha1"
PYRRA_KIND = "ServiceLevelObjective"
PYRRA_DEFAULT_ALERT = "ErrorBudgetBurn"  # Pyrra's name for its burn-rate alerts


class PyrraQuery(ForeignModel):
    metric: Annotated[str, Field(min_length=1)]


class PyrraRatio(ForeignModel):
    errors: PyrraQuery
    total: PyrraQuery
    grouping: list[str] | None = None


class PyrraLatency(ForeignModel):
    success: PyrraQuery
    total: PyrraQuery
    grouping: list[str] | None = None


class PyrraLatencyNative(ForeignModel):
    total: PyrraQuery
    latency: PrometheusDuration
    grouping: list[str] | None = None


class PyrraBoolGauge(ForeignModel):
    metric: Annotated[str, Field(min_length=1)]
    grouping: list[str] | None = None


class PyrraIndicator(ForeignModel):
    ratio: PyrraRatio | None = None
    latency: PyrraLatency | None = None
    latency_native: PyrraLatencyNative | None = Field(default=None, alias="latencyNative")
    bool_gauge: PyrraBoolGauge | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> PyrraIndicator:
        kinds = ("ratio", "latency", "latency_native", "bool_gauge")
        exactly_one(self, kinds, "ratio, latency, latencyNative or bool_gauge")
        return self


class PyrraAlerting(ForeignModel):
    disabled: bool | None = None  # deprecated by Pyrra in favour of `burnrates`
    burnrates: bool = True
    absent: bool = True
    name: str | None = None
    absent_name: str | None = Field(default=None, alias="absentName")


class PyrraSpec(ForeignModel):
    description: str | None = None
    target: Annotated[float, Field(ge=0, le=100)]  # written as a string: "99.5"
    window: PrometheusDuration
    indicator: PyrraIndicator
    alerting: PyrraAlerting = Field(default_factory=PyrraAlerting)


class PyrraMetadata(KubernetesMetadata):
    name: Annotated[str, Field(min_length=1, max_length=253)]


class PyrraSlo(ForeignModel):
    api_version: str = Field(alias="apiVersion")
    kind: str
    metadata: PyrraMetadata
    spec: PyrraSpec


def is_pyrra(data: Mapping[str, Any]) -> bool:
    return str(data.get("apiVersion")).startswith("pyrra.dev/")


def read_pyrra(document: YamlDocument, source: SourceFile, context: LoadContext) -> None:
    data = document.data
    location = source.document_location(document)
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if api_version != PYRRA_API_VERSION or kind != PYRRA_KIND:
        context.report(
            "SCH004",
            f"unknown kind {kind!r} for apiVersion {api_version!r}",
            location,
            hint=f"Charter reads Pyrra's {PYRRA_KIND} of apiVersion {PYRRA_API_VERSION}",
        )
        return
    try:
        raw = PyrraSlo.model_validate(data)
    except ValidationError as error:
        context.report_validation_error(error, source, document, entity=document_entity(data, "slo"))
        return
    labels, annotations = raw.metadata.labels, raw.metadata.annotations
    component = explicit_component(labels, annotations)
    spec = raw.spec
    alerting = spec.alerting
    burn_rates = alerting.burnrates and not alerting.disabled
    context.slos.append(
        Slo(
            name=raw.metadata.name,
            source_format="pyrra",
            objective=percent_to_ratio(spec.target),
            service=component or labels.get("service"),
            component=component,
            period=spec.window,
            labels=labels,
            annotations=annotations,
            location=location,
            declared_name=raw.metadata.name,
            namespace=raw.metadata.namespace or None,
            description=spec.description or None,
            indicator=_indicator(spec.indicator),
            budgeting="occurrences",
            rolling=True,
            alerting=SloAlerting(
                name=alerting.name or PYRRA_DEFAULT_ALERT,
                page=BurnRateAlert(enabled=burn_rates),
                ticket=BurnRateAlert(enabled=burn_rates),
                absent=alerting.absent and not alerting.disabled,
            ),
        )
    )


def _query(query: PyrraQuery) -> MetricQuery:
    return MetricQuery(query.metric, PROMETHEUS)


def _indicator(indicator: PyrraIndicator) -> SloIndicator:
    if indicator.ratio is not None:
        ratio = indicator.ratio
        return SloIndicator(
            kind="ratio",
            bad=_query(ratio.errors),
            total=_query(ratio.total),
            grouping=tuple(ratio.grouping or ()),
        )
    if indicator.latency is not None:
        latency = indicator.latency
        return SloIndicator(
            kind="latency",
            good=_query(latency.success),
            total=_query(latency.total),
            grouping=tuple(latency.grouping or ()),
        )
    if indicator.latency_native is not None:
        native = indicator.latency_native
        return SloIndicator(
            kind="latency_native",
            total=_query(native.total),
            latency=native.latency,
            grouping=tuple(native.grouping or ()),
        )
    gauge = indicator.bool_gauge
    assert gauge is not None  # the model allows exactly one
    return SloIndicator(
        kind="bool_gauge", query=MetricQuery(gauge.metric, PROMETHEUS), grouping=tuple(gauge.grouping or ())
    )
