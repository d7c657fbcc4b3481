"""Help that reads like the rest of the command line: `-h` as well as `--help` on every command, no
type placeholder after a flag (`--force`, not `--force <bool>`), a day shown as YYYY-MM-DD rather
than a strptime pattern. Applied once to the whole command tree when the root group is built, so
a command added later gets it without doing anything."""

from __future__ import annotations

from typing import TYPE_CHECKING

from typer.core import TyperGroup, TyperOption

if TYPE_CHECKING:  # Typer 0.29 carries its own copy of Click
    from typer._click.core import Command

HELP_OPTION_NAMES = ["-h", "--help"]
DAY_FORMAT = "%Y-%m-%d"


def _placeholder(option: TyperOption) -> str | None:
    """What help shows after the option's names: nothing after a flag, the day's shape after a
    day, else Typer's own (None)."""
    descriptor = option.type_descriptor
    if option.is_flag or descriptor.annotation is bool:
        return ""
    formats = descriptor.parameter_info.formats or []
    if descriptor.is_datetime and formats and formats[0] == DAY_FORMAT:
        return "<YYYY-MM-DD>"
    return None


def tidy_options(command: Command) -> None:
    """Give the options of `command` (its help option included) the conventions above."""
    from typer._click.core import Context

    help_option = command.get_help_option(Context(command, help_option_names=HELP_OPTION_NAMES))
    for param in [*command.params, *([help_option] if help_option is not None else [])]:
        if isinstance(param, TyperOption) and param.metavar is None:
            param.metavar = _placeholder(param)


def tidy_help(command: Command) -> None:
    """Give every command under `command` (itself included) the conventions above."""
    tidy_options(command)
    if isinstance(command, TyperGroup):
        for sub_command in command.commands.values():
            tidy_help(sub_command)
