"""Charter's store: SQLAlchemy tables, Alembic migrations and queries over SQLite (the default file
in the strategy repository) or PostgreSQL; and, apart from it, the repository's local caches
(`local_cache.py`, plain `sqlite3`). Importing the package imports neither: a command that only
reads its caches (`charter check`) never loads SQLAlchemy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from charter.store.database import Store, open_store, resolve_database_url

__all__ = [
    "Store",
    "open_store",
    "resolve_database_url",
]


def __getattr__(name: str) -> Any:
    """`from charter.store import Store` imports the database module on first use."""
    if name in __all__:
        from charter.store import database

        return getattr(database, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
