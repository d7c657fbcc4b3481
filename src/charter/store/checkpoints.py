"""SQLite's WAL checkpoints moved off a sync's path. In WAL mode a commit appends to the log, and the
commit that finds the log past 1,000 pages copies it into the database file first (a checkpoint,
with two fsyncs): for a first mining of 27,000 commits, 60-90 ms in the mining's commit, on one core
while git has ended and the other waits. While `checkpoints_aside` lasts, the store's connections do
not checkpoint on commit; the caller starts one on a thread of its own (`start`) when it is about
to compute (linking, measuring), so that the copy and its fsyncs overlap that work. The thread is
waited for when it ends, and what the log still holds is copied when the store is closed, as
always. A checkpoint is safe at any moment: a failed one leaves the log for the next. Other
databases have no such log, and nothing changes for them.

The thread is started by the caller, not at once: a process that forks (`services/forked.py`) must
do so before it runs another thread."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from threading import Thread
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError

# SQLite's own default, which connections get back once the checkpoints are no longer set aside.
_AUTOCHECKPOINT_PAGES = 1000


class Checkpoint:
    """Starts the checkpoint aside, once (`start`), and waits for it (`wait`)."""

    def __init__(self, engine: Engine | None) -> None:
        self._engine = engine
        self._thread: Thread | None = None

    def start(self) -> None:
        if self._engine is None or self._thread is not None:
            return
        self._thread = Thread(target=_checkpoint, args=(self._engine,), name="charter-checkpoint", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()


@contextmanager
def checkpoints_aside(engine: Engine) -> Iterator[Checkpoint]:
    """While this lasts, the engine's SQLite connections do not checkpoint on commit (see the module)."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        yield Checkpoint(None)
        return
    checkpoint = Checkpoint(engine)

    # Listeners of this call's own, so that two at once (each its own) are each removed once.
    def no_checkpoint_on_commit(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")

    def checkpoint_on_commit(dbapi_connection: Any, _record: Any) -> None:
        if dbapi_connection is not None:  # None: the connection was invalidated
            with contextlib.suppress(Exception):  # a connection that cannot take it is closed by the pool
                dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={_AUTOCHECKPOINT_PAGES}")

    event.listen(engine, "checkout", no_checkpoint_on_commit)
    event.listen(engine, "checkin", checkpoint_on_commit)
    try:
        yield checkpoint
    finally:
        try:
            checkpoint.wait()
        finally:
            event.remove(engine, "checkout", no_checkpoint_on_commit)
            event.remove(engine, "checkin", checkpoint_on_commit)


def _checkpoint(engine: Engine) -> None:
    """Copy what the log holds into the database file, without waiting for any reader or writer."""
    with contextlib.suppress(SQLAlchemyError), engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
