"""A write is one transaction: when it fails half-way, nothing of it is left."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from charter.model.metric_values import MetricValue, organization_ref
from charter.store.schema import commits, metric_values, snapshots

WHEN = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def count(store, table) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table)) or 0


def commit_row(sha: str) -> dict[str, object]:
    return {
        "repository": "payments",
        "sha": sha,
        "author_name": "Ada",
        "author_email": "ada@example.com",
        "authored_at": WHEN,
        "committed_at": WHEN,
        "parents": "",
        "is_merge": False,
        "additions": 3,
        "deletions": 1,
        "files_changed": 1,
    }


def test_a_transaction_that_raises_leaves_no_rows(store):
    with pytest.raises(RuntimeError, match="import failed"), store.transaction() as connection:
        connection.execute(insert(commits), [commit_row("a" * 40), commit_row("b" * 40)])
        raise RuntimeError("import failed")

    assert count(store, commits) == 0


def test_a_transaction_that_ends_keeps_its_rows(store):
    with store.transaction() as connection:
        connection.execute(insert(commits), [commit_row("a" * 40), commit_row("b" * 40)])

    assert count(store, commits) == 2


def test_a_snapshot_that_fails_half_way_leaves_no_snapshot(store):
    twice = [
        MetricValue("delivery.deployment_frequency", organization_ref("acme"), value, "per_day") for value in (1.0, 2.0)
    ]

    with pytest.raises(IntegrityError):
        store.write_snapshot(WHEN, None, twice)

    assert (count(store, snapshots), count(store, metric_values)) == (0, 0)


def test_foreign_keys_are_enforced(store):
    orphan = {
        "snapshot_id": 999,
        "metric": "m",
        "scope_kind": "org",
        "scope_ref": "",
        "value": 1.0,
        "unit": "x",
    }

    with pytest.raises(IntegrityError), store.transaction() as connection:
        connection.execute(insert(metric_values), [orphan])


def test_a_commit_is_recorded_once_per_repository(store):
    with pytest.raises(IntegrityError), store.transaction() as connection:
        connection.execute(insert(commits), [commit_row("a" * 40), commit_row("a" * 40)])
