"""What every reader works with: the file being read, and the collector it hands entities, SLOs,
records and diagnostics to. Readers never raise on bad input; they report and go on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from charter.load.yaml12 import YamlDocument, locate
from charter.model.catalog import CatalogEntity
from charter.model.codes import diagnostic
from charter.model.decision import Decision
from charter.model.diagnostics import Diagnostic, Location
from charter.model.incident import Incident
from charter.model.kinds import CharterEntity
from charter.model.organization import Organization
from charter.model.radar import RadarEntry
from charter.model.slo import Slo, SloIndicator


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file of the strategy repository: its repo-relative path (POSIX) and its text."""

    path: str
    text: str

    def location(self, line: int = 0, column: int = 0, document: int = 0) -> Location:
        return Location(self.path, line, column, document)

    def document_location(self, document: YamlDocument) -> Location:
        return Location(self.path, document.line, document.column, document.index)


@dataclass
class LoadContext:
    """Collects what the readers produce, in file order."""

    organizations: list[Organization] = field(default_factory=list)
    entities: list[CatalogEntity | CharterEntity] = field(default_factory=list)
    slos: list[Slo] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    radar: list[RadarEntry] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # OpenSLO SLIs by name, and the SLOs waiting for one (`indicatorRef` read before its SLI).
    openslo_indicators: dict[str, SloIndicator] = field(default_factory=dict)
    openslo_waiting: dict[str, list[tuple[int, Location]]] = field(default_factory=dict)

    def report(
        self,
        code: str,
        message: str,
        location: Location | None,
        *,
        entity: str | None = None,
        hint: str | None = None,
    ) -> None:
        """Record a diagnostic with the code's default severity; `hint` defaults to the code's fix."""
        self.diagnostics.append(diagnostic(code, message, location, entity=entity, hint=hint))

    def report_validation_error(
        self,
        error: ValidationError,
        source: SourceFile,
        document: YamlDocument,
        *,
        entity: str | None = None,
        prefix: Sequence[str | int] = (),
    ) -> None:
        """One SCH003 per Pydantic error, at the line of the offending field."""
        for detail in error.errors(include_url=False):
            path = (*prefix, *detail["loc"])
            where = ".".join(str(step) for step in path) or "document"
            position = locate(source.text, document.index, path) or (document.line, document.column)
            self.report(
                "SCH003",
                f"{where}: {_describe(detail)}",
                Location(source.path, position[0], position[1], document.index),
                entity=entity,
                hint=_hint(detail),
            )


def document_entity(data: Mapping[str, Any], kind: str | None = None) -> str | None:
    """`kind:name` of a raw document, for diagnostics about a document that may not validate."""
    metadata = data.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    if not isinstance(name, str):
        return None
    return f"{(kind or str(data.get('kind', '?'))).lower()}:{name}"


def _describe(detail: Any) -> str:
    kind = detail["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    message = str(detail["msg"]).removeprefix("Value error, ")
    value = detail.get("input")
    if isinstance(value, str | int | float | bool) and kind not in ("missing",):
        return f"{message} (got {value!r})"
    return message


def _hint(detail: Any) -> str:
    kind = detail["type"]
    if kind == "missing":
        return "add the field; `charter schema` writes JSON Schemas for editor completion"
    if kind == "extra_forbidden":
        return "remove the field or correct its spelling (field names are camelCase)"
    if kind.startswith("literal_error"):
        return "use one of the values the message lists"
    return "correct the value to the expected type"
