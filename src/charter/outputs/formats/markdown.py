"""Any report as GitHub-flavoured Markdown: headings, tables and paragraphs, blank lines between;
a chart as its title, its text alternative and its data table."""

from __future__ import annotations

from charter.outputs.document import MARKDOWN, Figure, Heading, Paragraph, TableBlock
from charter.outputs.formats.interface import ReportFormat
from charter.outputs.markdown import markdown_table
from charter.outputs.reports import document_of
from charter.outputs.views.base import ReportView


def _table(block: TableBlock) -> list[str]:
    headers = [column.header for column in block.columns]
    if block.escape:
        return markdown_table(headers, block.rows)
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return lines + ["| " + " | ".join(row) + " |" for row in block.rows]


class MarkdownReportFormat(ReportFormat):
    name = "markdown"

    def render(self, view: ReportView) -> str:
        parts: list[str] = []
        for block in document_of(view).blocks_for(MARKDOWN):
            if isinstance(block, Heading):
                parts.append("#" * block.level + " " + block.text)
            elif isinstance(block, TableBlock):
                if block.title is not None:
                    parts.append("#" * block.title_level + " " + block.title)
                parts.append("\n".join(_table(block)))
            elif isinstance(block, Paragraph):
                parts.append(block.text)
            elif isinstance(block, Figure):  # a chart reads as its data
                parts += [f"**{block.title}**: {block.description}", "\n".join(_table(block.data))]
        return "\n\n".join(parts) + "\n"
