"""Shared fixtures: where the real files of other projects live (../shared/fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pg_server import postgres_server, postgres_url  # noqa: F401  (fixtures for every folder)

SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


@pytest.fixture
def shared_fixtures() -> Path:
    """The real files written by other projects; tests that use them skip when they are absent."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip("../shared/fixtures is not present")
    return SHARED_FIXTURES
