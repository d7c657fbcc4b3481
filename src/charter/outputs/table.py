"""Diagnostics as a Rich table, for the terminal."""

from __future__ import annotations

import io
import shutil

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from charter.model.diagnostics import Severity
from charter.outputs.interface import DiagnosticFormat, DiagnosticReport

_SEVERITY_STYLE = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "yellow",
    Severity.INFO: "blue",
    Severity.OFF: "dim",
}


class TableFormat(DiagnosticFormat):
    """A table of diagnostics and a summary line. Plain text by default; `color=True` keeps the
    styles as ANSI escapes for a terminal that shows them."""

    name = "table"

    def __init__(self, width: int | None = None, color: bool = False) -> None:
        # The terminal's width when there is one; 160 columns in files and pipes.
        self.width = width or max(100, shutil.get_terminal_size((160, 24)).columns)
        self.color = color

    @classmethod
    def styled(cls, color: bool) -> TableFormat:
        return cls(color=color)

    def render(self, report: DiagnosticReport) -> str:
        console = Console(
            file=io.StringIO(),
            record=True,
            width=self.width,
            color_system="standard" if self.color else None,
            force_terminal=self.color,
            highlight=False,
            emoji=False,
            legacy_windows=False,
        )
        if report.diagnostics:
            console.print(_table(report))
        else:
            console.print(Text("No diagnostics."))
        console.print(Text(str(report.counts), style="bold"))
        text = console.export_text(styles=self.color)
        if self.color:
            return text
        # Rich pads every cell to its column's width; plain text needs no trailing spaces.
        return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def _table(report: DiagnosticReport) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("Location", "Severity", "Code", "Message", "Entity", "Hint"):
        # Severity and code are short and read best whole; the rest wrap, and fold long words.
        table.add_column(column, no_wrap=column in ("Severity", "Code"), overflow="fold")
    for diagnostic in report.diagnostics:
        # Text, not str, so brackets in messages are shown and never read as Rich markup.
        table.add_row(
            Text(str(diagnostic.location) if diagnostic.location else ""),
            Text(diagnostic.severity.value, style=_SEVERITY_STYLE[diagnostic.severity]),
            Text(diagnostic.code),
            Text(diagnostic.message),
            Text(diagnostic.entity or ""),
            Text(diagnostic.hint),
        )
    return table
