"""Any report as terminal tables (Rich): headings and paragraphs as lines, tables with their
titles as captions, laid out for the document's width."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from charter.outputs.document import TERMINAL, Figure, Heading, Paragraph, TableBlock
from charter.outputs.formats.interface import ReportFormat
from charter.outputs.reports import document_of
from charter.outputs.views.base import ReportView


def _table(block: TableBlock) -> Table:
    table = Table(title=block.title, title_justify="left", show_header=block.show_header)
    for column in block.columns:
        table.add_column(column.header, justify=column.justify, overflow="fold" if column.fold else "ellipsis")  # type: ignore[arg-type]
    for row in block.rows:
        table.add_row(*row)
    return table


class TableReportFormat(ReportFormat):
    name = "table"

    def render(self, view: ReportView) -> str:
        document = document_of(view)
        console = Console(record=True, width=document.width, file=io.StringIO())
        for block in document.blocks_for(TERMINAL):
            if isinstance(block, TableBlock):
                console.print(_table(block))
            elif isinstance(block, Heading | Paragraph):
                console.print(block.text, markup=False, highlight=False)
            elif isinstance(block, Figure):  # a chart reads as its data
                console.print(f"{block.title}: {block.description}", markup=False, highlight=False)
                console.print(_table(block.data))
        return console.export_text()
