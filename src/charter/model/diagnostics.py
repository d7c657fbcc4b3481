"""The one diagnostic type: every finding about the strategy (schema, references, governance,
standards, escalations) is a `Diagnostic`, and every output format renders it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How bad a diagnostic is; `off` turns a code off through `spec.diagnostics`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.OFF: 0, Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


@dataclass(frozen=True, slots=True)
class Location:
    """Where in the strategy repository a diagnostic points: a path relative to the repo root,
    1-based line and column (0 when unknown). `document` and `pointer` name a node inside a YAML
    file (document index, then keys and list indexes); the loader turns them into an exact line
    after analysis, which stays pure and knows only the document's first line."""

    path: str
    line: int = 0
    column: int = 0
    document: int = 0
    pointer: tuple[str | int, ...] = ()

    def at(self, *pointer: str | int) -> Location:
        """The same document, pointing at a node inside it."""
        return Location(self.path, self.line, self.column, self.document, self.pointer + pointer)

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column or 1}"
        return self.path


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: a stable code, its severity, what is wrong, where, about which entity, and
    how to fix it."""

    code: str
    severity: Severity
    message: str
    location: Location | None = None
    entity: str | None = None
    hint: str = ""
    # Extra, machine-readable facts a renderer may show (never needed to understand the message).
    properties: tuple[tuple[str, str], ...] = field(default=())

    @property
    def fingerprint(self) -> str:
        """Identity that survives unrelated edits (line moves): used by baselines."""
        where = self.location.path if self.location else ""
        return f"{self.code}|{where}|{self.entity or ''}|{self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.path if loc else "", loc.line if loc else 0, loc.column if loc else 0, self.code)
