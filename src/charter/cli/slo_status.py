"""`charter slo status`: every SLO's error budget at a moment, from the SLI counts in the store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, ReportFormat, WideOption, emit_report, supported_day
from charter.model.errors import UsageError


def as_utc(moment: datetime) -> datetime:
    """A time without zone is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def as_of_moment(as_of: datetime | None) -> datetime:
    """`--as-of` as UTC (a time without zone is UTC); now by default."""
    return datetime.now(UTC) if as_of is None else as_utc(as_of)


def slo_status_command(
    repo: RepoOption = None,
    slo: Annotated[
        list[str] | None, typer.Option("--slo", help="Only this SLO (repeat for several).", show_default=False)
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            callback=supported_day,
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S"],
            help="The moment the windows end (UTC unless a zone is given). Default: now.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """Per SLO: attainment over its window, error budget left (share and minutes), burn rate over
    each alert window, time until the budget is gone at the last hour's rate, gaps in the data, and
    the error budget policy's verdicts. Exit 1 when an SLO named with --slo does not exist."""
    from charter.services.context import StoreNeed, open_context
    from charter.services.slo_status import SloStatusQuery, slo_status_report

    query = SloStatusQuery(as_utc(as_of) if as_of else None, tuple(slo or ()))
    with open_context(repo, StoreNeed.REQUIRED) as context:
        report = slo_status_report(context, query)
    if report.unknown:
        raise UsageError(f"no SLO named {', '.join(report.unknown)} (names: `charter slo status` lists them)")
    emit_report(report, output_format.value, output, wide)
