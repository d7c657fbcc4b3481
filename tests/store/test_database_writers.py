"""Writers take turns on both dialects: a writer waits for the one before it and then sees what it
wrote; one kept waiting too long says, in one line, who holds the store; readers and caches never
wait for a writer; a store a newer Charter wrote is refused."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from charter.model.errors import StoreUnavailable
from charter.store.database import HEAD_REVISION, Store, database_error_summary, open_store
from charter.store.schema import commits
from charter.store.writers import (
    WRITE_TIMEOUT_VARIABLE,
    WRITER_LOCK_KEY,
    StoreBusy,
    WriterNote,
    application_name,
    busy_message,
    writer_command,
)
from tests.store.test_transactions import commit_row


def count(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(commits)) or 0


@pytest.fixture
def second(database_url: str, tmp_path: Path) -> Iterator[Store]:
    """Another Store on the same database, as another process would open it."""
    with open_store(tmp_path, database_url) as opened:
        yield opened


def announce_sqlite_begins(engine: Engine, began: threading.Event) -> None:
    """Set `began` when a connection of `engine` starts a BEGIN (SQLite's trace callback runs as a
    statement starts, before it waits for the lock)."""
    if engine.dialect.name != "sqlite":
        return
    engine.dispose()

    @event.listens_for(engine, "connect")
    def _trace(dbapi_connection: object, _record: object) -> None:
        def traced(statement: str) -> None:
            if statement.startswith("BEGIN"):
                began.set()

        dbapi_connection.set_trace_callback(traced)  # type: ignore[attr-defined]


def wait_for_a_waiting_writer(store: Store, began: threading.Event) -> None:
    """Return once a writer is waiting for the writer lock."""
    if store.engine.dialect.name == "sqlite":
        assert began.wait(60)
        return
    waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid::bigint = :key")
    for _attempt in range(6000):
        with store.engine.connect() as connection:
            if connection.scalar(waiting, {"key": WRITER_LOCK_KEY}):
                return
        time.sleep(0.01)
    raise AssertionError("no writer waited for the lock")


def test_a_writer_waits_for_the_writer_before_it_and_then_sees_its_rows(store: Store, second: Store) -> None:
    began = threading.Event()
    announce_sqlite_begins(second.engine, began)
    seen: list[int] = []
    read = threading.Event()

    def later_writer() -> None:
        with second.transaction() as connection:
            seen.append(connection.scalar(select(func.count()).select_from(commits)) or 0)
            read.set()
            connection.execute(insert(commits), [commit_row("b" * 40)])

    with store.transaction() as connection:
        connection.execute(insert(commits), [commit_row("a" * 40)])
        thread = threading.Thread(target=later_writer)
        thread.start()
        wait_for_a_waiting_writer(store, began)
        # A writer that did not wait (a deferred BEGIN) reads now, and then cannot write (SQLite's
        # "database is locked" at once). One that waits reads only after this block commits.
        read.wait(0.5)
    thread.join()

    assert seen == [1]
    assert count(store) == 2


def test_a_writer_kept_waiting_too_long_says_who_holds_the_store(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    with open_store(tmp_path, database_url, write_timeout=0.05) as impatient:
        with store.transaction(), pytest.raises(StoreBusy) as busy, impatient.transaction():
            pytest.fail("the lock is held")
        message = str(busy.value)

    holder = (
        f"pid {os.getpid()}: {writer_command()}"
        if database_url.startswith("sqlite")
        else application_name(writer_command())
    )
    assert message == f"the store is busy: another writer ({holder}) has held it for more than 0.05 s; " + (
        "try again when it is done"
    )
    assert isinstance(busy.value, StoreUnavailable)


def test_the_writer_that_waited_too_long_wrote_nothing_and_the_store_serves_the_next(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    with open_store(tmp_path, database_url, write_timeout=0.05) as impatient:
        with store.transaction(), pytest.raises(StoreBusy), impatient.transaction() as connection:
            connection.execute(insert(commits), [commit_row("c" * 40)])
        with impatient.transaction() as connection:
            connection.execute(insert(commits), [commit_row("d" * 40)])

    assert count(store) == 1


def test_readers_do_not_wait_for_a_writer_and_see_what_was_committed(store: Store, second: Store) -> None:
    with store.transaction() as connection:
        connection.execute(insert(commits), [commit_row("a" * 40)])
        with second.engine.connect() as reader:
            during = reader.scalar(select(func.count()).select_from(commits))

    assert (during, count(second)) == (0, 1)


def test_caches_are_not_written_while_another_writer_holds_the_store(store: Store, second: Store) -> None:
    with store.transaction():
        assert second.write_if_idle(lambda connection: "written") is None
    assert second.write_if_idle(lambda connection: "written") == "written"


def test_a_note_left_by_a_writer_that_is_gone_names_nobody(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    note = WriterNote(tmp_path / "charter.db", "charter sync")
    note.path.write_text(f"{gone.stdout.strip()}\ncharter sync\n", encoding="utf-8")

    assert note.holder() is None
    note.claim()
    assert note.holder() == f"pid {os.getpid()}: charter sync"
    assert busy_message(30, None) == (
        "the store is busy: another writer has held it for more than 30 s; try again when it is done"
    )


def test_each_sqlite_writer_notes_itself_beside_the_database(tmp_path: Path) -> None:
    note = tmp_path / "charter.db-writer"
    note.write_text("1\nan earlier writer\n", encoding="utf-8")
    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store, store.transaction():
        assert note.read_text(encoding="utf-8").rstrip(" ") == f"{os.getpid()}\n{writer_command()}\n"


def test_the_command_shown_to_other_writers_hides_passwords_and_control_characters() -> None:
    command = writer_command(
        ["/usr/bin/charter", "sync", "--db", "postgresql://ada:s3cret@db/charter", "a\x1b]0;x\x07"]
    )

    assert command == "charter sync --db postgresql://ada:***@db/charter a?]0;x?"
    assert len(writer_command(["charter", "x" * 500])) == 200
    assert application_name("charter import findings é" + "x" * 80) == ("charter import findings ?" + "x" * 80)[:63]


def test_a_write_timeout_that_is_not_seconds_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WRITE_TIMEOUT_VARIABLE, "soon")

    with pytest.raises(StoreUnavailable, match="CHARTER_WRITE_TIMEOUT='soon'"):
        open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}")


def test_the_write_timeout_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WRITE_TIMEOUT_VARIABLE, "2.5")

    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        assert store.writers.timeout == 2.5


def test_a_store_a_newer_charter_wrote_is_refused_saying_to_upgrade(database_url: str, tmp_path: Path) -> None:
    with open_store(tmp_path, database_url) as store, store.transaction() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))

    with pytest.raises(StoreUnavailable) as refused:
        open_store(tmp_path, database_url)

    message = str(refused.value)
    assert "schema revision 0999" in message and f"up to {HEAD_REVISION}" in message
    assert message.endswith("a newer Charter wrote it; upgrade Charter to use this store")
    assert "\n" not in message


def test_an_older_store_is_still_upgraded(database_url: str, tmp_path: Path) -> None:
    from charter.store.database import downgrade_schema

    with open_store(tmp_path, database_url) as store, store.transaction() as connection:
        downgrade_schema(connection, "0008")

    with open_store(tmp_path, database_url) as store, store.engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == HEAD_REVISION


def test_a_database_error_is_told_in_one_line_without_its_sql(store: Store) -> None:
    rows = [commit_row("a" * 40) | {"author_name": "x" * 300}] * 2
    with pytest.raises(IntegrityError) as refused, store.transaction() as connection:
        connection.execute(insert(commits), rows)

    summary = database_error_summary(refused.value)
    assert summary.startswith(("IntegrityError: UNIQUE constraint failed", "UniqueViolation: duplicate key value"))
    assert "\n" not in summary and "INSERT" not in summary and "xxxx" not in summary
