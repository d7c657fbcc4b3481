"""`charter incidents`: incidents from postmortems and imported exports, merged, with counts by
severity, MTTA, MTTR, time in SEV1/SEV2, repeats, postmortem completion and open action items, per
service, team, severity or the organisation."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer

from charter.cli.delivery import period
from charter.cli.options import OutputOption, RepoOption, ReportFormat, WideOption, emit_report, supported_day, warn
from charter.model.errors import UsageError


class IncidentsBy(StrEnum):
    service = "service"
    team = "team"
    severity = "severity"
    org = "org"


def incidents_command(
    repo: RepoOption = None,
    by: Annotated[
        IncidentsBy, typer.Option("--by", help="Group by service, team, severity or the organisation.")
    ] = IncidentsBy.org,
    since: Annotated[
        datetime | None,
        typer.Option("--since", callback=supported_day, formats=["%Y-%m-%d"], help="First day (default: 90 days ago)."),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(
            "--until", callback=supported_day, formats=["%Y-%m-%d"], help="Last day, included (default: now)."
        ),
    ] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """Incidents by severity, MTTA and MTTR (p50, p90), time in SEV1/SEV2, repeat incidents,
    postmortem completion within policy and open and overdue action items with their owners.
    Postmortems (incidents/*.md) and imported incidents (`charter import incidents`) are merged."""
    from charter.services.context import StoreNeed, open_context
    from charter.services.incidents import IncidentsQuery, incidents_report

    start, end = period(since, until)
    if end <= start:
        raise UsageError(f"--since {start.date()} is not before --until {until.date() if until else end.date()}")
    with open_context(repo, StoreNeed.OPTIONAL, warn=warn) as context:
        report = incidents_report(context, IncidentsQuery(start, end, by.value))
    emit_report(report, output_format.value, output, wide)
