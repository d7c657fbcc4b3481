"""`charter incidents`: incidents from postmortems and imported exports, merged, with counts by
severity, MTTA, MTTR, time in SEV1/SEV2, repeats, postmortem completion and open action items, per
service, team, severity or the organisation."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer

from charter.cli.delivery import period
from charter.cli.options import OutputOption, RepoOption, ReportFormat, emit, fail, repository
from charter.cli.store import optional_store


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
        datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="First day (default: 90 days ago).")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option("--until", formats=["%Y-%m-%d"], help="Last day, included (default: now).")
    ] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
) -> None:
    """Incidents by severity, MTTA and MTTR (p50, p90), time in SEV1/SEV2, repeat incidents,
    postmortem completion within policy and open and overdue action items with their owners.
    Postmortems (incidents/*.md) and imported incidents (`charter import incidents`) are merged."""
    from charter.analysis.component_sources import component_scopes
    from charter.analysis.reliability.incidents import IncidentGrouping, incident_report
    from charter.outputs import incidents as render
    from charter.services.incident_facts import all_incidents, incident_budget_shares, incident_options
    from charter.services.workspace import open_workspace

    start, end = period(since, until)
    if end <= start:
        fail(f"--since {start.date()} is not before --until {until.date() if until else end.date()}")
    root = repository(repo)
    shares: dict[str, dict[str, float]] = {}
    with optional_store(root) as store:
        workspace = open_workspace(root, store)
        if store is None:
            incidents = all_incidents(workspace, None)
        else:
            with store.engine.connect() as connection:
                incidents = all_incidents(workspace, connection)
            in_period = [item for item in incidents if item.started and start <= item.started < end]
            shares = incident_budget_shares(workspace, store, in_period)
    options = incident_options(workspace, start, end, datetime.now(UTC).date(), IncidentGrouping(by.value))
    report = incident_report(incidents, component_scopes(workspace.estate), options, shares)
    renderers = {
        ReportFormat.table: render.render_table,
        ReportFormat.json: render.render_json,
        ReportFormat.csv: render.render_csv,
        ReportFormat.markdown: render.render_markdown,
    }
    emit(renderers[output_format](report), output)
