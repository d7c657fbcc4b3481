"""Options shared by every command, so `--repo` and `--format` read the same everywhere."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from charter.model.diagnostics import Diagnostic
from charter.model.errors import UsageError

RepoOption = Annotated[
    Path | None,
    typer.Option(
        "--repo",
        help="The strategy repository (default: nearest directory upward holding charter.yaml).",
        file_okay=False,
        show_default=False,
    ),
]

OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of the terminal.", dir_okay=False)
]


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"
    html = "html"


def repository(repo: Path | None) -> Path:
    """The strategy repository; InputError (exit 2, a plain message) when there is none."""
    from charter.services.context import repository_root

    return repository_root(repo)




def warn(message: str) -> None:
    """A warning on stderr: the command goes on."""
    typer.secho(f"warning: {message}", err=True, fg=typer.colors.YELLOW)


def emit(text: str, output: Path | None) -> None:
    """Print, or write to `--output`."""
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        try:
            output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        except OSError as error:
            raise UsageError(f"--output {output}: cannot write it ({error.strerror or error})") from None
        typer.secho(f"wrote {output}", err=True, fg=typer.colors.GREEN)


def print_diagnostics(diagnostics: Sequence[Diagnostic], root: Path, per_code: int | None = None) -> None:
    """Show what a sync or an import found, as `charter check`'s table, on stderr; with `per_code`,
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
    typer.echo(render_diagnostics("table", report), err=True, nl=False)
    for code, count in sorted(hidden.items()):
        typer.echo(f"… and {count} more {code} (charter rules shows what {code} means)", err=True)
