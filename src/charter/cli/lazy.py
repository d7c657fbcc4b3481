"""Commands loaded when they are asked for: the root group names every command and the module that
holds it, and builds a command (importing its module) the first time it is looked up. `charter sync`
imports and builds `sync` alone; help, completion and anything that walks the whole tree load them
all, as they would have been loaded before."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

import typer
import typer.main

from charter.cli.help import tidy_help

if TYPE_CHECKING:  # Typer 0.29 carries its own copy of Click
    from typer._click.core import Command

# A command by name: the module holding it and the name of its function or Typer sub-app there.
Target = tuple[str, str]


class LazyCommands(MutableMapping[str, "Command"]):
    """A group's commands by name, each built from its target on first use, in the order given."""

    def __init__(self, targets: dict[str, Target], build: Callable[[str, Any], Command]) -> None:
        self._targets = targets
        self._build = build
        self._built: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name not in self._built:
            if name not in self._targets:
                raise KeyError(name)
            module, attribute = self._targets[name]
            self._built[name] = self._build(name, getattr(importlib.import_module(module), attribute))
        return self._built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        self._built.pop(name, None)
        self._targets.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        yield from self._targets
        yield from (name for name in self._built if name not in self._targets)

    def __len__(self) -> int:
        return len(self._targets) + sum(1 for name in self._built if name not in self._targets)

    def __contains__(self, name: object) -> bool:
        return name in self._targets or name in self._built


def command_builder(root: typer.Typer) -> Callable[[str, Any], Command]:
    """Builds a command as `root` would have built it had it been registered there: a function with
    `root.command(name)`, a Typer sub-app with `root.add_typer(app, name=name)`; help tidied."""

    def build(name: str, target: Any) -> Command:
        holder = typer.Typer()
        built: Command
        if isinstance(target, typer.Typer):
            holder.add_typer(target, name=name)
            built = typer.main.get_group_from_info(
                holder.registered_groups[0],
                pretty_exceptions_short=root.pretty_exceptions_short,
                rich_markup_mode=root.rich_markup_mode,
                suggest_commands=root.suggest_commands,
            )
        else:
            holder.command(name)(target)
            built = typer.main.get_command_from_info(
                holder.registered_commands[0],
                pretty_exceptions_short=root.pretty_exceptions_short,
                rich_markup_mode=root.rich_markup_mode,
            )
        tidy_help(built)
        return built

    return build
