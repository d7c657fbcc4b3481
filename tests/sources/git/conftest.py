"""Fixtures for the git source tests: repositories to build, and the store on both dialects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.sources.git.gitrepos import Repo


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[str], Repo]:
    def make(name: str) -> Repo:
        return Repo(tmp_path / name)

    return make


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'charter.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url
