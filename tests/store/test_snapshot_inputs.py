"""The digest of the facts a snapshot reads: every table is placed in exactly one list, and the
digest moves with a fact changed in place (same row count) but not with when a repository was last
looked at. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, update

from charter.model.delivery import Deployment, DeploymentStatus
from charter.store.database import Store
from charter.store.deployments import write_deployments
from charter.store.schema import git_repositories, metadata
from charter.store.snapshot_inputs import ASIDE, COUNTED, DIGESTED, facts_digest

FINISHED = datetime(2026, 10, 1, 10, tzinfo=UTC)


def test_every_table_is_digested_counted_or_set_aside_once() -> None:
    placed = [table.name for table in (*DIGESTED, *COUNTED, *ASIDE)]
    assert sorted(placed) == sorted(set(placed)), "a table is in two lists"
    assert set(placed) == set(metadata.tables), (
        "place the new table: a fact in store/schema_generation.py (with a revision creating its triggers), "
        "else in ASIDE (store/snapshot_inputs.py)"
    )


def digest(store: Store) -> str:
    with store.engine.connect() as connection:
        return facts_digest(connection)


def test_a_fact_changed_in_place_moves_the_digest(store: Store) -> None:
    empty = digest(store)
    with store.transaction() as connection:
        write_deployments(connection, [Deployment("d1", "payments", "production", "a" * 40, FINISHED)])
    one = digest(store)
    assert one != empty
    assert digest(store) == one
    with store.transaction() as connection:  # the same deployment, failed after all: still one row
        failed = Deployment("d1", "payments", "production", "a" * 40, FINISHED, status=DeploymentStatus.FAILURE)
        write_deployments(connection, [failed])
    assert digest(store) != one


def test_when_a_repository_was_last_looked_at_is_no_fact(store: Store) -> None:
    with store.transaction() as connection:
        connection.execute(
            insert(git_repositories).values(
                name="payments", location="/clones/payments", mined_at=FINISHED, commit_count=3
            )
        )
    before = digest(store)
    with store.transaction() as connection:
        connection.execute(update(git_repositories).values(mined_at=datetime(2026, 10, 2, tzinfo=UTC)))
    assert digest(store) == before
    with store.transaction() as connection:
        connection.execute(update(git_repositories).values(commit_count=4))
    assert digest(store) != before
