"""The sample strategy repository's own git history: dated commits over the two quarters the demo's
weekly snapshots cover, so that the review of the last quarter before the sample's date tells a
story. At the quarter's start the roadmap commits some initiatives to it; during it a risk's residual
level is raised, a risk is opened, committed initiatives are delivered, a risk is closed and other
commitments are moved to the next quarter. The generated files are the last commit: the earlier ones
differ from them only in the documents these events touch, each written back as it was before."""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from charter.demo.history import HistoryError, git_environment, run_git
from charter.demo.register import GRID, Register
from charter.demo.writers import dump_yaml
from charter.model.base import quarter_start

Document = dict[str, Any]
# How far before the sample's date the history starts: before the first weekly snapshot (26 weeks).
HISTORY_DAYS = 200
DELIVERED = 2  # initiatives committed to the quarter and done in it
SLIPPED = 2  # initiatives committed to the quarter and moved to the next


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """One dated change of one document: `undo` gives the document as it was before (None: it did not
    exist yet)."""

    day: date
    message: str
    path: str  # the repository file holding the document
    name: str  # the document's metadata.name
    undo: Callable[[Document], Document | None]


@dataclass(frozen=True, slots=True)
class StrategyHistory:
    start: date  # the first commit: the whole repository as it stood before every event
    events: tuple[StoryEvent, ...]  # oldest first


def previous_quarter(day: date) -> str:
    """The quarter before `day`'s (2026Q3 for 2026-11-01)."""
    last_day = quarter_start(f"{day.year}Q{(day.month - 1) // 3 + 1}") - timedelta(days=1)
    return f"{last_day.year}Q{(last_day.month - 1) // 3 + 1}"


def plan_strategy_history(register: Register, reference: date) -> StrategyHistory:
    """The story of the quarter before `reference`, chosen from the register without a random draw.
    It marks the delivered initiatives done in `register` (committed to that quarter), so the
    organisation is the same whether or not its history is written."""
    quarter = previous_quarter(reference)
    begins = quarter_start(quarter)
    events: list[StoryEvent] = []
    risks = list(_documents(register.risks))
    raised = _raisable(risks)
    if raised is not None:
        events.append(
            _event(begins + timedelta(days=20), f"Raise the residual likelihood of {_name(raised)}", raised, _lower)
        )
    opened = next((item for item in risks if _is_open(item[1]) and _unlinked(item[1]) and item is not raised), None)
    if opened is not None:
        events.append(_event(begins + timedelta(days=45), f"Open risk {_name(opened)}", opened, lambda _: None))
    # Work that mitigates no risk: its story changes no risk's cover. A delivered one is uncommitted in
    # the plan (so no quarter's load changes) and no migration (whose checks the sample plants).
    initiatives = [item for item in _documents(register.initiatives) if "mitigates" not in item[1]["spec"]]
    delivered = [item for item in initiatives if not {"committed", "migration"} & item[1]["spec"].keys()][:DELIVERED]
    for index, item in enumerate(delivered):
        item[1]["spec"] |= {"committed": {"quarter": quarter}, "status": "done"}
        events.append(
            _event(begins + timedelta(days=70 + 9 * index), f"Deliver {_name(item)}", item, _status("committed"))
        )
    closed = next((item for item in risks if item[1]["spec"].get("status") == "closed"), None)
    if closed is not None:
        events.append(_event(begins + timedelta(days=85), f"Close risk {_name(closed)}", closed, _status("open")))
    next_quarter = f"{reference.year}Q{(reference.month - 1) // 3 + 1}"
    moved = [
        item
        for item in initiatives
        if item[1]["spec"].get("committed") == {"quarter": next_quarter} and "status" not in item[1]["spec"]
    ][:SLIPPED]
    for index, item in enumerate(moved):
        message = f"Move {_name(item)} to {next_quarter}"
        events.append(_event(begins + timedelta(days=95 + 4 * index), message, item, _committed(quarter)))
    events.sort(key=lambda event: event.day)
    return StrategyHistory(reference - timedelta(days=HISTORY_DAYS), tuple(events))


