"""Webhook receipts in the store: which event ids of each kind were received (a repeat changes
nothing) and which signed messages (the same message id and timestamp again is a replay). The caller
owns the transaction; writers take turns (store/writers.py), so a look-up and the insert after it
see no other writer in between."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from charter.store.array_rows import rows_as_arrays
from charter.store.conflict_insert import conflict_insert
from charter.store.schema import event_receipts, webhook_messages

# Twice Standard Webhooks' 5 minutes of tolerance.
FORGET_AFTER = timedelta(minutes=10)


def record_new_event_ids(connection: Connection, kind: str, event_ids: Sequence[str], at: datetime) -> set[str]:
    """Note these event ids as received and return the ones that were new: INSERT ... ON CONFLICT
    DO NOTHING RETURNING, on PostgreSQL one statement over the ids bound as arrays (`array_rows.py`),
    on SQLite batched by SQLAlchemy into multi-row statements ("insertmanyvalues")."""
    if not event_ids:
        return set()
    rows = [{"kind": kind, "event_id": event_id, "received_at": at} for event_id in event_ids]
    if connection.dialect.name == "postgresql":  # one short statement over the ids bound as arrays
        names = [column.name for column in event_receipts.columns]
        inserted = conflict_insert(connection, event_receipts).from_select(names, rows_as_arrays(event_receipts, rows))
        return set(connection.execute(inserted.on_conflict_do_nothing().returning(event_receipts.c.event_id)).scalars())
    new_only = conflict_insert(connection, event_receipts).on_conflict_do_nothing()
    return set(connection.execute(new_only.returning(event_receipts.c.event_id), rows).scalars())


def prune_event_receipts(connection: Connection, before: datetime) -> int:
    """Forget the event ids received before `before` (by the index on received_at); how many went."""
    pruned: int = connection.execute(delete(event_receipts).where(event_receipts.c.received_at < before)).rowcount
    return pruned


def claim_message(connection: Connection, message_id: str, signed_at: int, at: datetime) -> bool:
    """Note a signed message; False when this message id came before with this very timestamp (a
    replay of the same signature). A sender's retry signs again with a new timestamp: it is noted,
    and its events, already received, change nothing."""
    # A signature older than the tolerance is refused by its timestamp, so older notes can go.
    connection.execute(delete(webhook_messages).where(webhook_messages.c.received_at < at - FORGET_AFTER))
    known = connection.execute(
        select(webhook_messages.c.signed_at).where(webhook_messages.c.message_id == message_id)
    ).scalar_one_or_none()
    if known is None:
        connection.execute(insert(webhook_messages).values(message_id=message_id, signed_at=signed_at, received_at=at))
        return True
    if known == signed_at:
        return False
    connection.execute(
        update(webhook_messages)
        .where(webhook_messages.c.message_id == message_id)
        .values(signed_at=signed_at, received_at=at)
    )
    return True
