"""Every command that emits diagnostics takes `--fail-on` with the same choices, so a CI gate reads
the same whatever it runs."""

from __future__ import annotations

from typing import Any

import typer.main
from typer.core import TyperGroup

from charter.cli.app import app

EMITTING = (
    ("check",),
    ("sync",),
    ("security",),
    ("controls",),
    ("targets",),
    ("slo", "rules"),
    ("import", "deployments"),
    ("import", "pulls"),
    ("import", "incidents"),
    ("import", "sli"),
    ("import", "findings"),
    ("import", "kev"),
    ("import", "epss"),
    ("import", "scorecard"),
    ("escalations",),
)


def _command(path: tuple[str, ...]) -> Any:
    command: Any = typer.main.get_command(app)
    for name in path:
        assert isinstance(command, TyperGroup), path
        command = command.commands[name]
    return command


def test_every_command_that_emits_diagnostics_has_the_same_fail_on() -> None:
    for path in EMITTING:
        options = {name: parameter for parameter in _command(path).params for name in parameter.opts}
        assert "--fail-on" in options, path
        annotation = options["--fail-on"].type_descriptor.annotation
        assert [choice.value for choice in annotation] == ["error", "warning", "info", "never"], path
