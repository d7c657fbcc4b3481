"""Mining on a real Dask cluster (a scheduler and two worker processes on loopback): workers clone
the repositories from their remote URLs into their own cache, and the store ends up exactly as
when the local threads mined the same clones."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from charter.services.imports_git import sync_repositories
from charter.sources.git.executors import DaskExecutor, ExecutorUnavailable, LocalExecutor
from charter.sources.git.mine import RepositoryJob
from charter.store import Store, open_store
from charter.store.schema import commits, file_changes, git_refs, git_repositories, git_tags
from tests.sources.git.gitrepos import BOB, T0, Repo, build_history

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler_address() -> Iterator[str]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def contents(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every stored git fact, without surrogate ids, in a fixed order."""
    tables = {
        "commits": [c for c in commits.c if c.name != "id"],
        "file_changes": [c for c in file_changes.c if c.name != "id"],
        "git_refs": list(git_refs.c),
        "git_tags": list(git_tags.c),
        "git_repositories": [git_repositories.c.name, git_repositories.c.commit_count],
    }
    with store.engine.connect() as connection:
        return {
            name: sorted((tuple(row) for row in connection.execute(select(*columns))), key=repr)
            for name, columns in tables.items()
        }


def test_dask_workers_mine_the_same_history_as_the_local_pool(
    scheduler_address: str, make_repo: Callable[[str], Repo], tmp_path: Path
) -> None:
    shapes = make_repo("shapes")
    build_history(shapes)
    small = make_repo("small")
    for index in range(4):
        small.write(f"f{index}.txt", "x\n" * (index + 1))
        small.commit(f"c{index}", T0 + index * 60, BOB)
    origins = {"shapes": shapes.path, "small": small.path}

    local_jobs = [RepositoryJob(name, str(path)) for name, path in origins.items()]
    remote_jobs = [
        RepositoryJob(
            name, str(tmp_path / "elsewhere" / name), remote_url=f"file://{path}", cache_dir=str(tmp_path / "cache")
        )
        for name, path in origins.items()
    ]
    remote_jobs.append(
        RepositoryJob("lost", str(tmp_path / "elsewhere" / "lost"), remote_url=f"file://{tmp_path / 'lost.git'}")
    )

    with (
        open_store(tmp_path, f"sqlite:///{tmp_path / 'local.db'}") as local_store,
        open_store(tmp_path, f"sqlite:///{tmp_path / 'dask.db'}") as dask_store,
    ):
        local = sync_repositories(local_store, local_jobs, LocalExecutor(max_workers=2))
        remote = sync_repositories(dask_store, remote_jobs, DaskExecutor(scheduler_address))

        assert local.diagnostics == []
        assert [(r.name, r.ok, r.commits_added) for r in remote.repositories] == [
            ("lost", False, 0),
            ("shapes", True, 12),
            ("small", True, 4),
        ]
        assert [problem.code for problem in remote.diagnostics] == ["GIT008"]
        local_contents, dask_contents = contents(local_store), contents(dask_store)
    assert len(local_contents["commits"]) == 16 and len(local_contents["git_tags"]) == 5
    assert dask_contents == local_contents
    assert sorted(path.name for path in (tmp_path / "cache").iterdir()) == ["shapes.git", "small.git"]


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    executor = DaskExecutor("tcp://127.0.0.1:9", connect_timeout="1s")
    with pytest.raises(ExecutorUnavailable, match="127.0.0.1:9"):
        list(executor.map_jobs([RepositoryJob("x", str(tmp_path))]))
