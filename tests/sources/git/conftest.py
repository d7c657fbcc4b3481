"""Fixtures for the git source tests: repositories to build (the store on both dialects is
`database_url`, from tests/conftest.py)."""

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
