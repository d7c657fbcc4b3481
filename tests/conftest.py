"""Shared fixtures: where the real files of other projects live (../shared/fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pg_server import postgres_server, postgres_url  # noqa: F401  (fixtures for every folder)

# Fails a run of the whole suite when a declared diagnostic code is never emitted, or an emitted one
# is declared nowhere.
pytest_plugins = ("tests.emitted_codes",)

SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


@pytest.fixture
def shared_fixtures() -> Path:
    """The real files written by other projects; tests that use them skip when they are absent."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip("../shared/fixtures is not present")
    return SHARED_FIXTURES


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store on both dialects: a SQLite file, or a fresh database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'charter.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url
