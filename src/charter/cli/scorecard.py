"""`charter scorecard`: every Standard against the entities it applies to; metric rules read the
latest snapshot, or the metrics of `--since`/`--until` measured now."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from charter.cli.delivery import period
from charter.cli.options import (
    OutputOption,
    RepoOption,
    ReportFormat,
    WideOption,
    emit_report,
    supported_day,
    warn,
)
from charter.model.errors import UsageError


def scorecard_command(
    repo: RepoOption = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            callback=supported_day,
            formats=["%Y-%m-%d"],
            help="Metric rules over this period instead of the latest snapshot: its first day "
            "(default with --until: 90 days before it).",
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option("--until", callback=supported_day, formats=["%Y-%m-%d"], help="The period's last day, included."),
    ] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """Score every component against the standards: levels, failing rules, rollups per team and system."""
    from charter.services.context import StoreNeed, open_context
    from charter.services.scorecard import scorecard_report

    window = None
    if since is not None or until is not None:
        window = period(since, until)
        if window[1] <= window[0]:
            raise UsageError(f"--since {window[0].date()} is not before --until {window[1].date()}")
    with open_context(repo, StoreNeed.REQUIRED if window else StoreNeed.OPTIONAL, warn=warn) as context:
        report = scorecard_report(context, window)
    emit_report(report, output_format.value, output, wide)
