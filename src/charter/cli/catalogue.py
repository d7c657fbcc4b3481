"""`charter rules` and `charter metrics`: the catalogue of diagnostic codes and standard checks,
and the metric registry."""

from __future__ import annotations

from typing import Annotated

import typer

from charter.cli.options import OutputOption, ReportFormat, WideOption, emit_report
from charter.model.errors import UsageError

FormatOption = Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")]


def rules_command(
    code: Annotated[
        str | None, typer.Argument(help="One code (REL001): its whole documentation, with an example.")
    ] = None,
    output_format: FormatOption = ReportFormat.table,
    checks: Annotated[bool, typer.Option("--checks", help="List the checks Standard rules may use.")] = False,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """List every diagnostic code with its title, severity, rationale and fix; or one code's whole
    documentation."""
    from charter.outputs.views.base import ReportView
    from charter.services import catalogue

    view: ReportView
    if checks and code is not None:
        raise UsageError("--checks lists the standard checks; give it without a CODE")
    if checks:
        view = catalogue.standard_checks_report()
    elif code is not None:
        view = catalogue.rule_documentation(code)
    else:
        view = catalogue.rules_report()
    emit_report(view, output_format.value, output, wide)


def metrics_command(
    output_format: FormatOption = ReportFormat.table, output: OutputOption = None, wide: WideOption = False
) -> None:
    """List the metric registry: name, unit, direction, scopes, meaning."""
    from charter.services.catalogue import metrics_report

    emit_report(metrics_report(), output_format.value, output, wide)
