"""The `charter` command: one Typer app, each command group in its own module."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import typer

from charter import __version__
from charter.cli.early_sync import close_untaken, start_before_parsing
from charter.cli.errors import NO_COLOR_FLAG, CharterGroup
from charter.cli.help import HELP_OPTION_NAMES
from charter.cli.lazy import LazyCommands, Target, command_builder
from charter.cli.process import command_ended, tune_process

if TYPE_CHECKING:  # Typer 0.29 carries its own copy of Click
    from typer._click.core import Context

# Every command, in the order help lists them (the groups after the plain commands), and where it
# is: a command's module is imported when the command is run or listed, so `charter sync` loads no
# other command's module.
COMMANDS: dict[str, Target] = {
    "init": ("charter.cli.scaffold", "init_command"),
    "demo": ("charter.cli.scaffold", "demo_command"),
    "schema": ("charter.cli.scaffold", "schema_command"),
    "check": ("charter.cli.check", "check_command"),
    "scorecard": ("charter.cli.scorecard", "scorecard_command"),
    "rules": ("charter.cli.catalogue", "rules_command"),
    "metrics": ("charter.cli.catalogue", "metrics_command"),
    "sync": ("charter.cli.sync", "sync_command"),
    "delivery": ("charter.cli.delivery", "delivery_command"),
    "incidents": ("charter.cli.incidents", "incidents_command"),
    "codehealth": ("charter.cli.codehealth", "codehealth_command"),
    "security": ("charter.cli.security", "security_command"),
    "risks": ("charter.cli.risks", "risks_command"),
    "controls": ("charter.cli.controls", "controls_command"),
    "plan": ("charter.cli.plan", "plan_command"),
    "report": ("charter.cli.report", "report_command"),
    "assess": ("charter.cli.assess", "assess_command"),
    "targets": ("charter.cli.targets", "targets_command"),
    "snapshot": ("charter.cli.snapshot", "snapshot_command"),
    "review": ("charter.cli.review", "review_command"),
    "serve": ("charter.cli.serve", "serve_command"),
    "import": ("charter.cli.imports", "import_app"),
    "slo": ("charter.cli.slo", "slo_app"),
    "escalations": ("charter.cli.escalations", "escalations_app"),
    "token": ("charter.cli.tokens", "token_app"),
    "webhook": ("charter.cli.webhooks", "webhook_app"),
}


class RootGroup(CharterGroup):
    """The root command: its commands built when first looked up (`cli/lazy.py`)."""

    def __init__(self, **attributes: Any) -> None:
        super().__init__(**attributes)
        self.commands = LazyCommands(dict(COMMANDS), command_builder(app))

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)


app = typer.Typer(
    name="charter",
    cls=RootGroup,
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


def main() -> None:
    """The process's entry point: the process-wide settings (`cli/process.py`), a plain sync's git
    logs (`cli/early_sync.py`), then the command."""
    tune_process()
    start_before_parsing(sys.argv[1:])
    try:
        app()
    except SystemExit as ended:
        command_ended(ended.code)
        raise
    finally:
        close_untaken()
