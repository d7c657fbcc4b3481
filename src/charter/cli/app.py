"""The `charter` command: one Typer app, each command group in its own module."""

from __future__ import annotations

import gc
import os

import typer

from charter import __version__
from charter.cli import (
    assess,
    catalogue,
    check,
    codehealth,
    controls,
    delivery,
    incidents,
    plan,
    report,
    review,
    risks,
    scaffold,
    scorecard,
    serve,
    snapshot,
    sync,
    targets,
)
from charter.cli.errors import NO_COLOR_FLAG, CharterGroup
from charter.cli.escalations import escalations_app
from charter.cli.help import HELP_OPTION_NAMES
from charter.cli.imports import import_app
from charter.cli.security import security_command
from charter.cli.slo import slo_app
from charter.cli.tokens import token_app
from charter.cli.webhooks import webhook_app

app = typer.Typer(
    name="charter",
    cls=CharterGroup,
    help="Technology strategy as code: check the strategy, measure it against reality.",
    no_args_is_help=True,
    context_settings={"help_option_names": HELP_OPTION_NAMES},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"charter {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    context: typer.Context,
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
    no_color: bool = typer.Option(
        False, NO_COLOR_FLAG, help="No colour, even in a terminal (as NO_COLOR=1); also given after the command."
    ),
) -> None:
    """Technology strategy as code."""
    if no_color or os.environ.get("NO_COLOR"):
        context.color = False  # every command's context inherits it, and typer.secho reads it


app.command("init")(scaffold.init_command)
app.command("demo")(scaffold.demo_command)
app.command("schema")(scaffold.schema_command)
app.command("check")(check.check_command)
app.command("scorecard")(scorecard.scorecard_command)
app.command("rules")(catalogue.rules_command)
app.command("metrics")(catalogue.metrics_command)
app.command("sync")(sync.sync_command)
app.command("delivery")(delivery.delivery_command)
app.command("incidents")(incidents.incidents_command)
app.command("codehealth")(codehealth.codehealth_command)
app.command("security")(security_command)
app.command("risks")(risks.risks_command)
app.command("controls")(controls.controls_command)
app.command("plan")(plan.plan_command)
app.command("report")(report.report_command)
app.command("assess")(assess.assess_command)
app.command("targets")(targets.targets_command)
app.command("snapshot")(snapshot.snapshot_command)
app.command("review")(review.review_command)
app.add_typer(import_app, name="import")
app.add_typer(slo_app, name="slo")
app.add_typer(escalations_app, name="escalations")
app.command("serve")(serve.serve_command)
app.add_typer(token_app, name="token")
app.add_typer(webhook_app, name="webhook")


def main() -> None:
    """The process's entry point, and the only place Charter tunes process-wide state. One command
    is a short-lived process that builds many long-lived objects (a large organisation is hundreds
    of thousands of dicts and models) and few reference cycles: the cyclic collector's full passes
    over them found nothing and took a third of the load time, so it is off; reference counting
    frees everything as usual. A library caller (or the server) keeps its own collector settings.
    What start-up made lives as long as the process and is frozen out of any collection a library
    call may still run."""
    gc.disable()
    gc.freeze()
    app()
