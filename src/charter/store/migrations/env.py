"""Alembic environment: runs migrations on the connection `charter.store.database` hands over in
`config.attributes["connection"]`, inside that connection's transaction."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from charter.store.schema import metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite alters tables by copying them; batch mode lets one revision serve both dialects.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("Charter's migrations run online only: open the store with charter.store.open_store")
run_migrations(context.config.attributes["connection"])
