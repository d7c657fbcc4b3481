"""Finds diagnostic formats: the built-ins named below, and plugins through the entry point group
`charter.diagnostic_formats`, so a plugin adds a format by declaring an entry point; nothing
registers itself on import."""

from __future__ import annotations

from importlib.metadata import EntryPoint

from charter.outputs.interface import DiagnosticFormat, DiagnosticReport, OutputError
from charter.outputs.plugins import registered
from charter.outputs.printable import printable_report

ENTRY_POINT_GROUP = "charter.diagnostic_formats"

BUILT_IN = {
    "text": "charter.outputs.text:TextFormat",
    "table": "charter.outputs.table:TableFormat",
    "json": "charter.outputs.json_format:JsonFormat",
    "sarif": "charter.outputs.sarif:SarifFormat",
    "junit": "charter.outputs.junit:JunitFormat",
    "markdown": "charter.outputs.markdown:MarkdownFormat",
    "github": "charter.outputs.github:GithubFormat",
    "gitlab": "charter.outputs.gitlab:GitlabFormat",
}


def format_names() -> list[str]:
    """The names of the registered formats, sorted, without loading any of them."""
    return sorted(registered(ENTRY_POINT_GROUP, BUILT_IN))


def diagnostic_format(name: str) -> type[DiagnosticFormat]:
    """The format registered under `name`, loaded now. A built-in's name is not looked up among the
    installed packages' entry points (no plugin replaces a built-in): that scan costs a command 10 ms."""
    built_in = BUILT_IN.get(name)
    if built_in is not None:
        return _load(EntryPoint(name, built_in, ENTRY_POINT_GROUP))
    entry_point = registered(ENTRY_POINT_GROUP, BUILT_IN).get(name)
    if entry_point is not None:
        return _load(entry_point)
    known = ", ".join(format_names()) or "none"
    raise OutputError(f"unknown diagnostic format {name!r} (known: {known})")


def diagnostic_formats() -> dict[str, type[DiagnosticFormat]]:
    """Every registered format by name, all loaded."""
    return {name: diagnostic_format(name) for name in format_names()}


def render_diagnostics(name: str, report: DiagnosticReport, *, color: bool = False) -> str:
    """The report rendered in the format registered under `name`, in colour when `color`; its text
    made printable first (control characters and undecodable bytes escaped), whatever the format."""
    return diagnostic_format(name).styled(color).render(printable_report(report))


def _load(entry_point: EntryPoint) -> type[DiagnosticFormat]:
    try:
        loaded = entry_point.load()
    except (ImportError, AttributeError) as error:
        raise OutputError(f"diagnostic format {entry_point.name!r} cannot be loaded: {error}") from error
    if not (isinstance(loaded, type) and issubclass(loaded, DiagnosticFormat)):
        raise OutputError(f"diagnostic format {entry_point.name!r} ({entry_point.value}) is not a DiagnosticFormat")
    return loaded
