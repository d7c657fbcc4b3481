"""The one interface every report format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod

from charter.outputs.views.base import ReportView


class ReportFormat(ABC):
    """One output format for every report. Implementations are registered under the entry point
    group `charter.report_formats` and built without arguments."""

    name: str

    @abstractmethod
    def render(self, view: ReportView) -> str:
        """The whole report in this format, ending with a newline."""
