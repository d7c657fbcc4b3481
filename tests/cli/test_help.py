"""Help and completion on every command and group, found by walking the app: `-h` is `--help`, no
`<bool>` after a flag nor a strptime pattern after a day, every choice listed, a group's help names
what it holds, and shell completion is on."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from charter.cli.app import app
from charter.cli.walk import CommandEntry, GroupEntry, every_command, every_group
from tests.conftest import run_charter

COMMANDS = list(every_command(app))
GROUPS = list(every_group(app))
EVERY_WORDS = [entry.words for entry in COMMANDS] + [group.words for group in GROUPS if group.words] + [()]


@pytest.mark.parametrize("words", EVERY_WORDS, ids=[" ".join(words) or "charter" for words in EVERY_WORDS])
def test_short_help_is_the_long_help_and_has_no_placeholder_for_a_flag(words: tuple[str, ...]) -> None:
    long_help = run_charter(*words, "--help")
    short_help = run_charter(*words, "-h")
    assert long_help.exit_code == short_help.exit_code == 0, short_help.output
    assert short_help.stdout == long_help.stdout
    assert "<bool>" not in short_help.stdout
    assert "%Y" not in short_help.stdout
    assert "-h" in short_help.stdout


@pytest.mark.parametrize("entry", COMMANDS, ids=[entry.name for entry in COMMANDS])
def test_help_lists_the_choices_of_every_option(entry: CommandEntry) -> None:
    text = run_charter(*entry.words, "-h").stdout
    for option in entry.options():
        if option.hidden:
            continue
        assert max(option.opts, key=len) in text
        choices = [str(choice) for choice in option.type_descriptor.choices or ()]
        if choices:
            assert "|".join(choices) in text, f"charter {entry.name} {option.opts}: {choices} not shown"


@pytest.mark.parametrize("group", [group for group in GROUPS if group.words], ids=lambda group: " ".join(group.words))
def test_group_help_names_every_command_it_holds(group: GroupEntry) -> None:
    summary = (group.group.help or "").lower()
    for name in group.group.commands:
        assert name in summary, f"charter {' '.join(group.words)}'s help does not mention {name}"


def test_completion_script_and_completions() -> None:
    runner = CliRunner()
    script = runner.invoke(app, ["--show-completion", "bash"], prog_name="charter")
    assert script.exit_code == 0
    assert "_CHARTER_COMPLETE=complete_bash" in script.output

    def complete(line: str) -> list[str]:
        words = line.split(" ")
        environment = {"_CHARTER_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
        return runner.invoke(app, [], prog_name="charter", env=environment).output.split()

    assert complete("charter imp") == ["import"]
    assert complete("charter import f") == ["findings"]
    assert complete("charter delivery --by t") == ["team"]
    assert complete("charter delivery --format m") == ["markdown"]
