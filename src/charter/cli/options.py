"""Options shared by every command, so `--repo` and `--format` read the same everywhere."""

from __future__ import annotations

import os
import shutil
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from charter.model.diagnostics import Diagnostic
from charter.model.errors import UsageError

if TYPE_CHECKING:
    from charter.outputs.formats.interface import Terminal
    from charter.outputs.views.base import ReportView

RepoOption = Annotated[
    Path | None,
    typer.Option(
        "--repo",
        help="The strategy repository (default: nearest directory upward holding charter.yaml).",
        file_okay=False,
        show_default=False,
    ),
]


class FailOn(StrEnum):
    """`--fail-on`: the lowest severity that makes the command exit 1 (`never`: it exits 0)."""

    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


FailOnOption = Annotated[
    FailOn,
    typer.Option("--fail-on", help="Exit 1 when a diagnostic is at or above this severity (never: exit 0)."),
]


def gate_met(diagnostics: Sequence[Diagnostic], fail_on: FailOn, failed: bool = False) -> bool:
    """Whether the command exits 1: a diagnostic at or above `fail_on` (the services' rule), or
    (unless `never`) a file or pull that failed."""
    from charter.model.diagnostics import Severity
    from charter.services.gate import gate_met as diagnostics_meet

    if fail_on is FailOn.never:
        return False
    return failed or diagnostics_meet(diagnostics, Severity(fail_on.value))


OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of the terminal.", dir_okay=False)
]


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"
    html = "html"


WideOption = Annotated[bool, typer.Option("--wide", help="Every column of every table, however narrow the terminal.")]


def terminal_for(output: Path | None, wide: bool) -> Terminal:
    """How a report's tables are laid out: for the terminal's width (COLUMNS, else the terminal's
    own) with colour when standard output is a terminal; at the layout's width in a pipe or a file
    (`-o`), where no terminal says how wide it is."""
    from charter.outputs.formats.interface import Terminal

    if output is not None:
        return Terminal(None, colour=False, wide=wide)
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        width: int | None = int(columns)
    elif sys.stdout.isatty():
        width = shutil.get_terminal_size().columns
    else:
        width = None
    return Terminal(width, colour=colour_wanted(output), wide=wide)


def emit_report(report: ReportView, format_name: str, output: Path | None, wide: bool = False) -> None:
    """Render the report in the format `format_name`, laid out for where it goes, and print it or
    write it to `--output`."""
    from charter.outputs.report_registry import render_report

    emit(render_report(format_name, report, terminal_for(output, wide)), output)


def repository(repo: Path | None) -> Path:
    """The strategy repository; InputError (exit 2, a plain message) when there is none."""
    from charter.services.context import repository_root

    return repository_root(repo)


EARLIEST_DAY = date(1970, 1, 1)  # no fact Charter reads is older: git and every importer count from 1970
LATEST_DAY = date(2999, 12, 31)  # far enough for any plan; a day or a window after it would not fit a date


def supported_day(value: datetime | None) -> datetime | None:
    """Callback of every date option (`--as-of`, `--since`, `--until`): a day Charter can compute
    with, or a usage error (exit 2) saying which days are (9999-12-31 plus a day overflowed)."""
    if value is not None and not EARLIEST_DAY <= value.date() <= LATEST_DAY:
        raise typer.BadParameter(
            f"{value.date().isoformat()} is outside the days Charter reports on, "
            f"{EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}"
        )
    return value


DEPRECATED_OPTIONS = {"--repo-name": "--repository", "--output-format": "--format"}
"""Old option names kept, hidden, for scripts that use them: each warns and names its replacement."""


def _warn_deprecated(param: typer.CallbackParam, value: object) -> object:
    if value is not None:
        old = max(param.opts, key=len)
        warn(f"{old} is deprecated and will be removed: use {DEPRECATED_OPTIONS[old]}")
    return value


def deprecated_option(old: str) -> Any:
    """A hidden option under an old name (a key of DEPRECATED_OPTIONS) that still works and warns."""
    return typer.Option(old, hidden=True, callback=_warn_deprecated, help=f"Deprecated: use {DEPRECATED_OPTIONS[old]}.")


def warn(message: str) -> None:
    """A warning on stderr: the command goes on."""
    typer.secho(f"warning: {message}", err=True, fg=typer.colors.YELLOW)


def emit(text: str, output: Path | None) -> None:
    """Print, or write to `--output`."""
    from charter.outputs.printable import encodable

    text = encodable(text)
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        try:
            output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        except OSError as error:
            raise UsageError(f"--output {output}: cannot write it ({error.strerror or error})") from None
        typer.secho(f"wrote {output}", err=True, fg=typer.colors.GREEN)


def colour_off() -> bool:
    """Whether colour is turned off for the whole command: `NO_COLOR` set (no-color.org) or
    `--no-color` given (the root command turns its context's colour off, and every command's
    context inherits it)."""
    if os.environ.get("NO_COLOR"):
        return True
    from typer._click.globals import get_current_context  # Typer 0.29 carries its own Click

    context = get_current_context(silent=True)
    return context is not None and context.color is False


def colour_wanted(output: Path | None, stream: TextIO | None = None) -> bool:
    """Whether text written to `stream` (standard output) shows colour: a terminal, no `-o` file,
    and neither `NO_COLOR` nor `--no-color`."""
    if output is not None or colour_off():
        return False
    target = stream if stream is not None else sys.stdout
    return bool(getattr(target, "isatty", lambda: False)())


def print_diagnostics(diagnostics: Sequence[Diagnostic], root: Path, per_code: int | None = None) -> None:
    """Show what a sync or an import found, as `charter check` prints it, on stderr; with `per_code`,
    at most that many of each code, and a line saying how many more there are."""
    from charter.outputs.interface import DiagnosticReport
    from charter.outputs.registry import render_diagnostics

    shown: list[Diagnostic] = []
    kept: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    for item in sorted(diagnostics, key=Diagnostic.sort_key):
        if per_code is not None and kept[item.code] >= per_code:
            hidden[item.code] += 1
        else:
            kept[item.code] += 1
            shown.append(item)
    report = DiagnosticReport(tuple(shown), root)
    text = render_diagnostics("text", report, color=colour_wanted(None, sys.stderr))
    typer.echo(text, err=True, nl=False)
    for code, count in sorted(hidden.items()):
        typer.echo(f"… and {count} more {code} (charter rules shows what {code} means)", err=True)
