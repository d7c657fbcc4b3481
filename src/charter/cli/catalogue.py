"""`charter rules` and `charter metrics`: the catalogue of diagnostic codes and standard checks,
and the metric registry."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from charter.cli.options import OutputOption, ReportFormat, emit
from charter.model.codes import RULES

FormatOption = Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")]


def _render(title: str, header: list[str], rows: list[list[str]], output_format: ReportFormat) -> str:
    if output_format is ReportFormat.json:
        return json.dumps([dict(zip(header, row, strict=True)) for row in rows], indent=2)
    if output_format is ReportFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue()
    if output_format is ReportFormat.markdown:

        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = [f"| {' | '.join(header)} |", f"|{'---|' * len(header)}"]
        lines += [f"| {' | '.join(cell(value) for value in row)} |" for row in rows]
        return "\n".join(lines) + "\n"
    table = Table(title=title, show_lines=False)
    for column in header:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console = Console(record=True, width=160, file=io.StringIO())
    console.print(table)
    return console.export_text()


def rules_command(
    output_format: FormatOption = ReportFormat.table,
    checks: Annotated[bool, typer.Option("--checks", help="List the checks Standard rules may use.")] = False,
    output: OutputOption = None,
) -> None:
    """List every diagnostic code with its title, severity, rationale and fix."""
    if checks:
        from charter.analysis.checks.standards import CHECKS

        rows = [[check.id, check.description, ", ".join(check.required) or "-"] for check in CHECKS.values()]
        emit(_render("Standard checks", ["check", "description", "with"], rows, output_format), output)
        return
    rows = [[r.code, r.severity.value, r.title, r.rationale, r.fix] for r in RULES.values()]
    emit(_render("Diagnostic codes", ["code", "severity", "title", "rationale", "fix"], rows, output_format), output)


def metrics_command(output_format: FormatOption = ReportFormat.table, output: OutputOption = None) -> None:
    """List the metric registry: name, unit, direction, scopes, meaning."""
    from charter.analysis.metrics import METRICS

    rows = [
        [
            m.name,
            m.unit.value,
            f"{m.direction.value} is better",
            ",".join(sorted(s.value for s in m.scopes)),
            m.description,
        ]
        for m in METRICS.values()
    ]
    emit(_render("Metrics", ["metric", "unit", "direction", "scopes", "description"], rows, output_format), output)
