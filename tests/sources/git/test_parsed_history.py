"""The history a sync keeps as it parsed it, on SQLite and PostgreSQL: for a repository mined from the
start it holds exactly what the store's readers give back (the commit graph, the authors, the file
changes in their order, ties included), so linking and code health read the same facts either way;
an incremental mining, a failed one and one larger than what is kept are read from the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from charter.analysis.delivery.ancestry import CommitNode
from charter.services.imports_git import sync_repositories
from charter.services.parsed_history import ParsedHistories, ParsedHistory
from charter.sources.git.executors import LocalExecutor
from charter.sources.git.mine import RepositoryJob
from charter.store import Store, open_store
from charter.store.git_history import (
    known_head,
    known_refs,
    read_commit_authors,
    read_commit_graph,
    read_file_changes,
)
from tests.sources.git.gitrepos import ALICE, BOB, CAROL, T0, Repo, build_history
from tests.sources.git.test_sync import _FollowedFailure


def shaped_history(repo: Repo) -> None:
    """`build_history`'s shapes, then two branches whose commits share author times (as rebases and
    cherry-picks leave them) and change, rename and delete the same files, merged back."""
    build_history(repo)
    repo.run("checkout", "-q", "-b", "left")
    repo.write("shared/one.txt", "l\n")
    repo.write("shared/two.txt", "l\n")
    repo.commit("left 1", T0 + 2000, ALICE, committer_at=T0 + 2100)
    (repo.path / "shared" / "two.txt").rename(repo.path / "shared" / "moved.txt")
    repo.commit("left 2", T0 + 2050, ALICE)
    repo.run("checkout", "-q", "main")
    repo.write("shared/one.txt", "r\n")
    repo.write("shared/three.txt", "r\n")
    repo.commit("right 1", T0 + 2000, BOB, committer_at=T0 + 2010)
    repo.write("shared/three.txt", "r\nr\n")
    repo.commit("right 2", T0 + 2050, CAROL)
    repo.run("merge", "-q", "-X", "ours", "-m", "merge left", "left", at=T0 + 2200)
    (repo.path / "a.txt").unlink()
    repo.commit("drop a", T0 + 2200, BOB)


def job(store: Store, name: str, path: Path) -> RepositoryJob:
    with store.engine.connect() as connection:
        return RepositoryJob(
            name, str(path), known_refs=known_refs(connection, name), known_head=known_head(connection, name)
        )


def sync(store: Store, name: str, path: Path) -> ParsedHistories:
    parsed = ParsedHistories()
    report = sync_repositories(store, [job(store, name, path)], LocalExecutor(max_workers=1), parsed=parsed)
    assert [repository.ok for repository in report.repositories] == [True]
    return parsed


def assert_as_stored(store: Store, history: ParsedHistory) -> None:
    with store.engine.connect() as connection:
        graph = read_commit_graph(connection, history.repository)
        authors = list(read_commit_authors(connection, history.repository))
        changes = list(read_file_changes(connection, history.repository))
    assert history.graph == {sha: CommitNode(parents, authored, merge) for sha, parents, authored, merge in graph}
    assert sorted(history.authors) == sorted(authors)
    assert history.file_changes() == changes  # the order too: by stored time, ties as written


def test_a_history_mined_from_the_start_is_kept_as_the_store_gives_it_back(
    make_repo: Callable[[str], Repo], tmp_path: Path, database_url: str
) -> None:
    repo = make_repo("shapes")
    shaped_history(repo)
    with open_store(tmp_path, database_url) as store:
        parsed = sync(store, "shapes", repo.path)

        history = parsed.get("shapes")
        assert history is not None and history.complete
        assert [kept.repository for kept in parsed] == ["shapes"]
        assert len(history.graph) == 18
        times = [change[6] for change in history.file_changes()]
        assert len(times) > len(set(times))  # ties in author time across commits
        assert_as_stored(store, history)


def test_an_incremental_mining_keeps_nothing_and_a_rewritten_history_is_kept_whole(
    make_repo: Callable[[str], Repo], tmp_path: Path, database_url: str
) -> None:
    repo = make_repo("shapes")
    build_history(repo)
    with open_store(tmp_path, database_url) as store:
        sync(store, "shapes", repo.path)
        repo.write("later.txt", "later\n")
        repo.commit("later", T0 + 3000, CAROL)

        assert sync(store, "shapes", repo.path).get("shapes") is None

        repo.run("reset", "-q", "--hard", "HEAD~2")
        repo.write("other.txt", "other\n")
        repo.commit("rewritten", T0 + 3100, CAROL)
        rewritten = sync(store, "shapes", repo.path).get("shapes")
        assert rewritten is not None
        assert_as_stored(store, rewritten)


def test_a_history_larger_than_what_is_kept_is_dropped(make_repo: Callable[[str], Repo], tmp_path: Path) -> None:
    repo = make_repo("shapes")
    build_history(repo)
    parsed = ParsedHistories(max_file_changes=3)
    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        report = sync_repositories(
            store, [job(store, "shapes", repo.path)], LocalExecutor(max_workers=1), parsed=parsed
        )
        with store.engine.connect() as connection:
            stored = list(read_file_changes(connection, "shapes"))

    assert report.commits_added == 12 and len(stored) > 3
    assert parsed.get("shapes") is None


def test_what_is_kept_is_bounded_for_all_repositories_together(
    make_repo: Callable[[str], Repo], tmp_path: Path
) -> None:
    first, second = make_repo("first"), make_repo("second")
    for repo in (first, second):
        build_history(repo)
    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        sync(store, "first", first.path)
        with store.engine.connect() as connection:
            size = len(list(read_file_changes(connection, "first")))
        parsed = ParsedHistories(max_file_changes=size + 3)
        for name, repo in (("first", first), ("second", second)):
            with store.transaction() as connection:
                connection.exec_driver_sql("DELETE FROM git_refs")  # mined again from the start
            report = sync_repositories(
                store, [job(store, name, repo.path)], LocalExecutor(max_workers=1), parsed=parsed
            )
            assert [r.full for r in report.repositories] == [True]

    kept = parsed.get("first")
    assert kept is not None and kept.size == size
    assert parsed.get("second") is None


def test_a_failed_mining_keeps_nothing(make_repo: Callable[[str], Repo], tmp_path: Path) -> None:
    source = make_repo("source")
    source.write("a.txt", "a\n")
    source.commit("a", T0)
    parsed = ParsedHistories()
    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        sync_repositories(
            store,
            [RepositoryJob("live", str(tmp_path / "live"))],
            _FollowedFailure(tmp_path / "live.log", source.path),
            parsed=parsed,
        )
    assert parsed.get("live") is None
