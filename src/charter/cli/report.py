"""`charter report`: the strategy document (HTML, PDF, Markdown or JSON) from one snapshot and the
strategy files."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption


class DocumentFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    markdown = "markdown"
    json = "json"


def report_command(
    repo: RepoOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="A day (YYYY-MM-DD: the latest snapshot taken by its end) or a snapshot id (default: the latest).",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="First day (YYYY-MM-DD) or quarter (2026Q3) of the period read (default: 90 days before it).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        DocumentFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DocumentFormat.html,
    output: OutputOption = None,
) -> None:
    """Write the strategy document: an executive summary, then goals and targets, delivery,
    reliability, security, risks, the roadmap, standards, code health and decisions, each number
    linked to its evidence; self-contained HTML (charts inline), or PDF."""
    from charter.services.context import StoreNeed, open_context
    from charter.services.report_snapshot import ReportQuery
    from charter.services.strategy_report import rendered_report, strategy_report, write_whole

    with open_context(repo, StoreNeed.REQUIRED) as context:
        report = strategy_report(context, ReportQuery(as_of, since))
    data = rendered_report(report, output_format.value)
    if output is None:
        if output_format is DocumentFormat.pdf:
            typer.get_binary_stream("stdout").write(data)
        else:
            typer.echo(data.decode("utf-8"), nl=False)
        return
    write_whole(output, data)
    typer.secho(f"wrote {output}", err=True, fg=typer.colors.GREEN)
