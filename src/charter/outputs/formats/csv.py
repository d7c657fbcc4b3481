"""Any report's flat table as CSV: a header row, then one row per record."""

from __future__ import annotations

import csv
import io

from charter.outputs.formats.interface import ReportFormat
from charter.outputs.reports import document_of
from charter.outputs.views.base import ReportView


class CsvReportFormat(ReportFormat):
    name = "csv"

    def render(self, view: ReportView) -> str:
        table = document_of(view).csv
        if table is None:
            raise ValueError(f"the {view.report} report has no CSV form; use json or markdown")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.header)
        writer.writerows(table.rows)
        return buffer.getvalue()
