"""Snapshots record metric values by scope and read back as history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from charter import __version__
from charter.model.metric_values import MetricPoint, MetricValue, organization_ref
from charter.model.refs import parse_ref
from charter.store.schema import metric_values

LEAD_TIME = "delivery.lead_time_for_changes.p50"
PAYMENTS = parse_ref("component:default/payments")
MONDAY = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def values(lead_time: float | None) -> list[MetricValue]:
    return [
        MetricValue(LEAD_TIME, PAYMENTS, lead_time, "hours"),
        MetricValue(LEAD_TIME, organization_ref("Acme"), 30.0, "hours"),
        MetricValue("delivery.deployment_frequency", parse_ref("group:default/pay"), 1.5, "per_day"),
        MetricValue("delivery.deployment_frequency", parse_ref("system:billing/ledger"), 0.5, "per_day"),
    ]


def test_no_snapshot_before_the_first_sync(store):
    assert store.latest_snapshot() is None
    assert store.metric_history(LEAD_TIME, PAYMENTS) == []


def test_written_snapshot_reads_back_with_its_values(store):
    snapshot_id = store.write_snapshot(MONDAY, "a" * 40, values(26.5))

    snapshot = store.latest_snapshot()

    assert snapshot is not None
    assert (snapshot.id, snapshot.taken_at, snapshot.repo_commit) == (snapshot_id, MONDAY, "a" * 40)
    assert snapshot.charter_version == __version__
    assert sorted(snapshot.values, key=repr) == sorted(values(26.5), key=repr)


def test_scopes_are_stored_as_the_registry_names_them_and_the_short_reference(store):
    store.write_snapshot(MONDAY, None, values(26.5))

    with store.engine.connect() as connection:
        stored = set(connection.execute(select(metric_values.c.scope_kind, metric_values.c.scope_ref)))

    assert stored == {
        ("component", "component:payments"),
        ("org", "Acme"),
        ("team", "group:pay"),
        ("system", "system:billing/ledger"),
    }


def test_latest_snapshot_is_the_last_taken_not_the_last_written(store):
    store.write_snapshot(MONDAY + timedelta(days=7), None, values(20.0))
    store.write_snapshot(MONDAY, None, values(26.5))

    snapshot = store.latest_snapshot()

    assert snapshot is not None
    assert snapshot.taken_at == MONDAY + timedelta(days=7)
    assert snapshot.repo_commit is None


def test_metric_history_is_oldest_first_for_one_scope(store):
    later = store.write_snapshot(MONDAY + timedelta(days=7), None, values(20.0))
    earlier = store.write_snapshot(MONDAY, None, values(26.5))
    store.write_snapshot(MONDAY + timedelta(days=14), None, values(None))

    history = store.metric_history(LEAD_TIME, PAYMENTS)

    assert history[:2] == [
        MetricPoint(earlier, MONDAY, 26.5),
        MetricPoint(later, MONDAY + timedelta(days=7), 20.0),
    ]
    assert history[2].value is None
    assert store.metric_history(LEAD_TIME, organization_ref("Acme"))[0] == MetricPoint(earlier, MONDAY, 30.0)


def test_times_come_back_in_utc_whatever_zone_they_were_written_in(store):
    taken_in_paris = datetime(2025, 3, 3, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    store.write_snapshot(taken_in_paris, None, [])

    snapshot = store.latest_snapshot()

    assert snapshot is not None
    assert snapshot.taken_at == MONDAY
    assert snapshot.taken_at.utcoffset() == timedelta(0)


def test_not_a_number_is_stored_as_no_value(store):
    store.write_snapshot(MONDAY, None, [MetricValue(LEAD_TIME, PAYMENTS, float("nan"), "hours")])

    assert store.metric_history(LEAD_TIME, PAYMENTS)[0].value is None


def test_naive_times_are_refused(store):
    with pytest.raises(Exception, match="naive datetime"):
        store.write_snapshot(datetime(2025, 3, 3, 9, 30), None, [])
    assert store.latest_snapshot() is None
