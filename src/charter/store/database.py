"""Open the store: pick the database (argument, `CHARTER_DATABASE_URL`, or the SQLite file in the
strategy repository), make the engine, and bring the schema to the newest Alembic revision: an empty
database is created at that revision in one step, an older one is migrated, and a store a newer
Charter wrote is refused. Writes queue for the store's writer lock (`writers.py`)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

from sqlalchemy import (
    Column,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    create_engine,
    event,
    inspect,
    make_url,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from charter.model.errors import StoreUnavailable
from charter.model.metric_values import MetricPoint, MetricValue, Snapshot
from charter.model.refs import EntityRef
from charter.store.snapshots import insert_snapshot, read_latest_snapshot, read_metric_history
from charter.store.writers import (
    WRITE_TIMEOUT_SECONDS,
    WriterQueue,
    application_name,
    begin_sqlite_transaction,
    write_timeout_from_environment,
    writer_command,
)

T = TypeVar("T")

DATABASE_URL_VARIABLE = "CHARTER_DATABASE_URL"
STORE_FOLDER = ".charter"
DEFAULT_DATABASE_FILE = "charter.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions (a test holds this equal to Alembic's head), so that
# opening an up-to-date store needs one query and no Alembic import.
HEAD_REVISION = "0017"
# Any fixed number: concurrent `open_store` calls on PostgreSQL take turns migrating.
_MIGRATION_LOCK_KEY = 0x43484152


def resolve_database_url(repo_root: Path, url: str | None = None) -> str:
    """The database to use: `url` if given, else `CHARTER_DATABASE_URL`, else the SQLite file
    `<repo_root>/.charter/charter.db` (its folder is created)."""
    chosen = url or os.environ.get(DATABASE_URL_VARIABLE)
    if chosen:
        return _with_psycopg(chosen)
    folder = repo_root / STORE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / DEFAULT_DATABASE_FILE}"


def _with_psycopg(url: str) -> str:
    """`postgresql://` and `postgres://` would pick psycopg2, which Charter does not install."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def create_store_engine(url: str) -> Engine:
    """An engine for `url`; on SQLite with WAL journaling, foreign keys enforced, and transactions
    that begin when SQLAlchemy says so (pysqlite would otherwise run DDL outside them): `BEGIN
    IMMEDIATE` for a writer, so that it waits its turn under the busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return _postgresql_engine(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": WRITE_TIMEOUT_SECONDS})
    in_memory = parsed.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    event.listen(engine, "begin", begin_sqlite_transaction)
    return engine


def _postgresql_engine(url: str) -> Engine:
    """Sessions in UTC whatever the server's `TimeZone`: timestamps then come back in
    `datetime.timezone.utc` (with `Etc/UTC` the driver gives a ZoneInfo, and a million of them cost
    a second and a half to convert), and day boundaries in SQL are UTC days, as everywhere else.
    The application_name is the command, so that a writer kept waiting can say whom it waits for."""
    engine = create_engine(url, connect_args={"application_name": application_name(writer_command())})

    @event.listens_for(engine, "connect")
    def _utc_session(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()

    return engine


def _alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


# Alembic's own version table, as `alembic stamp` creates it (`tests/store/test_migrations_head.py`
# holds the two equal), so that stamping a new store needs no Alembic import.
_VERSION_TABLE = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def _take_migration_lock(connection: Connection) -> None:
    """Concurrent openers of one PostgreSQL store take turns creating or migrating it."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})


def create_at_head(connection: Connection) -> None:
    """Create every table of an empty database as the newest revision has it, and stamp that
    revision: what replaying every migration gives (a test compares the two on both dialects), in a
    fraction of the time, inside the connection's transaction."""
    from charter.store.schema import metadata

    metadata.create_all(connection)
    _VERSION_TABLE.create(connection)
    connection.execute(_VERSION_TABLE.insert().values(version_num=HEAD_REVISION))


def bring_to_head(connection: Connection) -> None:
    """Bring the database to the newest revision inside the connection's transaction: create it
    there in one step when it holds no table at all, else run the migrations it lacks."""
    _take_migration_lock(connection)
    revision = _current_revision(connection)  # again: another opener may have finished meanwhile
    if revision == HEAD_REVISION:
        return
    if revision is None and not inspect(connection).get_table_names():
        create_at_head(connection)
    else:
        upgrade_schema(connection)


