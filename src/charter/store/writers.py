"""Writers take turns: every write transaction first takes the store's one writer lock, waits for it
up to a timeout, and says who holds it when the wait runs out. Readers take no lock and are never
blocked (SQLite in WAL mode, PostgreSQL's MVCC).

SQLite: a write transaction begins with `BEGIN IMMEDIATE`, so the busy timeout applies while it
waits (a deferred `BEGIN` that reads first fails at once when another writer got there meanwhile),
and it writes a note beside the database file naming its process and command for the writers that
wait. PostgreSQL: a transaction-scoped advisory lock, waited for under `lock_timeout`; the holder
is found in `pg_locks`, its command in the `application_name` every connection sets."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection, RootTransaction
from sqlalchemy.exc import OperationalError

from charter.model.errors import StoreUnavailable

T = TypeVar("T")

# How long a writer waits for another to finish, unless CHARTER_WRITE_TIMEOUT says otherwise.
WRITE_TIMEOUT_SECONDS = 30.0
WRITE_TIMEOUT_VARIABLE = "CHARTER_WRITE_TIMEOUT"
# Any fixed number ("CHWR"): PostgreSQL's advisory locks are per database, so this is per store.
WRITER_LOCK_KEY = 0x43485752
# The execution option the SQLite `begin` listener reads to choose `BEGIN IMMEDIATE`.
WRITE_OPTION = "charter_writer"
NOTE_SUFFIX = "-writer"
# PostgreSQL keeps 63 bytes of an application_name.
_APPLICATION_NAME_BYTES = 63
_COMMAND_CHARACTERS = 200
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_LOCK_NOT_AVAILABLE = "55P03"
_BUSY_TIMEOUT = "charter_busy_timeout_ms"
_NOTE_BYTES = 1024
_PASSWORD = re.compile(r"(://[^/@\s:]*:)[^/@\s]*@")


class StoreBusy(StoreUnavailable):
    """Another writer held the store for longer than this one would wait."""


def write_timeout_from_environment() -> float:
    """`CHARTER_WRITE_TIMEOUT` (seconds), else WRITE_TIMEOUT_SECONDS."""
    written = os.environ.get(WRITE_TIMEOUT_VARIABLE, "").strip()
    if not written:
        return WRITE_TIMEOUT_SECONDS
    try:
        seconds = float(written)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise StoreUnavailable(f"{WRITE_TIMEOUT_VARIABLE}={written!r}: give the seconds a writer waits, such as 30")
    return seconds


def writer_command(argv: Sequence[str] | None = None) -> str:
    """This process's command line as another process may be shown it: the program's name without
    its folder, a password in a URL hidden, unprintable characters replaced, at most 200 characters."""
    words = list(sys.argv if argv is None else argv)
    if not words or not words[0]:
        return f"pid {os.getpid()}"
    line = " ".join([Path(words[0]).name, *words[1:]])
    line = _PASSWORD.sub(r"\1***@", line)
    return "".join(character if character.isprintable() else "?" for character in line)[:_COMMAND_CHARACTERS]


def application_name(command: str) -> str:
    """The command as a PostgreSQL application_name: printable ASCII, at most 63 bytes."""
    return command.encode("ascii", "replace").decode("ascii")[:_APPLICATION_NAME_BYTES]


class WriterNote:
    """A SQLite store's note of its latest writer (pid and command), beside the database file,
    written by each writer once it holds the lock. Writers take turns, so while one holds the lock
    the note names it; a note whose process is gone (killed mid-write) names nobody."""

    def __init__(self, database: Path, command: str) -> None:
        self.path = database.with_name(database.name + NOTE_SUFFIX)
        self.command = command

    def claim(self) -> None:
        """Write the note over the last one in place: a record of fixed size, as truncating a file
        costs ext4 milliseconds, and a sync writes thousands of transactions."""
        record = f"{os.getpid()}\n{self.command}\n".encode()[:_NOTE_BYTES].ljust(_NOTE_BYTES)
        with suppress(OSError):  # the note only helps the writers who wait; the write itself goes on
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
            try:
                os.write(descriptor, record)
            finally:
                os.close(descriptor)

    def holder(self) -> str | None:
        """`pid 4242: charter sync --repo org`, or None when no live process left a note."""
        try:
            pid_line, _, command = self.path.read_text(encoding="utf-8", errors="replace").partition("\n")
            pid = int(pid_line)
        except (OSError, ValueError):
            return None
        if not _running(pid):
            return None
        return f"pid {pid}: {command.strip()}"


def _running(pid: int) -> bool:
    if os.name != "posix":  # os.kill would end the process there; say what the note says
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process, alive
        return True
    return True


def begin_sqlite_transaction(connection: Connection) -> None:
    """The `begin` listener of a SQLite engine (pysqlite's own transaction handling is turned off):
    `BEGIN IMMEDIATE` for a writer, a deferred `BEGIN` for a reader."""
    writer = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


class WriterQueue:
    """The store's writer lock: `transaction()` waits for it (up to `timeout` seconds), begins, and
    hands over the connection; the block's end commits, an exception rolls back."""

    def __init__(self, engine: Engine, timeout: float = WRITE_TIMEOUT_SECONDS, command: str | None = None) -> None:
        self.engine = engine
        self.timeout = timeout
        self.command = command or writer_command()
        self.dialect = engine.dialect.name
        database = engine.url.database
        on_disk = self.dialect == "sqlite" and database not in (None, "", ":memory:")
        self.note = WriterNote(Path(database), self.command) if on_disk and database else None

    @contextmanager
    def transaction(self, timeout: float | None = None) -> Iterator[Connection]:
        """One write transaction, after every writer before it. StoreBusy when the lock is not had
        within `timeout` seconds (default: the queue's)."""
        wait = self.timeout if timeout is None else timeout
        with self.engine.connect() as connection:
            transaction = self._begin(connection, wait)
            with transaction:
                if self.note is not None:
                    self.note.claim()
                yield connection

    def write_if_idle(self, write: Callable[[Connection], T]) -> T | None:
        """Run `write` in a write transaction if no other writer holds the store now, else skip it
        (None): for caches, which a reader writes on its way and may do without."""
        try:
            with self.transaction(timeout=0) as connection:
                return write(connection)
        except StoreBusy:
            return None

    def _begin(self, connection: Connection, wait: float) -> RootTransaction:
        if self.dialect == "sqlite":
            return self._begin_sqlite(connection, wait)
        if self.dialect == "postgresql":
            return self._begin_postgresql(connection, wait)
        return connection.begin()

    def _begin_sqlite(self, connection: Connection, wait: float) -> RootTransaction:
        connection.execution_options(**{WRITE_OPTION: True})
        self._busy_timeout(connection, wait)
        try:
            return connection.begin()
        except OperationalError as error:
            if not _sqlite_busy(error):
                raise
            holder = self.note.holder() if self.note is not None else None
            raise StoreBusy(busy_message(wait, holder)) from None
        finally:
            self._busy_timeout(connection, self.timeout)

    @staticmethod
    def _busy_timeout(connection: Connection, seconds: float) -> None:
        """Set the connection's busy timeout (how long its BEGIN IMMEDIATE waits), unless it has it."""
        wanted = _milliseconds(seconds)
        pooled = connection.connection
        if pooled.info.get(_BUSY_TIMEOUT) != wanted:
            pooled.driver_connection.execute(f"PRAGMA busy_timeout = {wanted}")  # type: ignore[union-attr]
            pooled.info[_BUSY_TIMEOUT] = wanted

    def _begin_postgresql(self, connection: Connection, wait: float) -> RootTransaction:
        transaction = connection.begin()
        try:
            # lock_timeout 0 means "wait for ever": the shortest wait PostgreSQL has is 1 ms.
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, _milliseconds(wait))}")
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK_KEY})
            connection.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")
        except OperationalError as error:
            transaction.rollback()
            if getattr(error.orig, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
                raise
            raise StoreBusy(busy_message(wait, self._postgresql_holder())) from None
        except BaseException:
            transaction.rollback()
            raise
        return transaction

    def _postgresql_holder(self) -> str | None:
        """The session holding the writer lock: its application_name, else its backend pid."""
        query = text(
            "SELECT activity.pid, activity.application_name FROM pg_locks AS lock "
            "JOIN pg_stat_activity AS activity ON activity.pid = lock.pid "
            "WHERE lock.locktype = 'advisory' AND lock.granted AND lock.objsubid = 1 "
            "AND lock.classid::bigint = :high AND lock.objid::bigint = :low "
            "AND lock.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        with self.engine.connect() as connection:
            row = connection.execute(
                query, {"high": WRITER_LOCK_KEY >> 32, "low": WRITER_LOCK_KEY & 0xFFFFFFFF}
            ).first()
        if row is None:
            return None
        pid, name = row
        return name or f"PostgreSQL session {pid}"


def busy_message(wait: float, holder: str | None) -> str:
    """One line: the store is busy, who holds it when known, and what to do."""
    who = f"another writer ({holder})" if holder else "another writer"
    return f"the store is busy: {who} has held it for more than {wait:g} s; try again when it is done"


def _milliseconds(seconds: float) -> int:
    return int(round(seconds * 1000))


def _sqlite_busy(error: OperationalError) -> bool:
    code = getattr(error.orig, "sqlite_errorcode", 0)
    return (code & 0xFF) in (_SQLITE_BUSY, _SQLITE_LOCKED)
