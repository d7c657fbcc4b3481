"""`charter sync`'s progress bars on a terminal: one per repository while it is mined, redrawn at
each event by the sync's own thread, never by a thread of Rich's, so that the sync runs no other
thread once git is done and may fork (`services/forked.py`)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager

import pytest

from charter.cli import sync as sync_command
from charter.cli.sync import _Bars
from charter.services.imports_git import SyncEvent, SyncEventKind


@pytest.fixture
def bars_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """`_progress_bars` drawing to a terminal (a string buffer Rich is told is one)."""
    from rich.console import Console

    screen = io.StringIO()
    monkeypatch.setattr("rich.console.Console", lambda **options: Console(file=screen, force_terminal=True, width=80))
    yield screen


def test_the_bars_are_drawn_with_no_thread_of_their_own(bars_on_a_terminal: io.StringIO) -> None:
    before = threading.active_count()
    shown: AbstractContextManager[_Bars | None] = sync_command._progress_bars(quiet=False)
    with shown as bars:
        assert bars is not None
        bars.expect(2)
        for name in ("payments", "ledger"):
            bars(SyncEvent(SyncEventKind.STARTED, name))
            bars(SyncEvent(SyncEventKind.ADVANCED, name, commits=10))
            assert threading.active_count() == before
            bars(SyncEvent(SyncEventKind.FINISHED, name, commits=10))
        assert bars.per_repository == {}
    drawn = bars_on_a_terminal.getvalue()
    assert "payments commits" in drawn and "ledger commits" in drawn and "2/2" in drawn