def write_strategy_history(
    destination: Path, history: StrategyHistory, final: Mapping[str, Sequence[Document]], author: str
) -> None:
    """Make `destination` (its files already written as they are at the end) a git repository whose
    commits are the history: the first with every event undone, then one commit per event. `final`:
    the documents of every file an event touches, as written. Git's own configuration is left out,
    so the same organisation gives the same commits."""
    run_git(destination, "init", "-q", "--initial-branch=main", ".")
    moments = [datetime.combine(history.start, time(9), UTC), *(_moment(event.day) for event in history.events)]
    messages = ["The strategy as it stood before the quarter's reviews", *(event.message for event in history.events)]
    for position, (moment, message) in enumerate(zip(moments, messages, strict=True)):
        later = history.events[position:]  # the events not yet made at this commit
        for path in sorted({event.path for event in history.events}):
            _write(destination / path, _file_state(final[path], [event for event in later if event.path == path]))
        run_git(destination, "add", "-A")
        _commit(destination, moment, author, message)


def _commit(repository: Path, moment: datetime, author: str, message: str) -> None:
    """Commit what is staged as `author`, authored and committed at `moment`."""
    environment = git_environment()
    stamp = moment.isoformat()
    email = f"{author.lower().replace(' ', '.')}@example.com"
    environment.update(
        GIT_AUTHOR_DATE=stamp,
        GIT_COMMITTER_DATE=stamp,
        GIT_AUTHOR_NAME=author,
        GIT_COMMITTER_NAME=author,
        GIT_AUTHOR_EMAIL=email,
        GIT_COMMITTER_EMAIL=email,
    )
    arguments = ["git", "commit", "-q", "--allow-empty", "--no-verify", "-m", message]
    done = subprocess.run(arguments, cwd=repository, env=environment, capture_output=True, check=False)
    if done.returncode != 0:
        raise HistoryError(f"git commit in {repository} failed: {done.stderr.decode('utf-8', 'replace').strip()}")


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(10), UTC)


def _file_state(documents: Sequence[Document], undone: Sequence[StoryEvent]) -> str | None:
    """The file's text with the `undone` events taken back (latest first); None: no document left."""
    state: list[Document] = [copy.deepcopy(document) for document in documents]
    for event in reversed(undone):
        state = [
            before
            for document in state
            if (before := event.undo(document) if document["metadata"]["name"] == event.name else document) is not None
        ]
    return dump_yaml(state) if state else None


def _write(path: Path, text: str | None) -> None:
    if text is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _documents(files: Mapping[str, list[Document]]) -> Iterator[tuple[str, Document]]:
    for path in sorted(files):
        for document in files[path]:
            yield path, document


def _event(
    day: date, message: str, where: tuple[str, Document], undo: Callable[[Document], Document | None]
) -> StoryEvent:
    return StoryEvent(day, message, where[0], _name(where), undo)


def _name(where: tuple[str, Document]) -> str:
    return str(where[1]["metadata"]["name"])


def _is_open(document: Document) -> bool:
    return document["spec"].get("status") in ("open", "mitigating")


def _unlinked(document: Document) -> bool:
    """Neither mitigating nor mitigated by anything, and no migration: its story touches nothing else."""
    spec = document["spec"]
    return not any(key in spec for key in ("mitigates", "mitigatedBy", "migration", "dependsOn"))


def _level(likelihood: int, impact: int) -> str:
    return GRID[likelihood - 1][impact - 1]


def _raisable(risks: Sequence[tuple[str, Document]]) -> tuple[str, Document] | None:
    """An open risk whose residual level was lower with one less likelihood."""
    for item in risks:
        spec = item[1]["spec"]
        residual = spec.get("residual") or {}
        likelihood, impact = residual.get("likelihood", 1), residual.get("impact", 1)
        if _is_open(item[1]) and likelihood > 1 and _level(likelihood - 1, impact) != _level(likelihood, impact):
            return item
    return None


def _lower(document: Document) -> Document:
    before = copy.deepcopy(document)
    before["spec"]["residual"]["likelihood"] -= 1
    return before


def _status(status: str) -> Callable[[Document], Document]:
    def undo(document: Document) -> Document:
        before = copy.deepcopy(document)
        before["spec"]["status"] = status
        return before

    return undo


def _committed(quarter: str) -> Callable[[Document], Document]:
    def undo(document: Document) -> Document:
        before = copy.deepcopy(document)
        before["spec"]["committed"] = {"quarter": quarter}
        return before

    return undo
