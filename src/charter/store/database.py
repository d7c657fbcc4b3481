"""Open the store: pick the database (argument, `CHARTER_DATABASE_URL`, or the SQLite file in the
strategy repository), make the engine, and bring the schema to the newest Alembic revision."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.engine import Connection

from charter.model.metric_values import MetricPoint, MetricValue, Snapshot
from charter.model.refs import EntityRef
from charter.store.parse_cache import StoreParseCache
from charter.store.snapshots import insert_snapshot, read_latest_snapshot, read_metric_history

DATABASE_URL_VARIABLE = "CHARTER_DATABASE_URL"
STORE_FOLDER = ".charter"
DEFAULT_DATABASE_FILE = "charter.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions (a test holds this equal to Alembic's head), so that
# opening an up-to-date store needs one query and no Alembic import.
HEAD_REVISION = "0010"
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
    that begin when SQLAlchemy says so (pysqlite would otherwise run DDL outside them)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return _postgresql_engine(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": 30})
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

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def _postgresql_engine(url: str) -> Engine:
    """Sessions in UTC whatever the server's `TimeZone`: timestamps then come back in
    `datetime.timezone.utc` (with `Etc/UTC` the driver gives a ZoneInfo, and a million of them cost
    a second and a half to convert), and day boundaries in SQL are UTC days, as everywhere else."""
    engine = create_engine(url)

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


def upgrade_schema(connection: Connection, revision: str = "head") -> None:
    """Migrate up to `revision` inside the connection's transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
    from alembic import command

    command.upgrade(_alembic_config(connection), revision)


def downgrade_schema(connection: Connection, revision: str = "base") -> None:
    """Migrate down to `revision` inside the connection's transaction."""
    from alembic import command

    command.downgrade(_alembic_config(connection), revision)


class Store:
    """Charter's database: an engine with a migrated schema. Writes happen in transactions the caller
    owns (`with store.transaction() as connection:`); query functions take that connection."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.parse_cache = StoreParseCache(engine)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back entirely if it raises."""
        with self.engine.begin() as connection:
            yield connection

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


def open_store(repo_root: Path, url: str | None = None) -> Store:
    """The store for the strategy repository at `repo_root`, its schema upgraded to the newest revision."""
    engine = create_store_engine(resolve_database_url(repo_root, url))
    try:
        with engine.begin() as connection:
            if _current_revision(connection) != HEAD_REVISION:
                upgrade_schema(connection)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)
