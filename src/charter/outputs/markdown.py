"""Diagnostics as a GitHub-flavoured Markdown table, for pull-request comments and job summaries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from charter.model.diagnostics import Diagnostic
from charter.outputs.interface import DiagnosticFormat, DiagnosticReport

_HEADER = ("Location", "Severity", "Code", "Message", "Entity", "Hint")


class MarkdownFormat(DiagnosticFormat):
    """A summary line, then one table row per diagnostic."""

    name = "markdown"

    def render(self, report: DiagnosticReport) -> str:
        lines = [f"**{report.counts}** (charter {escape(report.version)})", ""]
        if not report.diagnostics:
            lines.append("No diagnostics.")
            return "\n".join(lines) + "\n"
        lines.append(_row(_HEADER))
        lines.append(_row(("---",) * len(_HEADER)))
        lines.extend(_row(_cells(diagnostic)) for diagnostic in report.diagnostics)
        return "\n".join(lines) + "\n"


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A GitHub-flavoured Markdown table as lines, every cell escaped."""
    lines = ["| " + " | ".join(escape(header) for header in headers) + " |", "|" + "---|" * len(headers)]
    return lines + ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in rows]


def escape(text: str) -> str:
    """Text safe inside a table cell: no raw HTML, no cell-ending pipe, no row-ending newline.
    Backticks and emphasis are kept, so `code` in a message still renders as code."""
    text = text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("|", "\\|")
    return "<br>".join(line.strip() for line in text.splitlines()) if text else ""


def _cells(diagnostic: Diagnostic) -> tuple[str, ...]:
    return (
        str(diagnostic.location) if diagnostic.location else "",
        diagnostic.severity.value,
        diagnostic.code,
        diagnostic.message,
        diagnostic.entity or "",
        diagnostic.hint,
    )


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(escape(cell) for cell in cells) + " |"
