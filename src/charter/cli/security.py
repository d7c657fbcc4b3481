"""`charter security`: open findings by severity and SSVC priority, overdue findings with their
owners, known-exploited findings on internet-facing components, Scorecard gaps, the SEC
diagnostics and the trend; `--fail-on` makes the diagnostics a gate."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer

from charter.cli.options import FailOn, OutputOption, RepoOption, ReportFormat, WideOption, emit_report, supported_day


class SecurityBy(StrEnum):
    component = "component"
    team = "team"
    org = "org"


def security_command(
    repo: RepoOption = None,
    by: Annotated[SecurityBy, typer.Option("--by", help="Group by component, team or the organisation.")] = (
        SecurityBy.component
    ),
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of", callback=supported_day, formats=["%Y-%m-%d"], help="Judge SLAs as of this day (default: now)."
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Overdue and KEV findings listed (0: all).")] = 20,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a SEC diagnostic is at or above this severity.")
    ] = FailOn.never,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """Security posture from the store's findings, KEV, EPSS and Scorecard results: open findings by
    severity and SSVC priority, overdue findings with owner and days over, KEV exposure,
    access-control gaps, SEC diagnostics and the trend. Exit 0, or 1 when --fail-on is met, 2 on
    wrong usage."""
    from charter.model.diagnostics import Severity
    from charter.model.errors import GateFailed
    from charter.services.security import SecurityQuery, open_security_context, security_report

    query = SecurityQuery(
        as_of=as_of.date() if as_of else None,
        by=by.value,
        limit=limit or None,
        fail_on=None if fail_on is FailOn.never else Severity(fail_on.value),
    )
    with open_security_context(repo) as context:
        report = security_report(context, query)
    emit_report(report.view, output_format.value, output, wide)
    if report.gate_met:
        raise GateFailed()
