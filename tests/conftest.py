"""Shared fixtures and the one helper that runs the command line: where the real files of other
projects live (../shared/fixtures), the store on both dialects, and `run_charter`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from charter.cli.app import app
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


class CharterRun(NamedTuple):
    """What one `charter` command did: its exit code, what a terminal shows, and each stream."""

    exit_code: int
    output: str
    stdout: str
    stderr: str

    @property
    def streams(self) -> tuple[int, str, str]:
        """The exit code, stdout and stderr apart."""
        return self.exit_code, self.stdout, self.stderr


def run_charter(*arguments: str, env: Mapping[str, str] | None = None) -> CharterRun:
    """`charter ARGUMENTS` run in-process through the real root command (so errors become exit
    codes as in a terminal), in a terminal wide enough that no message wraps. A traceback, rather
    than an exit code, fails the test."""
    result = CliRunner().invoke(app, list(arguments), env={"COLUMNS": "400", **(env or {})})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output, result.output
    return CharterRun(result.exit_code, result.output, result.stdout, result.stderr)


def charter_output(*arguments: str, env: Mapping[str, str] | None = None) -> str:
    """What a `charter` command that must succeed prints."""
    result = run_charter(*arguments, env=env)
    assert result.exit_code == 0, result.output
    return result.output
