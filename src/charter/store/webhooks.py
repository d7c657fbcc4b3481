"""Webhooks out in the store: the subscriptions, and the outbox of messages to deliver (one row per
subscription and event, kept until delivered or given up, so a restart loses none). The caller owns
the transaction; writers take turns, so a claim made in one is not made by another worker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from charter.store.schema import webhook_outbox, webhook_subscriptions


@dataclass(frozen=True, slots=True)
class StoredSubscription:
    id: int
    url: str
    events: tuple[str, ...]
    secret: str
    created: datetime
    created_by: str
    disabled: datetime | None = None
    disabled_reason: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One message to deliver, with the subscription it goes to."""

    id: int
    message_id: str
    event_type: str
    payload: str
    attempts: int
    subscription: StoredSubscription


def _subscription(row: Any) -> StoredSubscription:
    return StoredSubscription(
        row.id,
        row.url,
        tuple(row.events),
        row.secret,
        row.created,
        row.created_by,
        row.disabled,
        row.disabled_reason,
    )


def insert_subscription(
    connection: Connection, url: str, events: Sequence[str], secret: str, at: datetime, by: str
) -> StoredSubscription:
    values = {"url": url, "events": list(events), "secret": secret, "created": at, "created_by": by}
    new_id = connection.execute(insert(webhook_subscriptions).values(**values)).inserted_primary_key
    assert new_id is not None
    return StoredSubscription(int(new_id[0]), url, tuple(events), secret, at, by)


def list_subscriptions(connection: Connection) -> list[StoredSubscription]:
    rows = connection.execute(select(webhook_subscriptions).order_by(webhook_subscriptions.c.id))
    return [_subscription(row) for row in rows]


def subscription_by_id(connection: Connection, subscription_id: int) -> StoredSubscription | None:
    row = connection.execute(select(webhook_subscriptions).where(webhook_subscriptions.c.id == subscription_id)).first()
    return None if row is None else _subscription(row)


def delete_subscription(connection: Connection, subscription_id: int) -> bool:
    """Remove a subscription and what its outbox still held; False when there was none."""
    connection.execute(delete(webhook_outbox).where(webhook_outbox.c.subscription_id == subscription_id))
    gone = connection.execute(delete(webhook_subscriptions).where(webhook_subscriptions.c.id == subscription_id))
    return bool(gone.rowcount)


def disable_subscription(connection: Connection, subscription_id: int, at: datetime, reason: str) -> None:
    connection.execute(
        update(webhook_subscriptions)
        .where(webhook_subscriptions.c.id == subscription_id)
        .values(disabled=at, disabled_reason=reason[:400])
    )
    connection.execute(  # what still waited for it is given up with it
        update(webhook_outbox)
        .where(
            webhook_outbox.c.subscription_id == subscription_id,
            webhook_outbox.c.delivered.is_(None),
            webhook_outbox.c.failed.is_(None),
        )
        .values(failed=at, last_error="the subscription was disabled")
    )


def enqueue(connection: Connection, event_type: str, message_ids: dict[int, str], payload: str, at: datetime) -> int:
    """One outbox row per subscription (id -> its message id) for this event; returns how many."""
    rows = [
        {
            "subscription_id": subscription_id,
            "event_type": event_type,
            "message_id": message_id,
            "payload": payload,
            "created": at,
            "attempts": 0,
            "next_attempt": at,
        }
        for subscription_id, message_id in message_ids.items()
    ]
    if rows:
        connection.execute(insert(webhook_outbox), rows)
    return len(rows)


def any_due(connection: Connection, now: datetime) -> bool:
    """Whether some message waits and is due: a reader's look, before a writer claims any."""
    query = select(webhook_outbox.c.id).where(
        webhook_outbox.c.delivered.is_(None),
        webhook_outbox.c.failed.is_(None),
        webhook_outbox.c.next_attempt <= now,
    )
    return connection.execute(query.limit(1)).first() is not None


def claim_due(connection: Connection, now: datetime, lease: timedelta, limit: int) -> list[OutboxMessage]:
    """The messages due now (not delivered, not given up, of an enabled subscription), oldest first,
    each leased until `now + lease` so that no other worker takes it meanwhile."""
    query = (
        select(webhook_outbox, webhook_subscriptions.c.id.label("subscription"))
        .join(webhook_subscriptions, webhook_subscriptions.c.id == webhook_outbox.c.subscription_id)
        .where(
            webhook_outbox.c.delivered.is_(None),
            webhook_outbox.c.failed.is_(None),
            webhook_subscriptions.c.disabled.is_(None),
            webhook_outbox.c.next_attempt <= now,
        )
        .order_by(webhook_outbox.c.next_attempt, webhook_outbox.c.id)
        .limit(limit)
    )
    rows = list(connection.execute(query))
    if not rows:
        return []
    subscriptions = {item.id: item for item in list_subscriptions(connection)}
    connection.execute(
        update(webhook_outbox).where(webhook_outbox.c.id.in_([row.id for row in rows])).values(next_attempt=now + lease)
    )
    return [
        OutboxMessage(
            row.id, row.message_id, row.event_type, row.payload, row.attempts, subscriptions[row.subscription]
        )
        for row in rows
    ]


def mark_delivered(connection: Connection, outbox_id: int, at: datetime) -> None:
    connection.execute(
        update(webhook_outbox)
        .where(webhook_outbox.c.id == outbox_id)
        .values(delivered=at, attempts=webhook_outbox.c.attempts + 1, last_error=None)
    )


def mark_retry(connection: Connection, outbox_id: int, next_attempt: datetime, error: str) -> None:
    connection.execute(
        update(webhook_outbox)
        .where(webhook_outbox.c.id == outbox_id)
        .values(next_attempt=next_attempt, attempts=webhook_outbox.c.attempts + 1, last_error=error[:400])
    )


def mark_failed(connection: Connection, outbox_id: int, at: datetime, error: str) -> None:
    connection.execute(
        update(webhook_outbox)
        .where(webhook_outbox.c.id == outbox_id)
        .values(failed=at, attempts=webhook_outbox.c.attempts + 1, last_error=error[:400])
    )


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    pending: int
    delivered: int
    failed: int


def outbox_counts(connection: Connection, subscription_id: int) -> OutboxCounts:
    mine = webhook_outbox.c.subscription_id == subscription_id

    def count(*conditions: Any) -> int:
        query = select(func.count()).select_from(webhook_outbox).where(and_(mine, *conditions))
        return int(connection.execute(query).scalar_one())

    return OutboxCounts(
        count(webhook_outbox.c.delivered.is_(None), webhook_outbox.c.failed.is_(None)),
        count(webhook_outbox.c.delivered.is_not(None)),
        count(webhook_outbox.c.failed.is_not(None)),
    )
