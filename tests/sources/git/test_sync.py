"""Syncing many repositories on the local process pool: each written in its own transaction as it
arrives, bad ones reported and left out, the others still mined, and a second sync mining nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, select

from charter.sources.git.executors import DaskExecutor, LocalExecutor, executor_for
from charter.sources.git.log import CommitRow
from charter.sources.git.mine import MinedRepository, RepositoryJob, write_frame
from charter.sources.git.sync import SyncEvent, SyncEventKind, sync_repositories
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
    """An executor whose one result is a spool being followed that ends in a git failure after a
    batch was already handed over, as a live local job does when it meets a corrupt object."""

    def __init__(self, spool: Path, row: CommitRow) -> None:
        self.spool = spool
        self.row = row

    def map_jobs(self, jobs: Sequence[RepositoryJob]) -> Iterator[MinedRepository]:
        (job,) = jobs
        failed = MinedRepository(job.name, job.location, ok=False)
        with open(self.spool, "wb") as spool:
            write_frame(spool, "prologue", MinedRepository(job.name, job.location, {"refs/heads/main": self.row[0]}))
            write_frame(spool, "batch", [self.row])
            write_frame(spool, "epilogue", (1, failed.problems, False))
        live = MinedRepository(
            job.name,
            job.location,
            {"refs/heads/main": self.row[0]},
            full=True,
            changed=True,
            spool_path=str(self.spool),
        )
        live.still_running = lambda timeout: False
        yield live


def test_a_repository_that_fails_while_being_written_writes_nothing(tmp_path: Path) -> None:
    row: CommitRow = ("a" * 40, "", "A", "a@example.com", T0, T0, False, 1, 0, (("a.txt", None, 1, 0),))
    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        report = sync_repositories(
            store, [RepositoryJob("live", str(tmp_path / "live"))], _FollowedFailure(tmp_path / "live.spool", row)
        )

        assert [(r.name, r.ok, r.commits_added) for r in report.repositories] == [("live", False, 0)]
        assert stored_counts(store) == {}
        assert stored_repositories(store) == []
    assert not (tmp_path / "live.spool").exists()


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
    """One job on the pool: the client follows the worker's spool (or reads it whole if the worker was
    quicker); either way every commit arrives once."""
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

    with open_store(tmp_path, f"sqlite:///{tmp_path / 'charter.db'}") as store:
        report = sync_repositories(
            store, jobs_for(store, {"long": repository}), LocalExecutor(max_workers=1), events.append
        )

        assert [(r.name, r.ok, r.commits_added) for r in report.repositories] == [("long", True, count)]
        assert stored_counts(store) == {"long": count}
    advanced = [event.commits for event in events if event.kind is SyncEventKind.ADVANCED]
    assert sum(advanced) == count and max(advanced) <= 5000
