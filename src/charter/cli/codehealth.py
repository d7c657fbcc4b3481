"""`charter codehealth`: hotspots, change coupling, knowledge concentration, bus factor, author
turnover and the share of agent changes per component on its default branch, from the git history
`charter sync` mined."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, ReportFormat, WideOption, emit_report, supported_day

AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of",
        callback=supported_day,
        formats=["%Y-%m-%d"],
        help="Measure as of the end of this day (default: now).",
        show_default=False,
    ),
]


def as_of_moment(value: datetime | None) -> datetime:
    """The end of the given day in UTC, or now."""
    if value is None:
        return datetime.now(UTC)
    return datetime.combine(value.date(), time.max, UTC)


def codehealth_command(
    repo: RepoOption = None,
    component: Annotated[
        str | None, typer.Option("--component", "-c", help="Only this component, with its detail.")
    ] = None,
    as_of: AsOfOption = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """Code health per component on its repository's default branch: hotspots, change coupling,
    knowledge concentration and bus factor, author turnover, files untouched for a year that still
    change with hot ones, and the share of changes AI coding agents made."""
    from charter.services.codehealth import code_health_report
    from charter.services.context import StoreNeed, open_context

    with open_context(repo, StoreNeed.REQUIRED) as context:
        report = code_health_report(context, as_of_moment(as_of), component)
    emit_report(report, output_format.value, output, wide)