def upgrade_schema(connection: Connection, revision: str = "head") -> None:
    """Migrate up to `revision` inside the connection's transaction."""
    _take_migration_lock(connection)
    from alembic import command

    command.upgrade(_alembic_config(connection), revision)


def downgrade_schema(connection: Connection, revision: str = "base") -> None:
    """Migrate down to `revision` inside the connection's transaction."""
    from alembic import command

    command.downgrade(_alembic_config(connection), revision)


class Store:
    """Charter's database: an engine with a migrated schema. Writes happen in transactions the caller
    owns (`with store.transaction() as connection:`), one writer at a time; query functions take
    that connection. Reads (`store.engine.connect()`) take no lock and wait for no writer."""

    def __init__(self, engine: Engine, write_timeout: float = WRITE_TIMEOUT_SECONDS) -> None:
        self.engine = engine
        self.writers = WriterQueue(engine, write_timeout)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction, begun once every writer before it is done (StoreBusy, a
        StoreUnavailable, when that takes longer than the write timeout): committed when the block
        ends, rolled back entirely if it raises."""
        with self.writers.transaction() as connection:
            yield connection

    def write_if_idle(self, write: Callable[[Connection], T]) -> T | None:
        """`write` in a write transaction when no other writer holds the store, else nothing (None):
        for a cache, which a reader writes on its way and may do without."""
        return self.writers.write_if_idle(write)

    def write_snapshot(self, taken_at: datetime, repo_commit: str | None, values: Iterable[MetricValue]) -> int:
        """Record every metric value of one `charter sync` in one transaction; returns the snapshot id."""
        with self.transaction() as connection:
            return insert_snapshot(connection, taken_at, repo_commit, values)

    def latest_snapshot(self) -> Snapshot | None:
        """The most recent snapshot with its values, or None before the first sync."""
        with self.engine.connect() as connection:
            return read_latest_snapshot(connection)

    def metric_history(self, metric: str, scope: EntityRef) -> list[MetricPoint]:
        """One metric's recorded values for one scope, oldest first."""
        with self.engine.connect() as connection:
            return read_metric_history(connection, metric, scope)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def open_store(repo_root: Path, url: str | None = None, *, write_timeout: float | None = None) -> Store:
    """The store for the strategy repository at `repo_root`, at the newest revision (created there
    when the database is empty, migrated when it is older). Its writers wait `write_timeout` seconds
    for each other (default: CHARTER_WRITE_TIMEOUT, else 30). StoreUnavailable when a newer Charter
    wrote the store."""
    timeout = write_timeout_from_environment() if write_timeout is None else write_timeout
    engine = create_store_engine(resolve_database_url(repo_root, url))
    store = Store(engine, timeout)
    try:
        _bring_store_to_head(store, timeout)
    except BaseException:
        engine.dispose()
        raise
    return store


def _bring_store_to_head(store: Store, timeout: float) -> None:
    """Read the store's revision and, when it is not the newest, create or migrate it in the
    writers' turn. A SQLite file that another process is turning into a WAL database (its first
    opener) can answer "database is locked" at once, without the busy timeout: that is retried,
    with a growing pause, until `timeout`."""
    deadline = time.monotonic() + timeout
    pause = 0.05
    while True:
        try:
            with store.engine.connect() as connection:
                current = _current_revision(connection)
            if current != HEAD_REVISION:
                refuse_newer_schema(store.engine, current)
                with store.transaction() as connection:  # the writers' turn: one process creates or migrates
                    bring_to_head(connection)
            return
        except OperationalError as error:
            locked = store.engine.dialect.name == "sqlite" and "database is locked" in str(error.orig)
            if not locked or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 1.0)


def database_error_summary(error: BaseException) -> str:
    """A database error in one line: the driver's own first line, without the SQL statement and
    the (possibly megabytes of) parameters SQLAlchemy adds to it."""
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return f"{type(original).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def refuse_newer_schema(engine: Engine, revision: str | None) -> None:
    """StoreUnavailable when the store's schema revision is none this Charter has: a newer one wrote it."""
    if revision is None:
        return
    from alembic.script import ScriptDirectory

    known = {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    if revision in known:
        return
    raise StoreUnavailable(
        f"the store {_where(engine)} has schema revision {revision}, which this Charter does not know "
        f"(it knows up to {HEAD_REVISION}): a newer Charter wrote it; upgrade Charter to use this store"
    )


def _where(engine: Engine) -> str:
    """The store as a user knows it: SQLite's file, or the URL without its password."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return f"at {url.database}"
    return f"at {url.render_as_string(hide_password=True)}"
