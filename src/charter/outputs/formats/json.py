"""Any report as indented JSON: its view model, with the names users' scripts read."""

from __future__ import annotations

from charter.outputs.formats.interface import ReportFormat
from charter.outputs.json_text import indented_json
from charter.outputs.views.base import ReportView


class JsonReportFormat(ReportFormat):
    name = "json"

    def render(self, view: ReportView) -> str:
        return indented_json(view.as_data())
