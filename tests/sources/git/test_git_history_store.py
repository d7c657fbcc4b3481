"""Mined history in the store, on SQLite and PostgreSQL: written in bulk, replaced on a rewrite, added
to incrementally, and read back exactly."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from charter.model.delivery import TagRecord
from charter.sources.git.mine import MinedRepository
from charter.store import Store, open_store
from charter.store.git_history import (
    known_refs,
    read_commit_graph,
    read_file_changes,
    read_tags,
    shas_touching,
)
from charter.store.schema import commits, file_changes, git_repositories
from tests.sources.git import mining
from tests.sources.git.gitrepos import ALICE, BOB, CAROL, T0, Repo, build_history

MINED_AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def at(offset: int) -> datetime:
    return datetime.fromtimestamp(T0 + offset, UTC)


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path, database_url) as opened:
        yield opened


def mine_and_write(store: Store, name: str, path: Path, mined_at: datetime = MINED_AT) -> MinedRepository:
    return mining.mine_and_write(store, name, path, mined_at)


def repository_row(store: Store, name: str) -> tuple[str, datetime, int]:
    with store.engine.connect() as connection:
        row = connection.execute(
            select(git_repositories.c.location, git_repositories.c.mined_at, git_repositories.c.commit_count).where(
                git_repositories.c.name == name
            )
        ).one()
    return row[0], row[1], row[2]


def test_a_mined_history_reads_back_exactly(store: Store, make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("shapes")
    s = build_history(repo)
    mined = mine_and_write(store, "shapes", repo.path)

    with store.engine.connect() as connection:
        nodes = read_commit_graph(connection, "shapes")
        graph = {sha: (parents, authored_at, is_merge) for sha, parents, authored_at, is_merge in nodes}
        tags = read_tags(connection, "shapes")
        refs = known_refs(connection, "shapes")
        changes = list(read_file_changes(connection, "shapes"))
        recent = list(read_file_changes(connection, "shapes", since=at(1000)))
        renamed_into = list(read_file_changes(connection, "shapes", path_prefix="new/"))
        touching_old = shas_touching(connection, "shapes", "old")
        touching_everything = shas_touching(connection, "shapes", None)
        c2_row = connection.execute(
            select(commits.c.author_name, commits.c.additions, commits.c.deletions, commits.c.files_changed).where(
                commits.c.sha == s["c2"]
            )
        ).one()

    assert graph == {
        s["c1"]: ((), at(0), False),
        s["c2"]: ((s["c1"],), at(100), False),
        s["s1"]: ((s["c2"],), at(200), False),
        s["c3"]: ((s["c2"],), at(300), False),
        s["m"]: ((s["c3"], s["s1"]), at(400), True),
        s["c4"]: ((s["m"],), at(500), False),
        s["r"]: ((s["c4"],), at(600), False),
        s["f1"]: ((s["m"],), at(700), False),
        s["cp"]: ((s["r"],), at(700), False),
        s["sq"]: ((s["cp"],), at(1000), False),
        s["x1"]: ((s["sq"],), at(1100), False),
        s["a1"]: ((s["sq"],), at(1300), False),
    }
    assert tags == [
        TagRecord("exp", s["a1"], at(1350), annotated=True),
        TagRecord("light", s["c3"], at(300), annotated=False),
        TagRecord("nested", s["c2"], at(1400), annotated=True),
        TagRecord("side-tag", s["s1"], at(250), annotated=True),
        TagRecord("v1", s["c2"], at(150), annotated=True),
    ]
    assert len(nodes) == 12
    assert refs == mined.refs
    assert repository_row(store, "shapes") == (str(repo.path), MINED_AT, 12)
    assert tuple(c2_row) == (BOB[0], 1, 1, 2)
    # Every file of every commit, oldest first, with its commit's author and time.
    assert len(changes) == 13
    assert changes[0][0] == s["c1"] and changes[0][5:] == (ALICE[1], at(0))
    assert sorted(change[1] for change in recent) == ["ab.txt", "q.txt", "r.txt"]
    assert renamed_into == [(s["c2"], "new/name.txt", "old/name.txt", 0, 0, BOB[1], at(100))]
    assert touching_old == {s["c1"], s["c2"]}
    assert len(touching_everything) == 10  # all but the empty commit and the merge
    assert CAROL[1] in {change[5] for change in changes}


def test_prefixes_match_whole_folders_only(store: Store, make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("mono")
    repo.write("services/pay/main.py", "a\n")
    repo.write("services/payments-old/main.py", "b\n")
    repo.write("services/pa_y/main.py", "c\n")
    first = repo.commit("both", T0)
    repo.write("services/pay/main.py", "a\nb\n")
    second = repo.commit("pay only", T0 + 60)
    mine_and_write(store, "mono", repo.path)

    with store.engine.connect() as connection:
        assert shas_touching(connection, "mono", "services/pay") == {first, second}
        assert shas_touching(connection, "mono", "services/payments-old/") == {first}
        assert shas_touching(connection, "mono", "services/pa_") == set()
        paths = [change[1] for change in read_file_changes(connection, "mono", path_prefix="services/pay")]
    assert paths == ["services/pay/main.py", "services/pay/main.py"]


def test_incremental_writes_add_and_a_rewrite_replaces(store: Store, make_repo: Callable[[str], Repo]) -> None:
    repo = make_repo("moving")
    repo.write("a.txt", "a\n")
    base = repo.commit("base", T0)
    repo.write("a.txt", "a\nb\n")
    doomed = repo.commit("doomed", T0 + 60)
    mine_and_write(store, "moving", repo.path)

    repo.write("c.txt", "c\n")
    added = repo.commit("added", T0 + 120)
    later = datetime(2024, 5, 2, tzinfo=UTC)
    incremental = mine_and_write(store, "moving", repo.path, later)
    assert (incremental.full, incremental.commit_count) == (False, 1)
    assert repository_row(store, "moving") == (str(repo.path), later, 3)

    repo.run("reset", "-q", "--hard", base)
    repo.write("d.txt", "d\n")
    replacement = repo.commit("replacement", T0 + 180)
    rewrite = mine_and_write(store, "moving", repo.path)
    assert [problem.code for problem in rewrite.problems] == ["GIT007"]

    with store.engine.connect() as connection:
        assert {node[0] for node in read_commit_graph(connection, "moving")} == {base, replacement}
        stored_paths = connection.execute(
            select(file_changes.c.sha, file_changes.c.path).order_by(file_changes.c.id)
        ).all()
        assert known_refs(connection, "moving") == {"refs/heads/main": replacement}
    assert sorted(tuple(row) for row in stored_paths) == sorted([(base, "a.txt"), (replacement, "d.txt")])
    assert doomed != added and repository_row(store, "moving")[2] == 2


def test_an_unchanged_repository_only_records_when_it_was_looked_at(
    store: Store, make_repo: Callable[[str], Repo]
) -> None:
    repo = make_repo("still")
    repo.write("a.txt", "a\n")
    repo.commit("only", T0)
    mine_and_write(store, "still", repo.path)
    later = datetime(2024, 6, 1, tzinfo=UTC)

    unchanged = mine_and_write(store, "still", repo.path, later)

    assert unchanged.changed is False
    assert repository_row(store, "still") == (str(repo.path), later, 1)
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(commits)).scalar() == 1
