"""Finds report formats through the entry point group `charter.report_formats`, as diagnostic
formats are found: a plugin adds a format by declaring an entry point; nothing registers itself on
import."""

from __future__ import annotations

from importlib.metadata import entry_points

from charter.outputs.formats.interface import ReportFormat
from charter.outputs.interface import OutputError
from charter.outputs.views.base import ReportView

ENTRY_POINT_GROUP = "charter.report_formats"


def report_format_names() -> list[str]:
    """The names of the registered report formats, sorted, without loading any of them."""
    return sorted({entry_point.name for entry_point in entry_points(group=ENTRY_POINT_GROUP)})


def report_format(name: str) -> type[ReportFormat]:
    """The report format registered under `name`, loaded now."""
    for entry_point in entry_points(group=ENTRY_POINT_GROUP, name=name):
        try:
            loaded = entry_point.load()
        except (ImportError, AttributeError) as error:
            raise OutputError(f"report format {name!r} cannot be loaded: {error}") from error
        if not (isinstance(loaded, type) and issubclass(loaded, ReportFormat)):
            raise OutputError(f"report format {name!r} ({entry_point.value}) is not a ReportFormat")
        return loaded
    known = ", ".join(report_format_names()) or "none"
    raise OutputError(f"unknown report format {name!r} (known: {known})")


def render_report(name: str, view: ReportView) -> str:
    """The report rendered in the format registered under `name`."""
    return report_format(name)().render(view)
