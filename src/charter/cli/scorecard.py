"""`charter scorecard`: every Standard against the entities it applies to."""

from __future__ import annotations

from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, ReportFormat, WideOption, emit_report, warn


def scorecard_command(
    repo: RepoOption = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """Score every component against the standards: levels, failing rules, rollups per team and system."""
    from charter.services.context import StoreNeed, open_context
    from charter.services.scorecard import scorecard_report

    with open_context(repo, StoreNeed.OPTIONAL, warn=warn) as context:
        report = scorecard_report(context)
    emit_report(report, output_format.value, output, wide)
