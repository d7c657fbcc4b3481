"""`charter slo`: the SLO commands (Prometheus rules out, error budget status in)."""

from __future__ import annotations

import typer

from charter.cli.slo_rules import rules_command
from charter.cli.slo_status import slo_status_command

slo_app = typer.Typer(
    help="SLOs: rules (Prometheus recording and alerting rules) and status (error budgets and burn rates).",
    no_args_is_help=True,
)
slo_app.command("rules")(rules_command)
slo_app.command("status")(slo_status_command)
