"""`charter slo rules`: Prometheus recording and alerting rules for every SLO with a Prometheus
SLI, as a rule file or a Prometheus Operator PrometheusRule object."""

from __future__ import annotations

from typing import Annotated

import typer

from charter.cli.options import (
    FailOn,
    FailOnOption,
    OutputOption,
    RepoOption,
    deprecated_option,
    emit,
    gate_met,
    print_diagnostics,
)
from charter.model.errors import GateFailed
from charter.outputs.rules_format import RulesFormat


def rules_command(
    repo: RepoOption = None,
    output: OutputOption = None,
    fail_on: FailOnOption = FailOn.error,
    output_format: Annotated[
        RulesFormat,
        typer.Option("--format", "-f", help="A Prometheus rule file, or a Prometheus Operator PrometheusRule."),
    ] = RulesFormat.rules,
    old_output_format: Annotated[RulesFormat | None, deprecated_option("--output-format")] = None,
    slo_names: Annotated[
        list[str], typer.Option("--slo", help="Only this SLO (repeat for several); default: every SLO.")
    ] = [],  # noqa: B006 - Typer reads the default, never mutates it
) -> None:
    """Write Prometheus recording and alerting rules for every SLO with a Prometheus SLI: error
    ratios per window, error budget, multi-window burn-rate alerts and an absent-series alert.
    Exit 1 when an SLO file or an SLO could not be turned into rules (the others are written)."""
    from charter.outputs.prometheus_rules import RENDERERS
    from charter.services.context import StoreNeed, open_context
    from charter.services.slo_rules import SloRulesQuery, slo_rules

    with open_context(repo, StoreNeed.NONE) as context:
        rules = slo_rules(context, SloRulesQuery(tuple(slo_names)))
    if rules.diagnostics:
        print_diagnostics(rules.diagnostics, context.root)
    emit(RENDERERS[old_output_format or output_format](rules.groups), output)
    if gate_met(rules.diagnostics, fail_on, rules.failed):
        raise GateFailed()  # what failed is printed above
