"""Finds diagnostic formats through the entry point group `charter.diagnostic_formats`, so a
plugin adds a format by declaring an entry point; nothing registers itself on import."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from charter.outputs.interface import DiagnosticFormat, DiagnosticReport, OutputError

ENTRY_POINT_GROUP = "charter.diagnostic_formats"


def format_names() -> list[str]:
    """The names of the registered formats, sorted, without loading any of them."""
    return sorted({entry_point.name for entry_point in entry_points(group=ENTRY_POINT_GROUP)})


def diagnostic_format(name: str) -> type[DiagnosticFormat]:
    """The format registered under `name`, loaded now."""
    for entry_point in entry_points(group=ENTRY_POINT_GROUP, name=name):
        return _load(entry_point)
    known = ", ".join(format_names()) or "none"
    raise OutputError(f"unknown diagnostic format {name!r} (known: {known})")


def diagnostic_formats() -> dict[str, type[DiagnosticFormat]]:
    """Every registered format by name, all loaded."""
    return {name: diagnostic_format(name) for name in format_names()}


def render_diagnostics(name: str, report: DiagnosticReport, *, color: bool = False) -> str:
    """The report rendered in the format registered under `name`, in colour when `color`."""
    return diagnostic_format(name).styled(color).render(report)


def _load(entry_point: EntryPoint) -> type[DiagnosticFormat]:
    try:
        loaded = entry_point.load()
    except (ImportError, AttributeError) as error:
        raise OutputError(f"diagnostic format {entry_point.name!r} cannot be loaded: {error}") from error
    if not (isinstance(loaded, type) and issubclass(loaded, DiagnosticFormat)):
        raise OutputError(f"diagnostic format {entry_point.name!r} ({entry_point.value}) is not a DiagnosticFormat")
    return loaded
