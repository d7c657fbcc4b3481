"""`charter delivery`: DORA's five metrics per component, team, system or the organisation, with
their bands and a weekly trend; `--explain DEPLOYMENT` shows what one deployment shipped and why it
counts as failed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, ReportFormat, WideOption, emit_report, supported_day

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
        datetime | None,
        typer.Option("--since", callback=supported_day, formats=["%Y-%m-%d"], help="First day (default: 90 days ago)."),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(
            "--until", callback=supported_day, formats=["%Y-%m-%d"], help="Last day, included (default: now)."
        ),
    ] = None,
    dora: Annotated[
        Dora, typer.Option("--dora", help="Bands: 2023 per-metric thresholds, or 2024 cluster profiles.")
    ] = Dora.v2023,
    explain: Annotated[
        str | None, typer.Option("--explain", help="Show what this deployment shipped and why it counts as failed.")
    ] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """DORA's five metrics: deployment frequency, lead time for changes, change failure rate, failed
    deployment recovery time and deployment rework rate, with bands and a weekly trend."""
    from charter.outputs.views.base import ReportView
    from charter.services.context import StoreNeed, open_context
    from charter.services.delivery import DeliveryQuery, delivery_report, explain_deployment

    query = DeliveryQuery(*period(since, until), by=by.value, edition=dora.value)
    with open_context(repo, StoreNeed.REQUIRED) as context:
        report: ReportView = (
            delivery_report(context, query) if explain is None else explain_deployment(context, query, explain)
        )
    emit_report(report, output_format.value, output, wide)
