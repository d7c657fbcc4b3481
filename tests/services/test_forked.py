"""A computation forked beside the process: computed in a child and sent back when forking is safe,
else here; a child that fails or dies leaves the computation to this process, which raises its
error as usual; a child nobody waits for is ended."""

from __future__ import annotations

import os
import threading
import time

import pytest

from charter.services import forked
from charter.services.forked import Forked, fork_is_safe


@pytest.fixture
def safe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forking allowed whatever threads the test runner keeps (these children only compute)."""
    monkeypatch.setattr(forked, "fork_is_safe", lambda: True)


def test_the_answer_comes_from_a_child(safe: None) -> None:
    parent = os.getpid()
    answer = Forked(lambda: (os.getpid(), [n * n for n in range(100_000)]))

    assert answer.forked
    child, squares = answer.result()
    assert child != parent
    assert squares[-1] == 99_999**2  # larger than a pipe's buffer: read while the child writes


def test_no_child_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "usable_cores", lambda: 2)
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not fork_is_safe()
        answer = Forked(os.getpid)
        assert not answer.forked
        assert answer.result() == os.getpid()
    finally:
        release.set()
        thread.join()


def test_no_child_on_one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "usable_cores", lambda: 1)
    assert not fork_is_safe()


def test_what_the_child_fails_to_compute_is_computed_here(safe: None) -> None:
    parent = os.getpid()

    def compute() -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return 7

    answer = Forked(compute)
    assert answer.forked
    assert answer.result() == 7


def test_an_error_is_raised_here_as_without_a_child(safe: None) -> None:
    def compute() -> int:
        raise LookupError("no such component")

    answer = Forked(compute)
    assert answer.forked
    with pytest.raises(LookupError, match="no such component"):
        answer.result()


def test_a_child_nobody_waits_for_is_ended(safe: None) -> None:
    answer = Forked(lambda: time.sleep(600))
    assert answer.forked
    pid = answer._pid
    assert pid is not None

    answer.close()

    with pytest.raises(ChildProcessError):  # reaped: no such child any more
        os.waitpid(pid, os.WNOHANG)
