"""Store tests run on both dialects through `database_url` (tests/conftest.py); `store` opens it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.store import Store, open_store
from charter.store.database import create_store_engine, upgrade_schema


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path, database_url) as opened:
        yield opened


def migrate_to(database_url: str, revision: str) -> None:
    """Bring the database at `database_url` to `revision` by replaying the migrations up to it."""
    engine = create_store_engine(database_url)
    try:
        with engine.begin() as connection:
            upgrade_schema(connection, revision)
    finally:
        engine.dispose()
