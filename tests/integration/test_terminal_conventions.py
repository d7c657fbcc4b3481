"""Every report command on the demo organisation as a user sees it in a terminal (a real
pseudo-terminal): no colour with NO_COLOR or --no-color, colour in a terminal and none in a pipe.
The commands are found by walking the app, so a report added later is held too."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.cli.app import app
from charter.cli.walk import CommandEntry, every_command
from tests.conftest import run_charter
from tests.integration.conftest import AS_OF
from tests.terminal import ESCAPE, run_in_terminal


def is_report(entry: CommandEntry) -> bool:
    """A command that renders a report in a table: it offers `--format table` and needs nothing
    more than the repository."""
    option = entry.option("--format")
    if option is None or "table" not in [str(choice) for choice in option.type_descriptor.choices or ()]:
        return False
    return not any(param.required for param in entry.command.params)


REPORTS = [entry for entry in every_command(app) if is_report(entry)]


def report_arguments(entry: CommandEntry, repo: Path) -> list[str]:
    """The command on the demo organisation, on the day the demo was synced."""
    arguments = [*entry.words]
    if entry.option("--repo") is not None:
        arguments += ["--repo", str(repo)]
    for day_option in ("--as-of", "--until"):
        if entry.option(day_option) is not None:
            arguments += [day_option, AS_OF]
    return arguments


def test_the_walk_finds_the_reports() -> None:
    names = {entry.name for entry in REPORTS}
    assert {"delivery", "risks", "slo status", "metrics", "rules"} <= names


@pytest.mark.parametrize("entry", REPORTS, ids=[entry.name for entry in REPORTS])
def test_no_colour_with_no_color_in_the_environment(entry: CommandEntry, demo: Path) -> None:
    result = run_in_terminal(*report_arguments(entry, demo), env={"NO_COLOR": "1"})
    assert result.exit_code in (0, 1), result.output
    assert ESCAPE not in result.output


@pytest.mark.parametrize("arguments", [["check", "--no-color"], ["--no-color", "check"], ["risks", "--no-color"]])
def test_no_colour_with_no_color_given_before_or_after_the_command(arguments: list[str], demo: Path) -> None:
    result = run_in_terminal(*arguments, "--repo", str(demo), "--as-of", AS_OF)
    assert result.stdout.strip()
    assert ESCAPE not in result.output


def test_colour_in_a_terminal_and_none_in_a_pipe(demo: Path) -> None:
    in_terminal = run_in_terminal("check", "--repo", str(demo), "--as-of", AS_OF, "--fail-on", "never")
    assert ESCAPE in in_terminal.stdout
    in_pipe = run_charter("check", "--repo", str(demo), "--as-of", AS_OF, "--fail-on", "never")
    assert in_pipe.stdout.strip() and ESCAPE not in in_pipe.output


def test_an_error_is_red_in_a_terminal_unless_colour_is_off(tmp_path: Path) -> None:
    assert ESCAPE in run_in_terminal("check", "--repo", str(tmp_path)).stderr
    for result in (
        run_in_terminal("check", "--repo", str(tmp_path), env={"NO_COLOR": "1"}),
        run_in_terminal("check", "--repo", str(tmp_path), "--no-color"),
    ):
        assert result.exit_code == 2
        assert result.stderr.startswith("error: ") and ESCAPE not in result.stderr
