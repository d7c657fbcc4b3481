"""`charter sync`'s git logs started before the command line is parsed. Parsing builds Typer's
converters, which import pydantic: 0.1 s on one core, with the other idle, before the sync command
could start git (`services/sync_start.py`). So the entry point looks at the arguments first, and
when they plainly ask for a sync (the command `sync`, with `--repo`, `--quiet`, `--fail-on`,
`--as-of` or `--no-color` at most) starts the logs that command would start. The command takes
them when its parsed `--repo` is the one guessed; logs nobody took are ended and deleted when the
process's command ends. Anything else (`--help`, `--fetch`, `--executor`, an option this does not
know) leaves the start to the command itself, as before."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from charter.cli.errors import NO_COLOR_FLAG

if TYPE_CHECKING:
    from charter.services.sync_start import EarlyLogs

SYNC_COMMAND = "sync"
_REPO = "--repo"
_VALUED = ("--fail-on", "--as-of")
_FLAGS = ("--quiet", "-q", NO_COLOR_FLAG)


@dataclass(frozen=True, slots=True)
class SyncArguments:
    """What the arguments of a plain `charter sync` say about where it syncs."""

    repo: Path | None


@dataclass
class _Started:
    arguments: SyncArguments
    logs: EarlyLogs | None  # None: the sync would start none (a store with history, no clone)


class _Slot:
    """The logs started for this process's command, until it takes them."""

    started: _Started | None = None


def plain_sync(arguments: Sequence[str]) -> SyncArguments | None:
    """The sync the arguments (without the program's name) plainly ask for, else None."""
    tokens = list(arguments)
    while tokens and tokens[0] == NO_COLOR_FLAG:
        tokens.pop(0)
    if not tokens or tokens[0] != SYNC_COMMAND:
        return None
    repo: Path | None = None
    rest = iter(tokens[1:])
    for token in rest:
        name, equals, value = token.partition("=")
        if name == _REPO or name in _VALUED:
            given = value if equals else next(rest, None)
            if not given:
                return None
            if name == _REPO:
                repo = Path(given)
        elif token not in _FLAGS:
            return None
    return SyncArguments(repo)


def start_before_parsing(arguments: Sequence[str]) -> None:
    """Start the logs of the sync the arguments plainly ask for (see the module); nothing otherwise,
    or when the sync would start none."""
    asked = plain_sync(arguments)
    if asked is None:
        return
    from charter.services.sync_start import start_git_logs

    _Slot.started = _Started(asked, start_git_logs(asked.repo))


def take_started(repo: Path | None) -> tuple[bool, EarlyLogs | None]:
    """Whether the logs of a sync of `repo` were started before parsing, and those logs (None: it
    would start none); taken once. Logs started for another repository are ended."""
    started, _Slot.started = _Slot.started, None
    if started is None:
        return False, None
    if started.arguments.repo != repo:
        if started.logs is not None:
            started.logs.close()
        return False, None
    return True, started.logs


def close_untaken() -> None:
    """End and delete the logs the command did not take (it was not run, or failed to parse)."""
    started, _Slot.started = _Slot.started, None
    if started is not None and started.logs is not None:
        started.logs.close()
