"""Sloth specs, as Sloth reads them, in both of its forms: the `prometheus/v1` file (snake_case
fields, one spec a file) and the Kubernetes object `sloth.slok.dev/v1` PrometheusServiceLevel
(the same spec under `spec`, camelCase fields, often several objects a file). Both become the same
`Slo` objects: one service, shared labels and a list of SLOs, each an objective in percent and an
events, raw or plugin SLI. Each SLO is checked on its own, so one bad SLO does not hide the others.
A plugin SLI is kept as written and warned about: its query is made by the plugin's Go code, which
Charter cannot run, so the SLO gets no rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationError, model_validator
from pydantic.alias_generators import to_camel

from charter.load.context import LoadContext, SourceFile
from charter.load.slos import (
    PROMETHEUS,
    ForeignModel,
    KubernetesMetadata,
    StrictStringMap,
    StringMap,
    exactly_one,
    explicit_component,
    location_at,
    percent_to_ratio,
)
from charter.load.yaml12 import YamlDocument
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Location, Severity
from charter.model.slo import BurnRateAlert, MetricQuery, Slo, SloAlerting, SloIndicator

SLOTH_VERSION = "prometheus/v1"
SLOTH_KUBERNETES_API_VERSION = "sloth.slok.dev/v1"
SLOTH_KUBERNETES_KIND = "PrometheusServiceLevel"

# The SLI of a Sloth plugin cannot be expanded without the plugin: the SLO is read, and warned about.
PLUGIN_NOT_EXPANDED = "REL018"
CODES = Codes(
    Rule(
        PLUGIN_NOT_EXPANDED,
        "Sloth SLI plugin not expanded",
        Severity.WARNING,
        rationale=(
            "A Sloth SLI plugin writes its queries in Go code that only Sloth runs, so Charter reads the SLO (its "
            "objective, owner and alerting) but writes no Prometheus rules for it."
        ),
        fix=(
            "Generate this SLO's rules with Sloth and the plugin, or write its SLI as `events` or `raw` queries to "
            "have Charter write them."
        ),
        example="""\
# slos/platform.yaml (Sloth)
version: prometheus/v1
service: platform
slos:
  - name: apiserver
    objective: 99.5
    sli:
      plugin: {id: sloth-common/kubernetes/apiserver/availability}
