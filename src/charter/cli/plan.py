"""`charter plan`: the roadmap the capacity allows, optimal for the cost of delay, with its tradeoffs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, ReportFormat, WideOption, emit_report, supported_day, warn

DEFAULT_GAP = 1e-4  # as `services.plan.PlanQuery` has it; the command line imports no service at start

AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of",
        callback=supported_day,
        formats=["%Y-%m-%d"],
        help="The day the plan is made on: the default horizon starts in its quarter, and decision records "
        "expired by then defer nothing (default: today).",
    ),
]


def plan_command(
    repo: RepoOption = None,
    quarters: Annotated[
        str | None,
        typer.Option("--quarters", help="The horizon, like 2027Q1..2027Q4 (default: the next four with a Capacity)."),
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="A YAML overlay (capacity changes, initiatives forced in or out, moves)."),
    ] = None,
    as_of: AsOfOption = None,
    gap: Annotated[
        float,
        typer.Option(
            "--gap",
            help="Stop once the plan's value is proven within this share of the best possible (0.01: 1%).",
        ),
    ] = DEFAULT_GAP,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """Plan the roadmap under capacity: the optimal plan, its proven gap, and every tradeoff it makes."""
    from charter.services.context import StoreNeed, open_context
    from charter.services.plan import PLAN_FOLDERS, PlanQuery, plan_report

    with open_context(repo, StoreNeed.NONE, folders=PLAN_FOLDERS, warn=warn) as context:
        report = plan_report(context, PlanQuery(quarters, scenario, as_of.date() if as_of else None, gap))
    emit_report(report, output_format.value, output, wide)
