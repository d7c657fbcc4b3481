"""`charter sync` starts git's logs before it loads anything only when the store cannot hold any
history yet: no store file and no database URL, no fetch first, no cluster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.services import sync_start
from charter.services.sync_start import git_roots, start_git_logs
from charter.store import database
from tests.sources.git.gitrepos import T0, Repo
from tests.strategy import write_repo

ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  sources: {git: {roots: [../clones, /nowhere/at/all]}}
"""


def test_the_store_location_is_the_stores_own() -> None:
    assert sync_start.DATABASE_URL_VARIABLE == database.DATABASE_URL_VARIABLE
    assert Path(database.STORE_FOLDER) / database.DEFAULT_DATABASE_FILE == sync_start.STORE_FILE


@pytest.fixture
def strategy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.delenv("CHARTER_DATABASE_URL", raising=False)
    repo = Repo(tmp_path / "clones" / "payments")
    repo.write("a.txt", "a\n")
    repo.commit("a", T0)
    (tmp_path / "org").mkdir()
    yield write_repo(tmp_path / "org", {}, ORGANIZATION)


def started(root: Path, **options: object) -> list[str]:
    logs = start_git_logs(root, **options)  # type: ignore[arg-type]
    if logs is None:
        return []
    names = sorted(Path(location).name for location in logs.logs)
    logs.close()
    return names


def test_a_fresh_store_starts_the_log_of_every_clone(strategy: Path) -> None:
    assert git_roots(strategy / "charter.yaml") == ["../clones", "/nowhere/at/all"]
    assert started(strategy) == ["payments"]


def test_no_early_log_when_the_store_may_hold_history(strategy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert started(strategy, fetch=True) == []
    assert started(strategy, executor="tcp://scheduler:8786") == []
    (strategy / ".charter").mkdir()
    (strategy / ".charter" / "charter.db").write_bytes(b"")
    assert started(strategy) == []
    (strategy / ".charter" / "charter.db").unlink()
    monkeypatch.setenv("CHARTER_DATABASE_URL", "postgresql://db.example/charter")
    assert started(strategy) == []


def test_a_charter_yaml_it_cannot_read_starts_nothing(strategy: Path) -> None:
    (strategy / "charter.yaml").write_text("spec: [unclosed\n", encoding="utf-8")
    assert started(strategy) == []
    assert started(strategy.parent / "not-a-strategy") == []
