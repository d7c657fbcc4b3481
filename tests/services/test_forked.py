"""A computation forked beside the process: computed in a child and sent back when forking is safe,
else here; a child that fails or dies leaves the computation to this process, which raises its
error as usual; a child nobody waits for is ended."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from charter.services import forked
from charter.services.forked import Forked, fork_is_safe
from charter.store import open_store
from charter.store.schema import git_repositories

MINED_AT = datetime(2026, 10, 1, tzinfo=UTC)


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


def test_the_child_reads_the_store_on_connections_of_its_own(safe: None, tmp_path: Path, database_url: str) -> None:
    """The child answers from the store, and the parent's pooled connection still works after it:
    the child neither used nor closed it (closing a PostgreSQL connection from the child would end
    the parent's session; on SQLite it would touch the parent's write-ahead log)."""
    with open_store(tmp_path, database_url) as store:
        engine = store.engine
        with store.transaction() as connection:
            connection.execute(
                insert(git_repositories).values(
                    name="payments", location="/clones/payments", mined_at=MINED_AT, commit_count=0
                )
            )
        with engine.connect() as connection:  # pooled now, and used again below
            parents_connection = id(connection.connection.driver_connection)

        def read() -> list[str]:
            with engine.connect() as connection:
                return list(connection.execute(select(git_repositories.c.name)).scalars())

        answer = Forked(read, engine)
        assert answer.forked
        assert answer.result() == ["payments"]
        with store.transaction() as connection:
            assert id(connection.connection.driver_connection) == parents_connection
            connection.execute(
                insert(git_repositories).values(
                    name="ledger", location="/clones/ledger", mined_at=MINED_AT, commit_count=0
                )
            )
        assert sorted(read()) == ["ledger", "payments"]
