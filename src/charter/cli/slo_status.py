"""`charter slo status`: every SLO's error budget at a moment, from the SLI counts in the store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, ReportFormat, emit, fail, repository
from charter.cli.store import required_store


def as_of_moment(as_of: datetime | None) -> datetime:
    """`--as-of` as UTC (a time without zone is UTC); now by default."""
    if as_of is None:
        return datetime.now(UTC)
    return as_of.replace(tzinfo=UTC) if as_of.tzinfo is None else as_of.astimezone(UTC)


def slo_status_command(
    repo: RepoOption = None,
    slo: Annotated[
        list[str] | None, typer.Option("--slo", help="Only this SLO (repeat for several).", show_default=False)
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S"],
            help="The moment the windows end (UTC unless a zone is given). Default: now.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
) -> None:
    """Per SLO: attainment over its window, error budget left (share and minutes), burn rate over
    each alert window, time until the budget is gone at the last hour's rate, gaps in the data, and
    the error budget policy's verdicts. Exit 1 when an SLO named with --slo does not exist."""
    from charter.outputs import slo_status as render
    from charter.services.sli_facts import slo_status_report
    from charter.services.workspace import open_workspace

    root = repository(repo)
    with required_store(root) as store:
        workspace = open_workspace(root, store)
        report = slo_status_report(workspace, store, as_of_moment(as_of), slo or None)
    if report.unknown:
        fail(f"no SLO named {', '.join(report.unknown)} (names: `charter slo status` lists them)", 1)
    renderers = {
        ReportFormat.table: render.render_table,
        ReportFormat.json: render.render_json,
        ReportFormat.csv: render.render_csv,
        ReportFormat.markdown: render.render_markdown,
    }
    emit(renderers[output_format](report), output)
