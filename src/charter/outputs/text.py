"""Diagnostics one per line, as linters print them (`path:line:col: CODE message`), grouped by
file with the hint indented beneath and the summary last: the default of `charter check` in a
terminal, where editors and terminals make each location clickable."""

from __future__ import annotations

from itertools import groupby

from charter.model.diagnostics import Diagnostic, Severity
from charter.outputs.interface import DiagnosticFormat, DiagnosticReport

# ANSI SGR codes by severity; only used when the output goes to a colour terminal.
_SEVERITY_COLOUR = {
    Severity.ERROR: "1;31",
    Severity.WARNING: "33",
    Severity.INFO: "34",
    Severity.OFF: "2",
}
_BOLD = "1"
_DIM = "2"


class TextFormat(DiagnosticFormat):
    """`path:line:col: CODE message`, a blank line between files, `hint:` beneath, then the counts.
    A diagnostic with no location (the repository as a whole) is listed first, without a path."""

    name = "text"

    def __init__(self, color: bool = False) -> None:
        self.color = color

    @classmethod
    def styled(cls, color: bool) -> TextFormat:
        return cls(color=color)

    def render(self, report: DiagnosticReport) -> str:
        lines: list[str] = []
        by_path = groupby(report.diagnostics, key=lambda item: item.location.path if item.location else "")
        for _path, diagnostics in by_path:
            if lines:
                lines.append("")
            lines.extend(self._entry(diagnostic) for diagnostic in diagnostics)
        if not report.diagnostics:
            lines.append("No diagnostics.")
        elif lines:
            lines.append("")
        lines.append(self._paint(_summary(report), _BOLD))
        return "\n".join(lines) + "\n"

    def _entry(self, diagnostic: Diagnostic) -> str:
        where = f"{diagnostic.location}: " if diagnostic.location else ""
        code = self._paint(diagnostic.code, _SEVERITY_COLOUR[diagnostic.severity])
        head = f"{self._paint(where, _BOLD) if where else ''}{code} {_one_line(diagnostic.message)}"
        if diagnostic.severity is not Severity.ERROR:
            head += f" ({diagnostic.severity.value})"
        if not diagnostic.hint:
            return head
        return f"{head}\n    {self._paint('hint:', _DIM)} {_one_line(diagnostic.hint)}"

    def _paint(self, text: str, sgr: str) -> str:
        return f"\x1b[{sgr}m{text}\x1b[0m" if self.color and text else text


def _summary(report: DiagnosticReport) -> str:
    counts = report.counts
    if not report.diagnostics:
        return str(counts)
    files = len({item.location.path for item in report.diagnostics if item.location})
    in_files = f" in {files} file{'s' if files != 1 else ''}" if files else ""
    return f"Found {counts}{in_files}."


def _one_line(text: str) -> str:
    """A message on one line: a newline inside it would read as the next diagnostic."""
    return " ".join(text.split("\n"))
