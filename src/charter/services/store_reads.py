"""Reading the store inside a use case: a read that fails part-way (a table missing, a server gone)
becomes StoreFailure, one line for the user, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from charter.model.errors import StoreFailure


def store_errors() -> tuple[type[Exception], ...]:
    """What reading the store raises: SQLAlchemy's errors, and the drivers' own, which raw cursors
    raise, of the drivers loaded (psycopg only for PostgreSQL: importing it costs a SQLite store a
    tenth of a second)."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    psycopg = sys.modules.get("psycopg")
    drivers: tuple[type[Exception], ...] = (sqlite3.Error,) if psycopg is None else (sqlite3.Error, psycopg.Error)
    return (SQLAlchemyError, *drivers)


@contextmanager
def reading_store() -> Iterator[None]:
    """Run the block's store reads; StoreFailure when one fails."""
    try:
        yield
    except store_errors() as error:
        raise StoreFailure(f"the store cannot be read: {error.__class__.__name__}: {error}") from None
