"""`charter delivery`: DORA's five metrics per component, team, system or the organisation, with
their bands and a weekly trend; `--explain DEPLOYMENT` shows what one deployment shipped and why it
counts as failed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, ReportFormat, emit, fail, repository
from charter.cli.store import required_store

DEFAULT_PERIOD = timedelta(days=90)


class By(StrEnum):
    component = "component"
    team = "team"
    system = "system"
    org = "org"


class Dora(StrEnum):
    v2023 = "2023"
    v2024 = "2024"


def period(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    """[since, until) in UTC: `--until` is inclusive of its day; the default is the last 90 days."""
    end = datetime.combine(until.date(), time.min, UTC) + timedelta(days=1) if until else datetime.now(UTC)
    start = datetime.combine(since.date(), time.min, UTC) if since else end - DEFAULT_PERIOD
    return start, end


def delivery_command(
    repo: RepoOption = None,
    by: Annotated[By, typer.Option("--by", help="Group by component, team, system or the organisation.")] = By.org,
    since: Annotated[
        datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="First day (default: 90 days ago).")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option("--until", formats=["%Y-%m-%d"], help="Last day, included (default: now).")
    ] = None,
    dora: Annotated[
        Dora, typer.Option("--dora", help="Bands: 2023 per-metric thresholds, or 2024 cluster profiles.")
    ] = Dora.v2023,
    explain: Annotated[
        str | None, typer.Option("--explain", help="Show what this deployment shipped and why it counts as failed.")
    ] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
) -> None:
    """DORA's five metrics: deployment frequency, lead time for changes, change failure rate, failed
    deployment recovery time and deployment rework rate, with bands and a weekly trend."""
    from charter.analysis.delivery.bands import DoraEdition
    from charter.analysis.metrics import Scope
    from charter.outputs import delivery as render
    from charter.services.facts import DeliveryQuery, delivery
    from charter.services.facts import explain as explain_deployment
    from charter.services.workspace import open_workspace

    start, end = period(since, until)
    if end <= start:
        fail(f"--since {start.date()} is not before --until {(end - timedelta(days=1)).date()}")
    root = repository(repo)
    query = DeliveryQuery(start, end, Scope(by.value), DoraEdition(dora.value))
    with required_store(root) as store:
        workspace = open_workspace(root, store)
        if explain is not None:
            found = explain_deployment(workspace, store, query, explain)
            if found is None:
                fail(f"no deployment `{explain}` in the store (ids: `tag:<component>/<tag>` or the imported id)")
            emit(render.render_explanation(found, output_format.value), output)
            return
        report = delivery(workspace, store, query)
    renderers = {
        ReportFormat.table: render.render_table,
        ReportFormat.json: render.render_json,
        ReportFormat.csv: render.render_csv,
        ReportFormat.markdown: render.render_markdown,
    }
    emit(renderers[output_format](report), output)
