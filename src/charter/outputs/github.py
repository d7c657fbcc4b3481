"""Diagnostics as GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=CODE::message`),
so a pull request shows each one inline on its line without SARIF upload rights. Paths are made
relative to the workspace (`GITHUB_WORKSPACE`, else the working directory) when the strategy
repository lies inside it, as GitHub needs them."""

from __future__ import annotations

from charter.model.diagnostics import Diagnostic, Severity
from charter.outputs.interface import DiagnosticFormat, DiagnosticReport
from charter.outputs.workspace_paths import workspace_prefix

COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.OFF: "notice",
}


class GithubFormat(DiagnosticFormat):
    """One workflow command per diagnostic, then the counts as a plain line (shown in the log)."""

    name = "github"

    def render(self, report: DiagnosticReport) -> str:
        prefix = workspace_prefix(report.root, "GITHUB_WORKSPACE")
        lines = [_command(diagnostic, report, prefix) for diagnostic in report.diagnostics]
        lines.append(f"charter: {report.counts}")
        return "\n".join(lines) + "\n"


def _command(diagnostic: Diagnostic, report: DiagnosticReport, prefix: str) -> str:
    properties: list[tuple[str, str]] = []
    location = diagnostic.location
    if location is not None:
        properties.append(("file", prefix + location.path))
        if location.line:
            properties.append(("line", str(location.line)))
            properties.append(("col", str(location.column or 1)))
    properties.append(("title", f"{diagnostic.code} {report.title(diagnostic.code)}"))
    listed = ",".join(f"{key}={_escape_property(value)}" for key, value in properties)
    message = diagnostic.message + (f"\n{diagnostic.hint}" if diagnostic.hint else "")
    return f"::{COMMANDS[diagnostic.severity]} {listed}::{_escape_data(message)}"


def _escape_data(value: str) -> str:
    """GitHub's escaping of a command's message (actions/toolkit `escapeData`)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    """GitHub's escaping of a command's property value (actions/toolkit `escapeProperty`)."""
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
