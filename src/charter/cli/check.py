"""`charter check`: the CI gate over the strategy repository."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from charter.analysis.checks.baseline import baseline_document, new_since, parse_baseline
from charter.analysis.checks.selection import select
from charter.cli.options import OutputOption, RepoOption, emit, fail, repository
from charter.cli.store import optional_store
from charter.model.diagnostics import Severity
from charter.outputs.interface import DiagnosticReport, OutputError
from charter.outputs.registry import format_names, render_diagnostics
from charter.services.check_cache import check_repository


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def _codes(values: list[str]) -> list[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def check_command(
    repo: RepoOption = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(format_names())}.")
    ] = "table",
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
        bool, typer.Option("--no-cache", help="Parse every file again, ignoring the store's cache.")
    ] = False,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Judge review dates and expiries as of this day."),
    ] = None,
) -> None:
    """Check the strategy: schema, references, ownership, reliability mechanisms, migrations,
    risks, decisions, standards. Exit 0 when clean, 1 when something is at or above --fail-on,
    2 when the repository cannot be read or the usage is wrong."""
    root = repository(repo)
    if output_format not in format_names():
        fail(f"unknown format {output_format!r}; choose one of {', '.join(format_names())}")
    accepted: frozenset[str] = frozenset()
    if baseline is not None:
        try:
            accepted = parse_baseline(baseline.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            fail(f"baseline {baseline}: {error}")
    with optional_store(root, enabled=not no_cache) as store:
        diagnostics = select(
            check_repository(root, store, as_of.date() if as_of else None), _codes(select_codes), _codes(ignore_codes)
        )
    if write_baseline is not None:
        write_baseline.write_text(baseline_document(diagnostics), encoding="utf-8")
        typer.secho(f"wrote {len(diagnostics)} diagnostics to baseline {write_baseline}", err=True)
    if baseline is not None:
        diagnostics = new_since(diagnostics, accepted)
    threshold = Severity.OFF if fail_on is FailOn.never else Severity(fail_on.value)
    report = DiagnosticReport(tuple(diagnostics), root, fail_on=threshold)
    try:
        emit(render_diagnostics(output_format, report), output)
    except OutputError as error:
        fail(str(error))
    if any(report.fails(item) for item in diagnostics):
        raise typer.Exit(1)
