"""A fresh `charter sync` measures the snapshot's code health in a forked child while it links
(`services/forked.py`): the snapshot holds the same values as when it is measured in the process
(SQLite and PostgreSQL, the child reading the store through connections of its own)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from charter.services import forked
from charter.store.database import open_store
from tests.conftest import charter_output
from tests.integration.test_sync_delivery import Clone, database, history

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


def commits_seen_at_each_fork(repo: Path, monkeypatch: pytest.MonkeyPatch, repository: str | None = None) -> list[int]:
    """Allow forking, and note for each child forked how many commits (of `repository`; None: of
    all) the store shows another connection at that moment (0: before the mining committed them)."""
    seen: list[int] = []
    started = forked.Forked.__init__
    where, names = ("WHERE repository = ?", (repository,)) if repository else ("", ())

    def counted(self: forked.Forked[object], *arguments: Any, **keywords: Any) -> None:
        with sqlite3.connect(repo / ".charter" / "charter.db") as other:
            seen.append(other.execute(f"SELECT count(*) FROM commits {where}", names).fetchone()[0])
        started(self, *arguments, **keywords)

    monkeypatch.setattr(forked.Forked, "__init__", counted)
    monkeypatch.setattr(forked, "fork_is_safe", lambda: True)
    return seen


def forks_seeing(repo: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Sync `repo` afresh with forking allowed: `commits_seen_at_each_fork`."""
    seen = commits_seen_at_each_fork(repo, monkeypatch)
    synced_values(repo)
    return seen


def test_a_fresh_sync_forks_code_health_before_the_mining_commits(
    tmp_path: Path, history: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The child measures from the history in hand while the parent commits, turns tags into
    # deployments and links: it is forked while the store still shows none of the commits.
    assert forks_seeing(tmp_path / "org", monkeypatch) == [0]


def test_a_component_on_a_folder_of_the_repository_is_measured_after_the_commit(
    tmp_path: Path, history: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Code health reads a folder's history from the store: the child is forked once it is committed,
    # and measures what the process measures.
    repo = tmp_path / "org"
    catalog = repo / "catalog" / "all.yaml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace(
            "charter.dev/repo: payments", "charter.dev/repo: payments\n    charter.dev/path: src"
        ),
        encoding="utf-8",
    )
    assert "charter.dev/path: src" in catalog.read_text(encoding="utf-8")
    assert forks_seeing(repo, monkeypatch) == [7]
    in_a_child = synced_values(repo)
    monkeypatch.setattr(forked, "fork_is_safe", lambda: False)
    assert in_a_child == synced_values(repo)


BILLING = """\
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing
  annotations:
    charter.dev/repo: billing
spec: {type: service, lifecycle: production, owner: team-a}
"""


def test_a_repository_the_store_holds_already_is_measured_after_the_commit(
    tmp_path: Path, history: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `payments` is mined by a first sync; a second one mines `billing` from the start and finds
    # `payments` unchanged: code health reads `payments` from the store, so the child is forked once
    # `billing` is committed, and measures what the process measures.
    repo = tmp_path / "org"
    charter_output("sync", "--repo", str(repo), "--quiet", "--as-of", "2026-10-13")
    billing = Clone(tmp_path / "clones" / "billing")
    billing.commit("b1", 2)
    billing.commit("b2", 3)
    with (repo / "catalog" / "all.yaml").open("a", encoding="utf-8") as catalog:
        catalog.write(BILLING)
    seen = commits_seen_at_each_fork(repo, monkeypatch, "billing")
    output = charter_output("sync", "--repo", str(repo), "--quiet", "--as-of", "2026-10-13")

    assert "(1 mined from the start, 0 incrementally, 1 unchanged)" in output
    assert seen == [2]
    with open_store(repo) as store:
        snapshot = store.latest_snapshot()
    assert snapshot is not None
    in_a_child = {(item.metric, item.scope_ref): item.value for item in snapshot.values}
    assert in_a_child[("code_health.bus_factor", "component:payments")] == 1
    assert in_a_child[("code_health.bus_factor", "component:billing")] == 1
    monkeypatch.setattr(forked, "fork_is_safe", lambda: False)
    assert in_a_child == synced_values(repo)
