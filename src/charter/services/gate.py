"""A report with a `--fail-on` gate: the report's view, the diagnostics it raised, and whether one
of them is at or above the severity the gate fails on. The command writes the report first, then
ends with GateFailed when the gate is met."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from charter.model.diagnostics import Diagnostic, Severity
from charter.outputs.views.base import ReportView

ViewT = TypeVar("ViewT", bound=ReportView)


@dataclass(frozen=True, slots=True)
class GatedReport(Generic[ViewT]):
    view: ViewT
    diagnostics: tuple[Diagnostic, ...]
    gate_met: bool


def gate_met(diagnostics: Iterable[Diagnostic], fail_on: Severity | None) -> bool:
    """Whether a diagnostic is at or above `fail_on` (never, when it is None)."""
    return fail_on is not None and any(item.severity.rank >= fail_on.rank for item in diagnostics)
