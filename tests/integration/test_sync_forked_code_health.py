"""A fresh `charter sync` measures the snapshot's code health in a forked child while it links
(`services/forked.py`): the snapshot holds the same values as when it is measured in the process
(SQLite and PostgreSQL, the child reading the store through connections of its own)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from charter.services import forked
from charter.store.database import open_store
from tests.conftest import charter_output
from tests.integration.test_sync_delivery import database, history

__all__ = ["database", "history"]  # fixtures: a clone beside the strategy in tmp_path/org; SQLite or PostgreSQL


def synced_values(repo: Path) -> dict[tuple[str, str], float | None]:
    """Sync into a fresh store (the SQLite file is removed; a PostgreSQL database is given fresh),
    and the snapshot's values."""
    shutil.rmtree(repo / ".charter", ignore_errors=True)
    charter_output("sync", "--repo", str(repo), "--quiet", "--as-of", "2026-10-13")
    with open_store(repo) as store:
        snapshot = store.latest_snapshot()
    assert snapshot is not None
    return {(item.metric, item.scope_ref): item.value for item in snapshot.values}


def test_code_health_measured_in_a_child_is_what_the_process_measures(
    tmp_path: Path,
    history: dict[str, str],
    database: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = tmp_path / "org"
    children: list[bool] = []
    started = forked.Forked.__init__

    def counted(self: forked.Forked[object], *arguments: Any, **keywords: Any) -> None:
        started(self, *arguments, **keywords)
        children.append(self.forked)

    monkeypatch.setattr(forked.Forked, "__init__", counted)
    monkeypatch.setattr(forked, "fork_is_safe", lambda: True)  # whatever threads the test runner keeps
    in_a_child = synced_values(repo)
    monkeypatch.setattr(forked, "fork_is_safe", lambda: False)
    if database == "postgresql":
        server = request.getfixturevalue("postgres_server")
        fresh = server.create_database()
        request.addfinalizer(lambda: server.drop_database(fresh))
        monkeypatch.setenv("CHARTER_DATABASE_URL", server.url(fresh))
    in_the_process = synced_values(repo)

    assert children == [True, False]
    assert in_a_child[("code_health.bus_factor", "component:payments")] == 1
    assert in_a_child == in_the_process


def test_an_unchanged_resync_forks_nothing(
    tmp_path: Path, history: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "org"
    charter_output("sync", "--repo", str(repo), "--quiet", "--as-of", "2026-10-13")
    children: list[object] = []
    monkeypatch.setattr(forked.Forked, "__init__", lambda self, *arguments, **keywords: children.append(arguments))

    charter_output("sync", "--repo", str(repo), "--quiet", "--as-of", "2026-10-13")

    assert children == []  # nothing mined from the start: code health reads the store, in the process
