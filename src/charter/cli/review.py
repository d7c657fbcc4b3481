"""`charter review`: what changed over a quarter or a period, between the snapshots at its start and
its end."""

from __future__ import annotations

from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, ReportFormat, WideOption, emit_report


def review_command(
    since: Annotated[
        str, typer.Option("--since", help="The period's start: a quarter (2026Q3) or a day (2026-07-01).")
    ],
    until: Annotated[
        str | None,
        typer.Option(
            "--until", help="The period's end: a quarter or a day, included (default: now).", show_default=False
        ),
    ] = None,
    repo: RepoOption = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """The quarterly review: targets that moved, metrics that improved or regressed beyond their noise,
    risks opened, closed and re-levelled, the incidents' trend, initiatives delivered and slipped
    against their commitment, and decisions taken. With fewer than two snapshots in the period it
    says there is no trend and shows the current state."""
    from charter.services.context import StoreNeed, open_context
    from charter.services.review import ReviewQuery, review_report

    with open_context(repo, StoreNeed.REQUIRED) as context:
        report = review_report(context, ReviewQuery(since, until))
    emit_report(report, output_format.value, output, wide)
