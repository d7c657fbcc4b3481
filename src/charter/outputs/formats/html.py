"""Any report as one self-contained HTML page: its Document's headings, tables, paragraphs and
charts under Charter's packaged style sheet, with no script and nothing fetched from elsewhere."""

from __future__ import annotations

from charter import __version__
from charter.outputs.formats.interface import ReportFormat
from charter.outputs.html import document_fragment, html_page, page_title
from charter.outputs.reports import document_of
from charter.outputs.views.base import ReportView


class HtmlReportFormat(ReportFormat):
    name = "html"

    def render(self, view: ReportView) -> str:
        document = document_of(view)
        title = page_title(document, f"Charter {view.report}")
        meta = {"generator": f"Charter {__version__}", "charter-report": view.report}
        return html_page(title, document_fragment(document), meta)
