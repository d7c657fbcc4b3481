"""Received event ids are kept for the retention on SQLite and PostgreSQL: a retry within it is
answered as a repeat; receipts older are pruned on ingest, at most once an hour, and then the same
id is taken as new."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from charter.services.events import (
    EventContext,
    EventKind,
    PostedEvents,
    ReceiptRetention,
    ingest_events,
)
from charter.sources.incidents.common import IncidentImportOptions
from charter.store.database import Store, open_store
from charter.store.schema import event_receipts

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)
CHECKING = EventContext(frozenset({"checkout"}), IncidentImportOptions())


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path, database_url) as opened:
        yield opened


def _post(store: Store, retention: ReceiptRetention, number: int, at: datetime) -> int:
    """Post deployment event `number` at `at`; how many events were written."""
    event = {
        "id": f"hook-{number}",
        "component": "checkout",
        "environment": "production",
        "sha": f"{number:040x}",
        "finished": "2026-10-20T10:00:00Z",
    }
    posted = PostedEvents(json.dumps(event).encode(), "application/json", {})
    outcome = ingest_events(store, CHECKING, EventKind.deployments, posted, None, "ci", lambda: at, retention)
    return outcome.written


def _receipts(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(event_receipts)).scalar_one())


def test_a_retry_within_the_retention_is_a_repeat_and_after_it_is_new(store: Store) -> None:
    retention = ReceiptRetention(days=30)
    assert _post(store, retention, 1, T0) == 1
    assert _post(store, retention, 1, T0 + timedelta(days=29, hours=23)) == 0  # a late retry: a repeat
    assert _receipts(store) == 1
    assert _post(store, retention, 2, T0 + timedelta(days=30, hours=1)) == 1  # prunes event 1's receipt
    assert _receipts(store) == 1
    assert _post(store, retention, 1, T0 + timedelta(days=30, hours=2)) == 1  # forgotten: new again


def test_receipts_are_pruned_at_most_once_an_hour(store: Store) -> None:
    retention = ReceiptRetention(days=1)
    _post(store, retention, 1, T0)  # the first ingest prunes (nothing yet)
    _post(store, retention, 2, T0 + timedelta(minutes=30))
    assert retention.last_pruned == T0
    _post(store, retention, 3, T0 + timedelta(days=1, minutes=10))  # 1 is older than a day: pruned
    assert _receipts(store) == 2
    _post(store, retention, 4, T0 + timedelta(days=1, minutes=40))  # 2 is too, but the last prune was 30 min ago
    assert _receipts(store) == 3
    _post(store, retention, 5, T0 + timedelta(days=1, hours=1, minutes=10))  # an hour on: 2 goes
    assert _receipts(store) == 3
    assert retention.last_pruned == T0 + timedelta(days=1, hours=1, minutes=10)


def test_without_a_retention_nothing_is_pruned(store: Store) -> None:
    retention = ReceiptRetention(days=1)
    _post(store, retention, 1, T0)
    posted = PostedEvents(
        b'{"id": "x", "component": "checkout", "environment": "production", '
        b'"sha": "' + b"a" * 40 + b'", "finished": "2026-10-20T10:00:00Z"}',
        "application/json",
        {},
    )
    ingest_events(store, CHECKING, EventKind.deployments, posted, None, "ci", lambda: T0 + timedelta(days=90))
    assert _receipts(store) == 2


@pytest.mark.parametrize(("written", "days"), [(None, 30), ("7", 7), ("0", 30), ("soon", 30)])
def test_the_retention_is_30_days_unless_the_environment_says_otherwise(
    monkeypatch: pytest.MonkeyPatch, written: str | None, days: int
) -> None:
    from charter.web.settings import RECEIPT_DAYS_VARIABLE, WebSettings

    if written is None:
        monkeypatch.delenv(RECEIPT_DAYS_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(RECEIPT_DAYS_VARIABLE, written)
    assert WebSettings().event_receipt_days == days