""",
    ),
)


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


# The Kubernetes form: the same fields in camelCase (`errorQuery`, `pageAlert`), decoded as JSON is,
# so a snake_case field is unknown there, and string maps hold strings only, as the API server and
# Sloth's decoder require.
_KUBERNETES = ConfigDict(alias_generator=to_camel, populate_by_name=False)


class KubernetesSlothEvents(SlothEvents):
    model_config = _KUBERNETES


class KubernetesSlothRaw(SlothRaw):
    model_config = _KUBERNETES


class KubernetesSlothPlugin(SlothPlugin):
    model_config = _KUBERNETES
    options: StrictStringMap = Field(default_factory=dict)


class KubernetesSlothSli(SlothSli):
    model_config = _KUBERNETES
    events: KubernetesSlothEvents | None = None
    raw: KubernetesSlothRaw | None = None
    plugin: KubernetesSlothPlugin | None = None


class KubernetesSlothAlert(SlothAlert):
    model_config = _KUBERNETES
    labels: StrictStringMap = Field(default_factory=dict)
    annotations: StrictStringMap = Field(default_factory=dict)


class KubernetesSlothAlerting(SlothAlerting):
    model_config = _KUBERNETES
    labels: StrictStringMap = Field(default_factory=dict)
    annotations: StrictStringMap = Field(default_factory=dict)
    page_alert: KubernetesSlothAlert = Field(default_factory=KubernetesSlothAlert)
    ticket_alert: KubernetesSlothAlert = Field(default_factory=KubernetesSlothAlert)


class KubernetesSlothSlo(SlothSlo):
    model_config = _KUBERNETES
    labels: StrictStringMap = Field(default_factory=dict)
    sli: KubernetesSlothSli
    alerting: KubernetesSlothAlerting = Field(default_factory=KubernetesSlothAlerting)


class KubernetesSlothSpec(ForeignModel):
    """`spec` of a PrometheusServiceLevel, without its SLOs, which are validated one by one."""

    model_config = _KUBERNETES
    service: Annotated[str, Field(min_length=1)]
    labels: StrictStringMap = Field(default_factory=dict)
    slos: Annotated[list[Any], Field(min_length=1)]


class PrometheusServiceLevel(ForeignModel):
    api_version: str = Field(alias="apiVersion")
    kind: str
    metadata: KubernetesMetadata = Field(default_factory=KubernetesMetadata)
    spec: KubernetesSlothSpec


def is_sloth(data: Mapping[str, Any]) -> bool:
    return data.get("version") == SLOTH_VERSION


def is_sloth_kubernetes(data: Mapping[str, Any]) -> bool:
    return str(data.get("apiVersion")).startswith("sloth.slok.dev/")


def read_sloth(document: YamlDocument, source: SourceFile, context: LoadContext) -> None:
    data = document.data
    service = data.get("service")
    try:
        spec = SlothSpec.model_validate(data)
    except ValidationError as error:
        entity = f"sloth:{service}" if isinstance(service, str) else None
        context.report_validation_error(error, source, document, entity=entity)
        return
    reader = _SpecReader(source, document, context, spec.service, spec.labels, ("slos",))
    reader.read(spec.slos, SlothSlo)


def read_sloth_kubernetes(document: YamlDocument, source: SourceFile, context: LoadContext) -> None:
    data = document.data
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if api_version != SLOTH_KUBERNETES_API_VERSION or kind != SLOTH_KUBERNETES_KIND:
        context.report(
            "SCH004",
            f"unknown kind {kind!r} for apiVersion {api_version!r}",
            source.document_location(document),
            hint=f"Charter reads Sloth's {SLOTH_KUBERNETES_KIND} of apiVersion {SLOTH_KUBERNETES_API_VERSION}",
        )
        return
    try:
        level = PrometheusServiceLevel.model_validate(data)
    except ValidationError as error:
        spec = data.get("spec")
        service = spec.get("service") if isinstance(spec, Mapping) else None
        entity = f"sloth:{service}" if isinstance(service, str) else None
        context.report_validation_error(error, source, document, entity=entity)
        return
    spec, metadata = level.spec, level.metadata
    reader = _SpecReader(
        source,
        document,
        context,
        spec.service,
        spec.labels,
        ("spec", "slos"),
        # The object's own labels and annotations may join it to a component, as Pyrra's do; they
        # are not the Prometheus labels of its rules.
        object_labels=metadata.labels,
        annotations=metadata.annotations,
    )
    reader.read(spec.slos, KubernetesSlothSlo)


class _SpecReader:
    """The SLOs of one spec, in either form, into `context.slos`."""

    def __init__(
        self,
        source: SourceFile,
        document: YamlDocument,
        context: LoadContext,
        service: str,
        labels: Mapping[str, str],
        pointer: tuple[str, ...],
        *,
        object_labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
    ) -> None:
        self.source, self.document, self.context = source, document, context
        self.service, self.labels, self.pointer = service, labels, pointer
        self.object_labels = dict(object_labels or {})
        self.annotations = dict(annotations or {})

    def read(self, items: Sequence[Any], model: type[SlothSlo]) -> None:
        location = self.source.document_location(self.document)
        for index, item in enumerate(items):
            name = item.get("name") if isinstance(item, Mapping) else None
            where: tuple[str | int, ...] = (*self.pointer, index)
            try:
                slo = model.model_validate(item)
            except ValidationError as error:
                entity = f"slo:{self.service}-{name}"
                self.context.report_validation_error(error, self.source, self.document, entity=entity, prefix=where)
                continue
            made = self.slo(slo, location.at(*where))
            if slo.sli.plugin is not None:
                self.plugin_not_expanded(made, slo.sli.plugin, where)
            self.context.slos.append(made)

    def slo(self, slo: SlothSlo, location: Location) -> Slo:
        labels = {**self.labels, **slo.labels}  # an SLO's labels override the spec's, as in Sloth
        component = explicit_component(labels, {}) or explicit_component(self.object_labels, self.annotations)
        alerting = slo.alerting
        return Slo(
            name=f"{self.service}-{slo.name}",  # Sloth's `sloth_id`
            source_format="sloth",
            objective=percent_to_ratio(slo.objective),
            service=self.service,
            component=component,
            period=None,
            labels=labels,
            annotations=self.annotations,
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

    def plugin_not_expanded(self, slo: Slo, plugin: SlothPlugin, where: tuple[str | int, ...]) -> None:
        warning = CODES.diagnostic(
            PLUGIN_NOT_EXPANDED,
            f"SLO {slo.name!r}: its SLI is made by the Sloth plugin {plugin.id!r}, which Charter cannot run: "
            "the SLO is read, but no rules are written for it",
            location_at(self.context, self.source, self.document, (*where, "sli", "plugin", "id")),
            entity=f"slo:{slo.name}",
            hint=f"generate this SLO's rules with Sloth and the plugin {plugin.id!r}, "
            "or write its SLI as `events` or `raw` queries",
        )
        self.context.diagnostics.append(warning)


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
        return SloIndicator(kind="raw", query=MetricQuery(sli.raw.error_ratio_query, PROMETHEUS), raw_measures="bad")
    assert sli.plugin is not None  # the model allows exactly one
    return SloIndicator(kind="plugin", plugin_id=sli.plugin.id, plugin_options=sli.plugin.options)
