"""`charter slo`: the SLO commands (Prometheus rules out, error budget status in)."""

from __future__ import annotations

import typer

slo_app = typer.Typer(
    help="SLOs: generate Prometheus rules, report error budgets.",
    no_args_is_help=True,
)
