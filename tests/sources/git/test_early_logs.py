"""Logs started before the sync knows what to mine: taken by the mining when the clone's refs are
still those they were started over, ended and deleted otherwise, and never taken for a repository
the store already has history of. On both dialects."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from charter.services.imports_git import sync_repositories
from charter.sources.git.early import EarlyLog, EarlyLogs, start_early_logs
from charter.sources.git.executors import LocalExecutor
from charter.sources.git.mine import RepositoryJob
from charter.store import Store, open_store
from charter.store.git_history import known_refs
from tests.sources.git.gitrepos import T0, Repo, build_history, git
from tests.sources.git.test_sync import stored_counts


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path, database_url) as opened:
        yield opened


class Taken:
    """What the mining was handed by `take`: a log, or None."""

    def __init__(self, logs: EarlyLogs) -> None:
        self.answers: list[EarlyLog | None] = []
        real = logs.take

        def take(location: str, refs: Mapping[str, str]) -> EarlyLog | None:
            answer = real(location, refs)
            self.answers.append(answer)
            return answer

        logs.take = take  # type: ignore[method-assign]


def early_files() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("charter-early-*"))


def mine(store: Store, repo: Repo, logs: EarlyLogs) -> int:
    with store.engine.connect() as connection:
        known = known_refs(connection, "shapes")
    job = RepositoryJob("shapes", str(repo.path), known_refs=known, early_logs=logs)
    report = sync_repositories(store, [job], LocalExecutor())
    logs.close()
    return report.commits_added


def reachable(repo: Repo) -> int:
    return int(git(repo.path, "rev-list", "--count", "--all"))


def test_a_fresh_store_takes_the_early_log(store: Store, make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("shapes")
    build_history(repo)
    before = early_files()
    logs = start_early_logs([repo.path])
    taken = Taken(logs)
    assert mine(store, repo, logs) == reachable(repo) == stored_counts(store)["shapes"]
    assert len(taken.answers) == 1 and taken.answers[0] is not None
    assert early_files() == before  # moved to the mining's log, which is deleted once written


def test_refs_that_moved_since_the_start_end_the_early_log(store: Store, make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("shapes")
    build_history(repo)
    before = early_files()
    logs = start_early_logs([repo.path])
    taken = Taken(logs)
    repo.write("late.txt", "late\n")
    repo.commit("a commit after the log began", T0 + 86400 * 30)
    assert mine(store, repo, logs) == reachable(repo) == stored_counts(store)["shapes"]
    assert taken.answers == [None]
    assert early_files() == before


def test_a_repository_with_history_in_the_store_never_takes_one(store: Store, make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("shapes")
    build_history(repo)
    mine(store, repo, EarlyLogs({}))
    repo.write("late.txt", "late\n")
    repo.commit("one more", T0 + 86400 * 30)
    before = early_files()
    logs = start_early_logs([repo.path])
    taken = Taken(logs)
    assert mine(store, repo, logs) == 1
    assert taken.answers == []
    assert stored_counts(store)["shapes"] == reachable(repo)
    assert early_files() == before  # closed: ended and deleted
