"""Every command of the `charter` app with its options, read from Typer's command tree: the
conventions test, the help test and the generated reference walk the same list, so a command added
later is held by them without being named anywhere."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer
from typer.core import TyperGroup, TyperOption

if TYPE_CHECKING:  # Typer 0.29 carries its own copy of Click
    from typer._click.core import Command


@dataclass(frozen=True)
class CommandEntry:
    """One command that runs: its words after `charter` and Typer's command object (a group that
    runs on its own, as `charter escalations`, is one too)."""

    words: tuple[str, ...]
    command: Command

    @property
    def name(self) -> str:
        return " ".join(self.words)

    def options(self) -> list[TyperOption]:
        return [param for param in self.command.params if isinstance(param, TyperOption)]

    def option(self, name: str) -> TyperOption | None:
        """The option declared with `name` (its long or short form), or None."""
        return next((option for option in self.options() if name in option.opts), None)


@dataclass(frozen=True)
class GroupEntry:
    """One command group (the root included): its words and Typer's group object."""

    words: tuple[str, ...]
    group: TyperGroup


def root_command(app: typer.Typer) -> TyperGroup:
    command = typer.main.get_command(app)
    assert isinstance(command, TyperGroup)
    return command


def every_command(app: typer.Typer) -> Iterator[CommandEntry]:
    """Every command that runs, group by group in registration order."""
    for group in every_group(app):
        if group.words and group.group.invoke_without_command:
            yield CommandEntry(group.words, group.group)
        for name, command in group.group.commands.items():
            if isinstance(command, typer.core.TyperCommand):
                yield CommandEntry((*group.words, name), command)


def every_group(app: typer.Typer) -> Iterator[GroupEntry]:
    """The root group and every group under it."""
    pending = [GroupEntry((), root_command(app))]
    while pending:
        entry = pending.pop(0)
        yield entry
        pending.extend(
            GroupEntry((*entry.words, name), command)
            for name, command in entry.group.commands.items()
            if isinstance(command, TyperGroup)
        )
