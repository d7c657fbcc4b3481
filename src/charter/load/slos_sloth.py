"""Sloth `prometheus/v1` specs, as Sloth reads them: one service, shared labels and a list of
SLOs, each an objective in percent and an events, raw or plugin SLI. Each SLO of a spec is
checked on its own, so one bad SLO does not hide the others."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from charter.load.context import LoadContext, SourceFile
from charter.load.slos import (
    PROMETHEUS,
    ForeignModel,
    StringMap,
    exactly_one,
    explicit_component,
    percent_to_ratio,
)
from charter.load.yaml12 import YamlDocument
from charter.model.diagnostics import Location
from charter.model.slo import BurnRateAlert, MetricQuery, Slo, SloAlerting, SloIndicator

SLOTH_VERSION = "prometheus/v1"


class SlothEvents(ForeignModel):
    error_query: str
    total_query: str


class SlothRaw(ForeignModel):
    error_ratio_query: str


class SlothPlugin(ForeignModel):
    id: Annotated[str, Field(min_length=1)]
    options: dict[str, Any] = Field(default_factory=dict)


class SlothSli(ForeignModel):
    events: SlothEvents | None = None
    raw: SlothRaw | None = None
    plugin: SlothPlugin | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> SlothSli:
        exactly_one(self, ("events", "raw", "plugin"), "events, raw or plugin")
        return self


class SlothAlert(ForeignModel):
    disable: bool = False
    labels: StringMap = Field(default_factory=dict)
    annotations: StringMap = Field(default_factory=dict)


class SlothAlerting(ForeignModel):
    name: str | None = None
    labels: StringMap = Field(default_factory=dict)
    annotations: StringMap = Field(default_factory=dict)
    page_alert: SlothAlert = Field(default_factory=SlothAlert)
    ticket_alert: SlothAlert = Field(default_factory=SlothAlert)


class SlothSlo(ForeignModel):
    name: Annotated[str, Field(min_length=1)]
    objective: Annotated[float, Field(gt=0, le=100)]  # percent, (0, 100] as Sloth checks it
    description: str | None = None
    labels: StringMap = Field(default_factory=dict)
    sli: SlothSli
    alerting: SlothAlerting = Field(default_factory=SlothAlerting)


class SlothSpec(ForeignModel):
    """The spec without its SLOs, which are validated one by one."""

    version: Literal["prometheus/v1"]
    service: Annotated[str, Field(min_length=1)]
    labels: StringMap = Field(default_factory=dict)
    slos: Annotated[list[Any], Field(min_length=1)]


def is_sloth(data: Mapping[str, Any]) -> bool:
    return data.get("version") == SLOTH_VERSION


def read_sloth(document: YamlDocument, source: SourceFile, context: LoadContext) -> None:
    data = document.data
    service = data.get("service")
    try:
        spec = SlothSpec.model_validate(data)
    except ValidationError as error:
        entity = f"sloth:{service}" if isinstance(service, str) else None
        context.report_validation_error(error, source, document, entity=entity)
        return
    location = source.document_location(document)
    for index, item in enumerate(spec.slos):
        name = item.get("name") if isinstance(item, Mapping) else None
        try:
            slo = SlothSlo.model_validate(item)
        except ValidationError as error:
            context.report_validation_error(
                error, source, document, entity=f"slo:{spec.service}-{name}", prefix=("slos", index)
            )
            continue
        context.slos.append(_slo(spec, slo, location.at("slos", index)))


def _slo(spec: SlothSpec, slo: SlothSlo, location: Location) -> Slo:
    labels = {**spec.labels, **slo.labels}  # an SLO's labels override the spec's, as in Sloth
    alerting = slo.alerting
    return Slo(
        name=f"{spec.service}-{slo.name}",  # Sloth's `sloth_id`
        source_format="sloth",
        objective=percent_to_ratio(slo.objective),
        service=spec.service,
        component=explicit_component(labels, {}),
        period=None,
        labels=labels,
        location=location,
        declared_name=slo.name,
        description=slo.description or None,
        indicator=_indicator(slo.sli),
        budgeting="occurrences",
        alerting=SloAlerting(
            name=alerting.name,
            labels=alerting.labels,
            annotations=alerting.annotations,
            page=_alert(alerting.page_alert),
            ticket=_alert(alerting.ticket_alert),
        ),
    )


def _alert(alert: SlothAlert) -> BurnRateAlert:
    return BurnRateAlert(enabled=not alert.disable, labels=alert.labels, annotations=alert.annotations)


def _indicator(sli: SlothSli) -> SloIndicator:
    if sli.events is not None:
        return SloIndicator(
            kind="ratio",
            bad=MetricQuery(sli.events.error_query, PROMETHEUS),
            total=MetricQuery(sli.events.total_query, PROMETHEUS),
        )
    if sli.raw is not None:
        return SloIndicator(
            kind="raw", query=MetricQuery(sli.raw.error_ratio_query, PROMETHEUS), raw_measures="bad"
        )
    assert sli.plugin is not None  # the model allows exactly one
    return SloIndicator(kind="plugin", plugin_id=sli.plugin.id, plugin_options=sli.plugin.options)
