"""The server's secrets in the store: read one by name, keep one unless another writer kept it
first (the first worker to start generates it, the others read it), or replace it. The caller owns
the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from charter.store.conflict_insert import conflict_insert
from charter.store.schema_server import server_secrets


def read_secret(connection: Connection, name: str) -> str | None:
    found: str | None = connection.execute(
        select(server_secrets.c.value).where(server_secrets.c.name == name)
    ).scalar_one_or_none()
    return found


def keep_secret(connection: Connection, name: str, value: str, at: datetime) -> str:
    """Keep `value` as the secret `name` unless one is kept already; the secret kept, either way."""
    row = conflict_insert(connection, server_secrets).values(name=name, value=value, created=at)
    connection.execute(row.on_conflict_do_nothing())
    kept = read_secret(connection, name)
    assert kept is not None
    return kept


def replace_secret(connection: Connection, name: str, value: str, at: datetime) -> None:
    """Put `value` in place of the secret `name` (or keep it, when there was none)."""
    changed = connection.execute(
        update(server_secrets).where(server_secrets.c.name == name).values(value=value, created=at)
    )
    if changed.rowcount == 0:
        keep_secret(connection, name, value, at)
