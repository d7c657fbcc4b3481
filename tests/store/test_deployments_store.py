"""Deployments and pull requests in the store: upserts by identity, reads by period and component,
and release-tag deployments replaced without touching imported ones. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from charter.model.delivery import Deployment, DeploymentStatus, PullRequest
from charter.store.database import Store
from charter.store.deployments import (
    delete_tag_deployments,
    read_deployments,
    read_pull_requests,
    replace_tag_deployments,
    write_deployments,
    write_deployments_in_statements,
    write_pull_requests,
)
from charter.store.schema import deployment_changes, deployments

START = datetime(2024, 5, 1, tzinfo=UTC)


def deployment(number: int, component: str = "checkout", **changes: object) -> Deployment:
    fields: dict[str, object] = {
        "id": f"d{number}",
        "component": component,
        "environment": "production",
        "commit_sha": f"{number:040x}",
        "finished": START + timedelta(hours=number),
        **changes,
    }
    return Deployment(**fields)  # type: ignore[arg-type]


def tag(component: str, name: str, hours: int) -> Deployment:
    return Deployment(
        Deployment.tag_id(component, name),
        component,
        "production",
        "f" * 40,
        START + timedelta(hours=hours),
        source="tag",
    )


def all_deployments(store: Store) -> list[Deployment]:
    with store.engine.connect() as connection:
        return read_deployments(connection)


def by_id(store: Store) -> dict[str, Deployment]:
    return {item.id: item for item in all_deployments(store)}


def changes_of(store: Store) -> list[str]:
    with store.engine.connect() as connection:
        return sorted(connection.execute(select(deployment_changes.c.deployment_id)).scalars())


def ship(store: Store, *deployment_ids: str) -> None:
    with store.transaction() as connection:
        connection.execute(
            insert(deployment_changes),
            [
                {"deployment_id": item, "sha": "a" * 40, "lead_start": START, "lead_seconds": 60.0}
                for item in deployment_ids
            ],
        )


def full_and_bare() -> tuple[Deployment, Deployment]:
    """A deployment with every field, and one with only those it needs."""
    full = Deployment(
        id="full",
        component="payments",
        environment="staging",
        commit_sha="a" * 40,
        finished=START,
        status=DeploymentStatus.CANCELLED,
        started=START - timedelta(minutes=5),
        source="github",
        rollback_of="d1",
        hotfix_for="d2",
        incident="INC-1",
    )
    return full, Deployment("bare", "checkout", "production", None, START + timedelta(seconds=1))


def test_every_field_round_trips(store: Store) -> None:
    full, bare = full_and_bare()
    with store.transaction() as connection:
        assert write_deployments(connection, [full, bare]) == 2
    assert all_deployments(store) == [bare, full]


def test_writing_again_upserts_by_id(store: Store) -> None:
    with store.transaction() as connection:
        write_deployments(connection, [deployment(1), deployment(2)])
    with store.transaction() as connection:
        write_deployments(connection, [deployment(1), deployment(2, status=DeploymentStatus.FAILURE, incident="INC-9")])
    assert all_deployments(store) == [deployment(1), deployment(2, status=DeploymentStatus.FAILURE, incident="INC-9")]


def test_duplicates_across_and_within_batches_keep_the_last(store: Store) -> None:
    records = [deployment(number % 5003) for number in range(5010)]  # ids 0..6 come twice, one batch apart
    records.append(deployment(3, environment="staging"))
    with store.transaction() as connection:
        assert write_deployments(connection, records) == 5011
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(deployments)).scalar_one() == 5003
        assert [d.environment for d in read_deployments(connection) if d.id == "d3"] == ["staging"]


def test_the_webhooks_writer_round_trips_upserts_and_keeps_the_last_of_equal_ids(store: Store) -> None:
    """`write_deployments_in_statements` (one statement over arrays on PostgreSQL, multi-row INSERTs
    on SQLite) stores what `write_deployments` does."""
    full, bare = full_and_bare()
    with store.transaction() as connection:
        assert write_deployments_in_statements(connection, [full, bare, deployment(1)]) == 3
    assert by_id(store) == {"full": full, "bare": bare, "d1": deployment(1)}
    changed = deployment(1, status=DeploymentStatus.FAILURE, incident="INC-9")
    with store.transaction() as connection:
        assert write_deployments_in_statements(connection, [deployment(1, environment="x"), changed]) == 1
    assert by_id(store) == {"full": full, "bare": bare, "d1": changed}
    with store.transaction() as connection:
        assert write_deployments_in_statements(connection, []) == 0


def test_reads_filter_by_period_and_components(store: Store) -> None:
    many = [f"component-{index}" for index in range(600)]  # more names than one IN list holds
    with store.transaction() as connection:
        write_deployments(
            connection, [deployment(1), deployment(2), deployment(3, "payments"), deployment(4, "ledger")]
        )
        write_deployments(connection, [deployment(100 + index, name) for index, name in enumerate(many)])
    with store.engine.connect() as connection:
        hours = START + timedelta(hours=2), START + timedelta(hours=4)
        assert [d.id for d in read_deployments(connection, since=hours[0], until=hours[1])] == ["d2", "d3"]
        assert [d.id for d in read_deployments(connection, components=["payments", "checkout"])] == ["d1", "d2", "d3"]
        assert len(read_deployments(connection, components=many)) == 600
        assert read_deployments(connection, components=[]) == []


def test_replacing_tag_deployments_keeps_unchanged_ones_and_imported_records(store: Store) -> None:
    imported = deployment(1)
    with store.transaction() as connection:
        write_deployments(connection, [imported])
        assert (
            replace_tag_deployments(connection, "checkout", [tag("checkout", "v1", 1), tag("checkout", "v2", 2)]) == 2
        )
        replace_tag_deployments(connection, "payments", [tag("payments", "v1", 1)])
    ship(store, "d1", "tag:checkout/v1", "tag:checkout/v2", "tag:payments/v1")
    with store.transaction() as connection:
        replace_tag_deployments(connection, "checkout", [tag("checkout", "v2", 2), tag("checkout", "v3", 3)])
    assert [d.id for d in all_deployments(store)] == [
        "d1", "tag:checkout/v2", "tag:checkout/v3", "tag:payments/v1",
    ]  # fmt: skip
    # what a removed tag shipped goes with it; what kept deployments shipped stays
    assert changes_of(store) == ["d1", "tag:checkout/v2", "tag:payments/v1"]
    with store.transaction() as connection:
        assert delete_tag_deployments(connection, "checkout") == 2
    assert [d.id for d in all_deployments(store)] == ["d1", "tag:payments/v1"]
    assert changes_of(store) == ["d1", "tag:payments/v1"]


def test_replacing_refuses_records_that_are_not_the_components_tags(store: Store) -> None:
    with store.transaction() as connection, pytest.raises(ValueError, match="d1"):
        replace_tag_deployments(connection, "checkout", [deployment(1)])
    with store.transaction() as connection, pytest.raises(ValueError, match="tag:payments/v1"):
        replace_tag_deployments(connection, "checkout", [tag("payments", "v1", 1)])


def test_pull_requests_upsert_by_repository_and_number(store: Store) -> None:
    first = PullRequest("checkout", 7, "1" * 40, START, START + timedelta(days=1), START - timedelta(days=2))
    other = PullRequest("payments", 7, None, START, None, None)
    with store.transaction() as connection:
        assert (
            write_pull_requests(connection, [first, other, PullRequest("checkout", 3, None, START, START, None)]) == 3
        )
    changed = PullRequest("checkout", 7, "2" * 40, START, START + timedelta(days=2), None)
    with store.transaction() as connection:
        write_pull_requests(connection, [changed])
    with store.engine.connect() as connection:
        assert read_pull_requests(connection, "checkout") == [
            PullRequest("checkout", 3, None, START, START, None),
            changed,
        ]
        assert read_pull_requests(connection, "payments") == [other]
        assert read_pull_requests(connection, "ledger") == []
