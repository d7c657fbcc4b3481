"""`INSERT ... ON CONFLICT` in the connection's own dialect. Each dialect's module is imported when a
statement for it is first built: a command on a SQLite store (a first `charter sync` in CI) does not
load SQLAlchemy's PostgreSQL dialect, a tenth of SQLAlchemy's import time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Table
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite


def conflict_insert(connection: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `table` that takes an ON CONFLICT clause, for the connection's dialect."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    raise NotImplementedError(f"upserts are written for SQLite and PostgreSQL, not {dialect}")
