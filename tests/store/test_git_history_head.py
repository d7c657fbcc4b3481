"""The default branch's files at the head in the store, on SQLite and PostgreSQL: written with the
mining that read them, kept while the head stays, read back under a monorepo folder; and revision
0010, which adds them to a store that already holds mined history, and its downgrade."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, inspect, select

from charter.model.git_records import DefaultBranch
from charter.sources.git.mine import MinedRepository
from charter.store import Store
from charter.store.database import create_store_engine, downgrade_schema, upgrade_schema
from charter.store.git_history import known_head, read_head_files
from charter.store.schema import commits, git_repositories
from tests.sources.git import mining
from tests.sources.git.gitrepos import T0, Repo

MINED_AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def mine_and_write(store: Store, name: str, path: Path) -> MinedRepository:
    return mining.mine_and_write(store, name, path, MINED_AT)


def stored_head(
    store: Store, name: str, prefix: str | None = None
) -> tuple[DefaultBranch | None, dict[str, int | None]]:
    with store.engine.connect() as connection:
        return known_head(connection, name), read_head_files(connection, name, prefix)


def test_the_head_is_stored_with_the_mining_and_replaced_when_it_moves(store: Store, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "mono")
    repo.write("payments/api.py", "a\nb\n")
    repo.write("payments-old/x.py", "x\n")
    repo.write("logo.bin", b"\0\1")
    first = repo.commit("first", T0)
    mine_and_write(store, "mono", repo.path)

    assert stored_head(store, "mono") == (
        DefaultBranch("refs/heads/main", first),
        {"payments/api.py": 2, "payments-old/x.py": 1, "logo.bin": None},
    )
    assert stored_head(store, "mono", "payments")[1] == {"payments/api.py": 2}  # whole folders only

    repo.run("rm", "-q", "payments-old/x.py")
    repo.write("payments/api.py", "a\nb\nc\n")
    second = repo.commit("second", T0 + 60)
    mined = mine_and_write(store, "mono", repo.path)
    assert mined.changed and not mined.full
    assert stored_head(store, "mono") == (
        DefaultBranch("refs/heads/main", second),
        {"payments/api.py": 3, "logo.bin": None},
    )

    unchanged = mine_and_write(store, "mono", repo.path)
    assert (unchanged.changed, unchanged.head_files) == (False, None)
    assert stored_head(store, "mono")[1] == {"payments/api.py": 3, "logo.bin": None}


def test_revision_0010_adds_the_head_to_a_store_with_history_and_its_downgrade_keeps_that_history(
    database_url: str,
) -> None:
    engine = create_store_engine(database_url)
    commit = {
        "repository": "payments",
        "sha": "a" * 40,
        "parents": "",
        "author_name": "Alice Archer",
        "author_email": "alice@example.com",
        "authored_at": MINED_AT,
        "committed_at": MINED_AT,
        "is_merge": False,
        "additions": 1,
        "deletions": 0,
        "files_changed": 1,
    }
    repository = {"name": "payments", "location": "/clones/payments", "mined_at": MINED_AT, "commit_count": 1}
    try:
        with engine.begin() as connection:
            upgrade_schema(connection, "0009")
            # Only the columns 0009 has: the metadata's newer ones are left out of the statements.
            connection.execute(insert(git_repositories).values(**repository))
            connection.execute(insert(commits).values(**commit))
        with engine.begin() as connection:
            upgrade_schema(connection, "0010")
            assert known_head(connection, "payments") is None  # read by the next sync
            assert read_head_files(connection, "payments") == {}
            assert connection.execute(select(commits.c.sha, commits.c.co_authors)).all() == [("a" * 40, None)]
        with engine.begin() as connection:
            downgrade_schema(connection, "0009")
        inspector = inspect(engine)
        assert "git_head_files" not in inspector.get_table_names()
        assert "co_authors" not in {column["name"] for column in inspector.get_columns("commits")}
        assert "head_sha" not in {column["name"] for column in inspector.get_columns("git_repositories")}
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT sha FROM commits").scalars().all() == ["a" * 40]
            assert connection.exec_driver_sql("SELECT name FROM git_repositories").scalars().all() == ["payments"]
    finally:
        engine.dispose()
