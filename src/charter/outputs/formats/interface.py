"""The one interface every report format implements, and what a terminal tells a format about
itself."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from charter.outputs.views.base import ReportView


@dataclass(frozen=True, slots=True)
class Terminal:
    """Where a report is shown: its width in columns (None: the width the layout asks for),
    whether it shows colour, and whether every column is wanted however wide (`--wide`)."""

    width: int | None = None
    colour: bool = False
    wide: bool = False


class ReportFormat(ABC):
    """One output format for every report. Implementations are registered under the entry point
    group `charter.report_formats` and built without arguments."""

    name: str

    @abstractmethod
    def render(self, view: ReportView) -> str:
        """The whole report in this format, ending with a newline."""

    def render_in_terminal(self, view: ReportView, terminal: Terminal) -> str:
        """The report for a terminal; a format that lays nothing out for one renders as ever."""
        return self.render(view)
