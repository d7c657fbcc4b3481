"""`charter controls`: coverage of every compliance obligation, gaps, evidence missing or stale, and
the risks each control mitigates; the CTL diagnostics on stderr, a gate with `--fail-on`."""

from __future__ import annotations

from typing import Annotated

import typer

from charter.cli.options import FailOn, OutputOption, RepoOption, WideOption, emit_report, print_diagnostics, warn
from charter.cli.risks import AsOfOption, RegisterFormat


def controls_command(
    repo: RepoOption = None,
    obligation: Annotated[
        str | None, typer.Option("--obligation", help="Only this obligation (soc2, nist-800-53-moderate, ...).")
    ] = None,
    as_of: AsOfOption = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a CTL diagnostic is at or above this severity.")
    ] = FailOn.never,
    output_format: Annotated[
        RegisterFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RegisterFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """Control coverage per compliance obligation: implemented, partial, planned, not applicable and
    missing requirements, gaps, evidence missing or stale, risks mitigated; CTL diagnostics on
    stderr. Exit 0, or 1 when --fail-on is met, 2 on wrong usage."""
    from charter.model.diagnostics import Severity
    from charter.model.errors import GateFailed
    from charter.services.context import StoreNeed, open_context
    from charter.services.controls import ControlsQuery, controls_report
    from charter.services.risks import REGISTER_FOLDERS

    query = ControlsQuery(
        obligation=obligation,
        as_of=as_of.date() if as_of else None,
        fail_on=None if fail_on is FailOn.never else Severity(fail_on.value),
    )
    with open_context(repo, StoreNeed.OPTIONAL, folders=REGISTER_FOLDERS, warn=warn) as context:
        report = controls_report(context, query)
    if report.diagnostics:
        print_diagnostics(report.diagnostics, context.root)
    emit_report(report.view, output_format.value, output, wide)
    if report.gate_met:
        raise GateFailed()
