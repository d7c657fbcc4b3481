"""`charter slo rules`: Prometheus recording and alerting rules for every SLO with a Prometheus
SLI, as a rule file or a Prometheus Operator PrometheusRule object."""

from __future__ import annotations

from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, emit, fail, print_diagnostics, repository
from charter.outputs.rules_format import RulesFormat

SLO_FOLDER = "slos/"


def rules_command(
    repo: RepoOption = None,
    output: OutputOption = None,
    output_format: Annotated[
        RulesFormat,
        typer.Option("--output-format", help="A Prometheus rule file, or a Prometheus Operator PrometheusRule."),
    ] = RulesFormat.rules,
    slo_names: Annotated[
        list[str], typer.Option("--slo", help="Only this SLO (repeat for several); default: every SLO.")
    ] = [],  # noqa: B006 - Typer reads the default, never mutates it
) -> None:
    """Write Prometheus recording and alerting rules for every SLO with a Prometheus SLI: error
    ratios per window, error budget, multi-window burn-rate alerts and an absent-series alert.
    Exit 1 when an SLO file or an SLO could not be turned into rules (the others are written)."""
    from charter.analysis.reliability.slo_rules import slo_rules
    from charter.load.repository import pinpoint
    from charter.model.diagnostics import Severity
    from charter.outputs.prometheus_rules import RENDERERS
    from charter.services.workspace import open_workspace

    root = repository(repo)
    workspace = open_workspace(root)
    slos = workspace.estate.slos
    unknown = [name for name in slo_names if name not in slos]
    if unknown:
        fail(f"no SLO named {', '.join(unknown)} (SLOs: {', '.join(slos) or 'none'})")
    selected = [slos[name] for name in dict.fromkeys(slo_names)] if slo_names else list(slos.values())
    result = slo_rules(selected, workspace.policies)
    unreadable = [
        item
        for item in workspace.estate.load_diagnostics
        if not slo_names and item.location is not None and item.location.path.startswith(SLO_FOLDER)
    ]
    diagnostics = pinpoint([*unreadable, *result.diagnostics], workspace.root)
    if diagnostics:
        print_diagnostics(diagnostics, workspace.root)
    emit(RENDERERS[output_format](result.groups), output)
    if any(item.severity is Severity.ERROR for item in diagnostics):
        raise typer.Exit(1)
