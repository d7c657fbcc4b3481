"""Syncing many repositories on the local threads: each written in its own transaction as it
arrives, bad ones reported and left out, the others still mined, and a second sync mining nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, select

from charter.services.imports_git import SyncEvent, SyncEventKind, sync_repositories
from charter.services.parsed_history import ParsedHistories, ParsedHistory
from charter.sources.git.clones import history_bytes
from charter.sources.git.executors import DaskExecutor, LocalExecutor, executor_for
from charter.sources.git.log import read_refs, write_log
from charter.sources.git.mine import MinedRepository, RepositoryJob
from charter.store import Store, open_store
from charter.store.git_history import known_refs, read_commit_graph
from charter.store.schema import commits, git_repositories, git_tags
from tests.sources.git.gitrepos import T0, Repo, build_history, git


def jobs_for(store: Store, locations: dict[str, Path]) -> list[RepositoryJob]:
    with store.engine.connect() as connection:
        return [
            RepositoryJob(name, str(path), known_refs=known_refs(connection, name))
            for name, path in sorted(locations.items())
        ]


def stored_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(commits.c.repository, func.count()).group_by(commits.c.repository).order_by(commits.c.repository)
        )
        return {row[0]: row[1] for row in rows}


def mining_threads() -> list[str]:
    return [thread.name for thread in threading.enumerate() if thread.name.startswith("charter-mine")]


def stored_repositories(store: Store) -> list[str]:
    with store.engine.connect() as connection:
        return list(connection.execute(select(git_repositories.c.name).order_by(git_repositories.c.name)).scalars())


def test_good_repositories_are_written_and_bad_ones_reported(make_repo: Callable[[str], Repo], tmp_path: Path) -> None:
    shapes = make_repo("shapes")
    build_history(shapes)
    bare = tmp_path / "shapes-bare.git"
    git(tmp_path, "clone", "-q", "--mirror", str(shapes.path), str(bare))
    small = make_repo("small")
    small.write("a.txt", "a\n")
    first = small.commit("a", T0)
    small.write("a.txt", "a\nb\n")
    small.commit("b", T0 + 60)
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{small.path}", str(shallow))
    corrupt = make_repo("corrupt")
    corrupt.write("a.txt", "a\n")
    corrupt.commit("a", T0)
    tree = git(corrupt.path, "rev-parse", "HEAD^{tree}")
    (corrupt.path / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    locations = {
        "shapes": shapes.path,
        "shapes-bare": bare,
        "small": small.path,
        "shallow": shallow,
        "corrupt": corrupt.path,
        "missing": tmp_path / "missing",
    }
    events: list[SyncEvent] = []

    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        report = sync_repositories(store, jobs_for(store, locations), LocalExecutor(max_workers=2), events.append)

        assert stored_counts(store) == {"shapes": 12, "shapes-bare": 12, "small": 2}
        assert stored_repositories(store) == ["shapes", "shapes-bare", "small"]
        with store.engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(git_tags)).scalar() == 10
            bare_graph = set(read_commit_graph(connection, "shapes-bare"))
            assert bare_graph == set(read_commit_graph(connection, "shapes"))
        assert {(r.name, r.ok, r.full, r.commits_added) for r in report.repositories} == {
            ("corrupt", False, True, 0),  # it was to be a full mining when git failed
            ("missing", False, False, 0),
            ("shallow", False, False, 0),
            ("shapes", True, True, 12),
            ("shapes-bare", True, True, 12),
            ("small", True, True, 2),
        }
        assert sorted((p.code, p.message.split("`")[1]) for p in report.diagnostics) == [
            ("GIT001", "missing"),
            ("GIT002", "shallow"),
            ("GIT003", "corrupt"),
        ]
        assert report.failed == ["corrupt", "missing", "shallow"]
        finished = {event.repository: event for event in events if event.kind is SyncEventKind.FINISHED}
        assert finished["shapes"].commits == 12 and not finished["missing"].ok
        advanced = sum(event.commits for event in events if event.kind is SyncEventKind.ADVANCED)
        assert advanced == 26
        assert [event.kind for event in events].count(SyncEventKind.STARTED) == 6

        again = sync_repositories(store, jobs_for(store, locations), LocalExecutor(max_workers=2))
        assert again.commits_added == 0
        assert {r.name for r in again.repositories if r.ok and not r.changed} == {"shapes", "shapes-bare", "small"}
        assert stored_counts(store) == {"shapes": 12, "shapes-bare": 12, "small": 2}

        small.write("b.txt", "b\n")
        newest = small.commit("c", T0 + 120)
        third = sync_repositories(store, jobs_for(store, {"small": small.path}), LocalExecutor())
        assert [(r.name, r.full, r.commits_added) for r in third.repositories] == [("small", False, 1)]
        with store.engine.connect() as connection:
            assert {node[0] for node in read_commit_graph(connection, "small")} >= {first, newest}
        assert stored_counts(store)["small"] == 3


class _FollowedFailure:
    """An executor whose one result is a log being followed that ends in a git failure after a batch
    was already handed over, as a live local job does when it meets a corrupt object."""

    def __init__(self, log: Path, source: Path) -> None:
        self.log = log
        self.source = source

    def map_jobs(self, jobs: Sequence[RepositoryJob]) -> Iterator[MinedRepository]:
        (job,) = jobs
        refs = read_refs(self.source)
        with open(self.log, "wb") as log:
            write_log(self.source, list(refs.values()), [], log)
        failed = MinedRepository(job.name, job.location, ok=False)
        live = MinedRepository(job.name, job.location, refs, full=True, changed=True, log_path=str(self.log))
        live.still_running = lambda timeout: False
        live.ok, live.problems = False, failed.problems
        yield live


def test_a_repository_that_fails_while_being_written_writes_nothing(
    make_repo: Callable[[str], Repo], tmp_path: Path
) -> None:
    source = make_repo("source")
    source.write("a.txt", "a\n")
    source.commit("a", T0)
    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        report = sync_repositories(
            store, [RepositoryJob("live", str(tmp_path / "live"))], _FollowedFailure(tmp_path / "live.log", source.path)
        )

        assert [(r.name, r.ok, r.commits_added) for r in report.repositories] == [("live", False, 0)]
        assert stored_counts(store) == {}
        assert stored_repositories(store) == []
    assert not (tmp_path / "live.log").exists()


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        (None, LocalExecutor),
        ("", LocalExecutor),
        ("local", LocalExecutor),
        ("tcp://127.0.0.1:8786", DaskExecutor),
        ("tcp://scheduler.internal:8786", DaskExecutor),
        ("tcp://[::1]:8786", DaskExecutor),
    ],
)
def test_executor_addresses(address: str | None, kind: type) -> None:
    assert isinstance(executor_for(address), kind)


@pytest.mark.parametrize("address", ["tcp://host", "tcp://host:0", "tcp://host:99999", "host:8786", "tls://host:8786"])
def test_executor_addresses_that_are_refused(address: str) -> None:
    with pytest.raises(ValueError, match="tcp://HOST:PORT"):
        executor_for(address)


def test_a_long_history_is_written_while_its_worker_still_mines(tmp_path: Path) -> None:
    """One job: the client follows git's log as it is written (or reads it whole if git was quicker),
    a chunk at a time; either way every commit arrives once."""
    repository = tmp_path / "long.git"
    git(tmp_path, "init", "-q", "--bare", str(repository))
    count = 12_000
    stream = b"".join(
        b"commit refs/heads/main\nmark :%d\nauthor A <a@example.com> %d +0000\ncommitter A <a@example.com> %d +0000\n"
        b"data 2\nc\n%sM 100644 inline f%d.txt\ndata 2\n%d\n\n"
        % (n, T0 + n, T0 + n, b"from :%d\n" % (n - 1) if n > 1 else b"", n % 50, n % 10)
        for n in range(1, count + 1)
    )
    git(repository, "fast-import", "--quiet", stdin=stream)
    events: list[SyncEvent] = []
    threads_at_the_end: list[list[str]] = []

    def last_written(history: ParsedHistory | None) -> None:
        threads_at_the_end.append(mining_threads())

    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        jobs = jobs_for(store, {"long": repository})
        report = sync_repositories(store, jobs, LocalExecutor(max_workers=1), events.append, last_written=last_written)

        assert [(r.name, r.ok, r.commits_added) for r in report.repositories] == [("long", True, count)]
        assert stored_counts(store) == {"long": count}
    advanced = [event.commits for event in events if event.kind is SyncEventKind.ADVANCED]
    assert sum(advanced) == count and len(advanced) >= 2
    # Once the log is read, the worker that followed it has ended: the process runs no thread of the mining.
    assert threads_at_the_end == [[]]


def test_history_size_is_read_from_the_packs_of_bare_and_working_clones(
    make_repo: Callable[[str], Repo], tmp_path: Path
) -> None:
    repo = make_repo("sized")
    repo.write("a.txt", "".join(f"line {n}\n" for n in range(2000)))
    repo.commit("a", T0)
    assert history_bytes(repo.path) == 0  # loose objects only: nothing packed yet
    repo.run("gc", "-q")
    packs = sorted((repo.path / ".git" / "objects" / "pack").glob("*.pack"))
    bare = tmp_path / "sized.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(bare))

    assert history_bytes(repo.path) == sum(pack.stat().st_size for pack in packs) > 0
    assert history_bytes(bare) == sum(pack.stat().st_size for pack in (bare / "objects" / "pack").glob("*.pack")) > 0
    assert history_bytes(tmp_path / "missing") == 0


def test_the_largest_repository_is_mined_first(make_repo: Callable[[str], Repo], tmp_path: Path) -> None:
    # Jobs come in name order; they run largest first.
    sizes = {"alpha": 2, "zulu": 40, "mid": 10}
    locations = {}
    for name, count in sizes.items():
        repo = make_repo(name)
        for index in range(count):
            repo.write(f"f{index}.txt", "".join(f"{name} {index} {n}\n" for n in range(200)))
            repo.commit(f"c{index}", T0 + index)
        repo.run("gc", "-q")
        locations[name] = repo.path
    events: list[SyncEvent] = []

    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        # One worker: the jobs run one after another, in the order they were started.
        sync_repositories(store, jobs_for(store, locations), LocalExecutor(max_workers=1), events.append)

    started = [event.repository for event in events if event.kind is SyncEventKind.STARTED]
    assert started == ["zulu", "mid", "alpha"]


def test_the_last_repository_is_told_before_its_commit_with_no_mining_thread_left(
    make_repo: Callable[[str], Repo], tmp_path: Path
) -> None:
    """`last_written` is called once, for the last repository written, inside its transaction: the
    others are committed, it is not yet, and the pool's threads have ended (a child may be forked)."""
    locations = {}
    for name in ("first", "second"):
        repo = make_repo(name)
        build_history(repo)
        locations[name] = repo.path
    told: list[tuple[str | None, list[str], dict[str, int]]] = []

    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:

        def last_written(history: ParsedHistory | None) -> None:
            told.append((history and history.repository, mining_threads(), stored_counts(store)))

        parsed = ParsedHistories()
        jobs = jobs_for(store, locations)
        report = sync_repositories(store, jobs, LocalExecutor(max_workers=2), parsed=parsed, last_written=last_written)

        assert [(r.name, r.ok, r.commits_added) for r in report.repositories] == [
            ("first", True, 12),
            ("second", True, 12),
        ]
        assert stored_counts(store) == {"first": 12, "second": 12}
    [(repository, threads, committed)] = told
    assert repository in locations and threads == []
    assert committed == {name: 12 for name in locations if name != repository}  # not the last one, yet
    assert {history.repository for history in parsed} == set(locations)
