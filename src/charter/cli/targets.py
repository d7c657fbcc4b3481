"""`charter targets`: every target of charter.yaml against the snapshots (status, trend, projection,
funding); `--backtest` adds how often each would have been met; `--fail-on` gates on TGT005."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from charter.cli.options import FailOn, OutputOption, RepoOption, ReportFormat, WideOption, emit_report, supported_day


def targets_command(
    repo: RepoOption = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            callback=supported_day,
            formats=["%Y-%m-%d"],
            help="Evaluate with the snapshots taken by the end of this day.",
        ),
    ] = None,
    backtest: Annotated[
        bool, typer.Option("--backtest", help="Add how often each target would have been met at past snapshots.")
    ] = False,
    plan: Annotated[
        bool,
        typer.Option("--plan", help="Also count initiatives the optimal roadmap plan delivers as funding (slower)."),
    ] = False,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a TGT diagnostic is at or above this severity.")
    ] = FailOn.never,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """Targets against the snapshots: current value per scope, baseline, trend, projection to the
    target's date with its band, required against current rate, projected date, status (met, on
    track, at risk, off track, no data) and the initiatives funding each goal. Exit 0, or 1 when
    --fail-on is met, 2 on wrong usage or a target written wrong."""
    from charter.model.diagnostics import Severity
    from charter.model.errors import GateFailed
    from charter.services.targets import TargetsQuery, open_targets_context, targets_report

    query = TargetsQuery(
        as_of=as_of.date() if as_of else None,
        backtest=backtest,
        plan=plan,
        fail_on=None if fail_on is FailOn.never else Severity(fail_on.value),
    )
    with open_targets_context(repo, plan) as context:
        report = targets_report(context, query)
    emit_report(report.view, output_format.value, output, wide)
    if report.gate_met:
        raise GateFailed()
