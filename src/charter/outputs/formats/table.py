"""Any report as terminal tables (Rich): headings and paragraphs as lines, tables with their
titles as captions, laid out for the terminal's width. A table too wide for it leaves out its least
important columns first (the layout ranks them, `Column.drop_rank`) and says which; Rich folds what
is still too long. Style hints on cells (`Styled`) show only in a colour terminal."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from charter.outputs.document import TERMINAL, Figure, Heading, Paragraph, Styled, TableBlock
from charter.outputs.formats.interface import ReportFormat, Terminal
from charter.outputs.reports import document_of
from charter.outputs.views.base import ReportView

UNBOUNDED = 100_000  # columns: wider than any table, so a table's natural width is measured


def _cell(text: str, colour: bool) -> Text | str:
    if isinstance(text, Styled) and colour:
        return Text(text, style=text.style)
    return Text(text)


def _table(block: TableBlock, shown: Sequence[int], colour: bool) -> Table:
    table = Table(title=block.title, title_justify="left", show_header=block.show_header)
    for index in shown:
        column = block.columns[index]
        table.add_column(column.header, justify=column.justify, overflow="fold" if column.fold else "ellipsis")  # type: ignore[arg-type]
    for row in block.rows:
        table.add_row(*(_cell(row[index], colour) for index in shown))
    return table


def _columns_that_fit(block: TableBlock, console: Console, colour: bool) -> list[int]:
    """The columns shown: all of them, less the least important while the table is wider than
    the console (the rightmost of equal rank first); never a column of rank 0."""
    shown = list(range(len(block.columns)))
    unbounded = console.options.update_width(UNBOUNDED)  # measured within the console, never wider
    while Measurement.get(console, unbounded, _table(block, shown, colour)).maximum > console.width:
        droppable = [index for index in shown if block.columns[index].drop_rank > 0]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda index: (block.columns[index].drop_rank, index)))
    return shown


def _print_table(console: Console, block: TableBlock, terminal: Terminal) -> None:
    shown = list(range(len(block.columns))) if terminal.wide else _columns_that_fit(block, console, terminal.colour)
    console.print(_table(block, shown, terminal.colour))
    left_out = [column.header for index, column in enumerate(block.columns) if index not in shown]
    if left_out:
        console.print(
            f"(left out at this width: {', '.join(left_out)}; --wide shows them)",
            markup=False,
            highlight=False,
            style="dim" if terminal.colour else None,
        )


class TableReportFormat(ReportFormat):
    name = "table"

    def render(self, view: ReportView) -> str:
        return self.render_in_terminal(view, Terminal())

    def render_in_terminal(self, view: ReportView, terminal: Terminal) -> str:
        document = document_of(view)
        if terminal.width is None:
            width = document.width
        else:
            width = max(terminal.width, document.width) if terminal.wide else terminal.width
        console = Console(
            record=True,
            width=width,
            file=io.StringIO(),
            force_terminal=terminal.colour,
            color_system="standard" if terminal.colour else None,
            highlight=False,
        )
        for block in document.blocks_for(TERMINAL):
            if isinstance(block, TableBlock):
                _print_table(console, block, terminal)
            elif isinstance(block, Heading | Paragraph):
                console.print(block.text, markup=False, highlight=False)
            elif isinstance(block, Figure):  # a chart reads as its data
                console.print(f"{block.title}: {block.description}", markup=False, highlight=False)
                _print_table(console, block.data, terminal)
        return console.export_text(styles=terminal.colour)
