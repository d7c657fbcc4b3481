"""`open_store` picks its database from the argument, CHARTER_DATABASE_URL, or the repository."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

from charter.store import open_store, resolve_database_url
from charter.store.database import DATABASE_URL_VARIABLE


@pytest.fixture(autouse=True)
def no_database_variable(monkeypatch):
    monkeypatch.delenv(DATABASE_URL_VARIABLE, raising=False)


def test_default_is_a_sqlite_file_in_the_repository_in_wal_mode(tmp_path):
    with open_store(tmp_path) as store:
        assert store.engine.url.database == str(tmp_path / ".charter" / "charter.db")
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / ".charter" / "charter.db").is_file()


def test_environment_variable_chooses_the_database(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, database_url)

    with open_store(tmp_path / "repo") as store:
        assert store.engine.url.render_as_string(hide_password=False) == database_url
        assert "snapshots" in inspect(store.engine).get_table_names()
    assert not (tmp_path / "repo" / ".charter").exists()


def test_explicit_url_wins_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, "postgresql+psycopg://nobody@127.0.0.1:1/none")
    url = f"sqlite:///{tmp_path / 'explicit.db'}"

    with open_store(tmp_path, url) as store:
        assert store.engine.url.database == str(tmp_path / "explicit.db")


def test_opening_again_keeps_the_data(database_url, tmp_path):
    with open_store(tmp_path, database_url) as store:
        taken = store.write_snapshot(datetime(2026, 11, 1, tzinfo=UTC), "abc123", [])
    with open_store(tmp_path, database_url) as store:
        latest = store.latest_snapshot()
        assert latest is not None and (latest.id, latest.repo_commit) == (taken, "abc123")


@pytest.mark.parametrize("written", ["postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg://u@h/db"])
def test_postgresql_urls_use_psycopg(written, tmp_path):
    assert resolve_database_url(tmp_path, written) == "postgresql+psycopg://u@h/db"


def test_postgresql_sessions_are_in_utc_whatever_the_server_says(postgres_url, tmp_path):
    from datetime import UTC

    midnight_before = "SELECT date_trunc('day', TIMESTAMPTZ '2026-01-01 23:30:00+00')"
    with open_store(tmp_path, postgres_url) as store:
        with store.engine.connect() as connection:
            # A server (or a role) set to another zone: each new session still starts in UTC.
            connection.execute(text("ALTER ROLE CURRENT_USER SET timezone = 'Pacific/Auckland'"))
            connection.commit()
        store.engine.dispose()
        try:
            with store.engine.connect() as connection:
                assert connection.execute(text("SHOW timezone")).scalar() == "UTC"
                moment = connection.execute(text("SELECT TIMESTAMPTZ '2026-01-01 23:30:00+00'")).scalar()
                day = connection.execute(text(midnight_before)).scalar()
        finally:
            with store.engine.connect() as connection:
                connection.execute(text("ALTER ROLE CURRENT_USER RESET timezone"))
                connection.commit()
    assert moment.tzinfo is UTC and moment.hour == 23
    assert (day.year, day.month, day.day, day.hour) == (2026, 1, 1, 0)
