"""Charter's store: SQLAlchemy tables, Alembic migrations and queries over SQLite (the default file
in the strategy repository) or PostgreSQL."""

from charter.store.database import Store, open_store, resolve_database_url
from charter.store.parse_cache import StoreParseCache

__all__ = [
    "Store",
    "StoreParseCache",
    "open_store",
    "resolve_database_url",
]
