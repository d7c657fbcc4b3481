"""`charter check`: the CI gate over the strategy repository."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from charter.cli.options import FailOn, OutputOption, RepoOption, colour_wanted, emit, supported_day, warn
from charter.model.diagnostics import Severity
from charter.model.errors import GateFailed, InputError, UsageError
from charter.outputs.interface import OutputError
from charter.outputs.registry import format_names, render_diagnostics


def _codes(values: list[str]) -> tuple[str, ...]:
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def check_command(
    repo: RepoOption = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar=f"<{'|'.join(format_names())}>",
            help=f"One of: {', '.join(format_names())} (text: one line per diagnostic, as linters print).",
        ),
    ] = "text",
    output: OutputOption = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Lowest severity that fails the gate.")] = FailOn.error,
    select_codes: Annotated[
        list[str],
        typer.Option("--select", help="Only these codes or prefixes (REL, OWN002); repeat or comma-separate."),
    ] = [],  # noqa: B006 - Typer reads the default, never mutates it
    ignore_codes: Annotated[list[str], typer.Option("--ignore", help="Leave out these codes or prefixes.")] = [],  # noqa: B006
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Report only diagnostics not in this baseline.", dir_okay=False)
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option("--write-baseline", help="Write every current diagnostic to this baseline.", dir_okay=False),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="Parse every file again; read and write no cache (.charter/cache.sqlite)."),
    ] = False,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            callback=supported_day,
            formats=["%Y-%m-%d"],
            help="Judge review dates and expiries as of this day.",
        ),
    ] = None,
) -> None:
    """Check the strategy: schema, references, ownership, reliability mechanisms, migrations,
    risks, decisions, standards. Exit 0 when clean, 1 when something is at or above --fail-on,
    2 when the repository cannot be read or the usage is wrong."""
    from charter.services.check import CheckOptions, check_repository

    if output_format not in format_names():
        raise UsageError(f"unknown format {output_format!r}; choose one of {', '.join(format_names())}")
    options = CheckOptions(
        as_of=as_of.date() if as_of else None,
        select=_codes(select_codes),
        ignore=_codes(ignore_codes),
        baseline=baseline,
        write_baseline=write_baseline,
        fail_on=Severity.OFF if fail_on is FailOn.never else Severity(fail_on.value),
        use_cache=not no_cache,
    )
    outcome = check_repository(repo, options, warn)
    if write_baseline is not None:
        typer.secho(f"wrote {outcome.baseline_written} diagnostics to baseline {write_baseline}", err=True)
    try:
        text = render_diagnostics(output_format, outcome.report, color=colour_wanted(output))
    except OutputError as error:  # a plugin format that cannot be loaded or fails
        raise UsageError(str(error)) from None
    emit(text, output)
    if outcome.unreadable is not None:  # the input could not be read: exit 2, whatever the gate
        raise InputError(outcome.unreadable)
    if outcome.report.failed:
        raise GateFailed()
