"""The one interface every diagnostic output format implements, and the report it renders."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from charter import __version__
from charter.model.codes import Rule
from charter.model.diagnostics import Diagnostic, Severity


class OutputError(Exception):
    """A format cannot be found, loaded or rendered."""


@dataclass(frozen=True, slots=True)
class DiagnosticCounts:
    """How many diagnostics of each severity a report holds."""

    errors: int = 0
    warnings: int = 0
    info: int = 0

    @classmethod
    def of(cls, diagnostics: Sequence[Diagnostic]) -> DiagnosticCounts:
        severities = [diagnostic.severity for diagnostic in diagnostics]
        return cls(
            errors=severities.count(Severity.ERROR),
            warnings=severities.count(Severity.WARNING),
            info=severities.count(Severity.INFO),
        )

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.info

    def __str__(self) -> str:
        errors = "error" if self.errors == 1 else "errors"
        warnings = "warning" if self.warnings == 1 else "warnings"
        return f"{self.errors} {errors}, {self.warnings} {warnings}, {self.info} info"


@dataclass(frozen=True, slots=True)
class DiagnosticReport:
    """What `charter check` found, ready to render: the diagnostics already filtered and sorted by
    the caller, the repository root that their paths are relative to, the lowest severity that
    fails the gate (`off`: nothing fails), which formats with a notion of failure use, and the
    declarations of the codes they use (titles, and SARIF's rule metadata)."""

    diagnostics: tuple[Diagnostic, ...]
    root: Path
    version: str = __version__
    fail_on: Severity = Severity.ERROR
    rules: Mapping[str, Rule] = field(default_factory=dict)

    @property
    def counts(self) -> DiagnosticCounts:
        return DiagnosticCounts.of(self.diagnostics)

    def fails(self, diagnostic: Diagnostic) -> bool:
        """Whether this diagnostic, on its own, fails the gate."""
        return self.fail_on is not Severity.OFF and diagnostic.severity.rank >= self.fail_on.rank

    @property
    def failed(self) -> bool:
        """Whether any diagnostic fails the gate."""
        return any(self.fails(diagnostic) for diagnostic in self.diagnostics)

    def title(self, code: str) -> str:
        """The one-line title of a code, or the code itself when its declaration was not given."""
        rule = self.rules.get(code)
        return rule.title if rule else code


class DiagnosticFormat(ABC):
    """One output format for diagnostics. Implementations are registered under the entry point
    group `charter.diagnostic_formats` and built without arguments by the registry."""

    name: str

    @classmethod
    def styled(cls, color: bool) -> DiagnosticFormat:
        """The format for an output that shows colour (`color`: a terminal without NO_COLOR) or not;
        formats without styles ignore it."""
        return cls()

    @abstractmethod
    def render(self, report: DiagnosticReport) -> str:
        """The whole output for this report, ending with a newline."""
