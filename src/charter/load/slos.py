"""What the SLO readers share (OpenSLO in `slos_openslo`, Sloth in `slos_sloth`, Pyrra in
`slos_pyrra`): percentages to ratios, lenient label maps, Prometheus durations, the explicit
component join, diagnostics at the line of the offending field, and the name each SLO goes by."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from charter.load.context import LoadContext, SourceFile
from charter.load.yaml12 import YamlDocument
from charter.model.base import parse_duration
from charter.model.catalog import COMPONENT_LABEL
from charter.model.diagnostics import Location
from charter.model.slo import Slo

PROMETHEUS = "Prometheus"


class ForeignModel(BaseModel):
    """A foreign format's own field names (Sloth's snake_case, Pyrra's mix) spelled as written,
    with explicit aliases where they differ from Python; fields the owner adds are kept. Built when
    first used (`defer_build`), as Charter's own kinds are (`model/base.py`)."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True, defer_build=True)


def _string_map(value: Any) -> Any:
    """Go's YAML decoder reads `tier: 2` into a map[string]string as "2"; so does Charter. A key
    given with no value (`labels:`) is an empty map, as in Go."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {
            key: ("true" if item is True else "false" if item is False else str(item))
            if isinstance(item, int | float)
            else item
            for key, item in value.items()
        }
    return value


def empty_if_none(value: Any) -> Any:
    """A mapping written with no value (`labels:`) is an empty one, as Go's decoder reads it."""
    return {} if value is None else value


StringMap = Annotated[dict[str, str], BeforeValidator(_string_map)]
"""Labels and annotations of Sloth specs: scalars become strings, as Sloth reads them."""

StrictStringMap = Annotated[dict[str, str], BeforeValidator(empty_if_none)]
"""Kubernetes-style labels and annotations (Pyrra): strings only, as the API server requires."""


class KubernetesMetadata(ForeignModel):
    """`metadata` of a Kubernetes object (Pyrra's and Sloth's custom resources)."""

    name: str | None = None
    namespace: str | None = None
    labels: StrictStringMap = Field(default_factory=dict)
    annotations: StrictStringMap = Field(default_factory=dict)


def _prometheus_duration(value: Any) -> timedelta:
    if not isinstance(value, str):
        raise ValueError("write the duration as a string such as 28d, 4w or 1h30m")
    return parse_duration(value)


PrometheusDuration = Annotated[timedelta, BeforeValidator(_prometheus_duration)]
"""A Prometheus duration (`28d`, `4w`, `1h30m`), as Pyrra's windows and latencies are written."""


def percent_to_ratio(percent: float) -> float:
    """99.9 -> 0.999 exactly as written, not 0.9990000000000001."""
    return float(Decimal(repr(float(percent))) / 100)


def explicit_component(labels: Mapping[str, str], annotations: Mapping[str, str]) -> str | None:
    """The `charter.dev/component` label, else the annotation of that name."""
    return labels.get(COMPONENT_LABEL) or annotations.get(COMPONENT_LABEL) or None


def report_at(
    context: LoadContext,
    code: str,
    source: SourceFile,
    document: YamlDocument,
    path: Sequence[str | int],
    message: str,
    *,
    entity: str | None,
    hint: str | None = None,
) -> None:
    """A diagnostic at the line of `path` in the document, or of its nearest existing parent (SCH003
    for a rule that spans several fields: exactly one of..., required when...)."""
    context.report(code, message, location_at(context, source, document, path), entity=entity, hint=hint)


def location_at(
    context: LoadContext, source: SourceFile, document: YamlDocument, path: Sequence[str | int]
) -> Location:
    """Where `path` is written in the document, or its nearest existing parent."""
    pointer = tuple(path)
    line, column = context.locate(source, document, pointer)
    return Location(source.path, line, column, document.index, pointer)


def exactly_one(model: BaseModel, fields: Sequence[str], spelled: str) -> None:
    """For a model validator: raise unless exactly one of `fields` is set."""
    given = [name for name in fields if getattr(model, name) is not None]
    if len(given) != 1:
        raise ValueError(f"give exactly one of {spelled}" + (f" (got {len(given)})" if given else ""))


def slos_by_name(context: LoadContext) -> dict[str, Slo]:
    """Every SLO read, by the name it goes by. Pyrra's identity is namespace and name, as in
    Kubernetes: SLOs of several namespaces that share a name are each named `<namespace>/<name>`, so
    references, rules and SLI data tell them apart. Any other name given twice is REF002, and the
    first SLO of that name is kept."""
    shared = Counter(slo.name for slo in context.slos)
    found: dict[str, Slo] = {}
    for slo in context.slos:
        if shared[slo.name] > 1 and slo.namespace:
            slo = replace(slo, name=f"{slo.namespace}/{slo.name}")
        first = found.get(slo.name)
        if first is not None:
            where = f" (first declared at {first.location})" if first.location else ""
            message = f"SLO {slo.name!r} is declared twice{where}"
            context.report("REF002", message, slo.location, entity=f"slo:{slo.name}")
            continue
        found[slo.name] = slo
    return found
