"""Finds report formats as diagnostic formats are found: the built-ins named below, and plugins
through the entry point group `charter.report_formats`; nothing registers itself on import."""

from __future__ import annotations

from charter.outputs.formats.interface import ReportFormat, Terminal
from charter.outputs.interface import OutputError
from charter.outputs.plugins import registered
from charter.outputs.printable import printable_view
from charter.outputs.views.base import ReportView

ENTRY_POINT_GROUP = "charter.report_formats"

BUILT_IN = {
    "table": "charter.outputs.formats.table:TableReportFormat",
    "json": "charter.outputs.formats.json:JsonReportFormat",
    "markdown": "charter.outputs.formats.markdown:MarkdownReportFormat",
    "csv": "charter.outputs.formats.csv:CsvReportFormat",
    "html": "charter.outputs.formats.html:HtmlReportFormat",
}


def report_format_names() -> list[str]:
    """The names of the registered report formats, sorted, without loading any of them."""
    return sorted(registered(ENTRY_POINT_GROUP, BUILT_IN))


def report_format(name: str) -> type[ReportFormat]:
    """The report format registered under `name`, loaded now."""
    entry_point = registered(ENTRY_POINT_GROUP, BUILT_IN).get(name)
    if entry_point is not None:
        try:
            loaded = entry_point.load()
        except (ImportError, AttributeError) as error:
            raise OutputError(f"report format {name!r} cannot be loaded: {error}") from error
        if not (isinstance(loaded, type) and issubclass(loaded, ReportFormat)):
            raise OutputError(f"report format {name!r} ({entry_point.value}) is not a ReportFormat")
        return loaded
    known = ", ".join(report_format_names()) or "none"
    raise OutputError(f"unknown report format {name!r} (known: {known})")


def render_report(name: str, view: ReportView, terminal: Terminal | None = None) -> str:
    """The report rendered in the format registered under `name`, every string in it made printable
    first (control characters and undecodable bytes escaped), whatever the format; laid out for
    `terminal` when the command's output goes to one."""
    chosen = report_format(name)()
    shown = printable_view(view)
    return chosen.render(shown) if terminal is None else chosen.render_in_terminal(shown, terminal)
