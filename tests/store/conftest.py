"""Store tests run on both dialects through `database_url` (tests/conftest.py); `store` opens it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.store import Store, open_store


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path, database_url) as opened:
        yield opened
