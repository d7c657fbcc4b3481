"""Webhooks out: subscriptions (admin, through the API or `charter webhook add|list|remove`) to
Charter's events, and `emit`, which puts one message per subscribed destination in the outbox in
the caller's transaction, so an event is sent if and only if what it tells of was committed.
Destinations on private, loopback or link-local addresses are refused unless allowed
(`CHARTER_WEBHOOK_ALLOW_PRIVATE=1`, or `--allow-private` on `charter webhook add`)."""

from __future__ import annotations

import ipaddress
import json
import secrets
import socket
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy.engine import Connection

from charter.model.errors import NotFound, UsageError
from charter.model.escalation_ledger import RaisedEscalation
from charter.services.context import StoreNeed, opened_store, repository_root, utc_now
from charter.store.database import Store
from charter.store.tokens import append_audit
from charter.store.webhooks import OutboxCounts as OutboxCounts
from charter.store.webhooks import (
    StoredSubscription,
    delete_subscription,
    enqueue,
    insert_subscription,
    list_subscriptions,
    outbox_counts,
)

if TYPE_CHECKING:
    from charter.outputs.views.events import CreatedWebhookView, WebhookList, WebhookView

EVENT_TYPES = ("escalation.opened", "escalation.resolved", "target.status_changed", "snapshot.created")
CLI_ACTOR = "cli"


@dataclass(frozen=True, slots=True)
class SubscriptionState:
    """A subscription and its outbox: how many messages wait, were delivered, were given up."""

    subscription: StoredSubscription
    counts: OutboxCounts


@contextmanager
def open_webhook_store(repo: Path | None) -> Iterator[Store]:
    """The store of `--repo` for the webhook commands, without reading the strategy files."""
    with opened_store(repository_root(repo), StoreNeed.REQUIRED) as store:
        assert store is not None  # REQUIRED raises instead
        yield store


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes it: `whsec_` and 32 random bytes in base64."""
    import base64

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def check_event_types(events: Sequence[str]) -> tuple[str, ...]:
    """The event types, each one Charter emits (UsageError naming the unknown one otherwise)."""
    if not events:
        raise UsageError(f"--event: name at least one of {', '.join(EVENT_TYPES)}")
    for event in events:
        if event not in EVENT_TYPES:
            raise UsageError(f"--event {event!r} is not an event Charter sends; use one of {', '.join(EVENT_TYPES)}")
    return tuple(dict.fromkeys(events))


def check_destination(url: str, allow_private: bool) -> None:
    """UsageError unless `url` is http(s) with a host that resolves, and (unless `allow_private`)
    to public addresses only: no loopback, private, link-local, multicast or reserved address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"webhook URL {url!r}: give an http:// or https:// URL with a host")
    if len(url) > 2000:
        raise UsageError("webhook URL: at most 2000 characters")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)}
    except (OSError, ValueError) as error:
        raise UsageError(f"webhook URL {url!r}: the host does not resolve ({error})") from None
    if allow_private:
        return
    for address in sorted(addresses):
        found = ipaddress.ip_address(str(address).split("%")[0])
        if not found.is_global or found.is_multicast:
            raise UsageError(
                f"webhook URL {url!r}: {parts.hostname} is {address}, a private or loopback address; "
                "set CHARTER_WEBHOOK_ALLOW_PRIVATE=1 (or `charter webhook add --allow-private`) to allow it"
            )


def add_subscription(
    store: Store, url: str, events: Sequence[str], allow_private: bool, actor: str = CLI_ACTOR
) -> StoredSubscription:
    """A new subscription with a fresh signing secret (shown by the caller once, to give the receiver)."""
    chosen = check_event_types(events)
    check_destination(url, allow_private)
    now = utc_now()
    with store.transaction() as connection:
        created = insert_subscription(connection, url, chosen, new_secret(), now, actor)
        append_audit(connection, now, actor, "webhook.add", f"webhook {created.id}", f"{url} {' '.join(chosen)}")
    return created


def subscription_states(store: Store) -> list[SubscriptionState]:
    with store.engine.connect() as connection:
        return [SubscriptionState(item, outbox_counts(connection, item.id)) for item in list_subscriptions(connection)]


def remove_subscription(store: Store, which: str, actor: str = CLI_ACTOR) -> StoredSubscription:
    """Remove a subscription by id (and its undelivered messages); NotFound when there is none."""
    if not which.isdigit() or len(which) > 9:
        raise UsageError(f"webhook id {which!r}: give the number `charter webhook list` shows")
    with store.transaction() as connection:
        found = next((item for item in list_subscriptions(connection) if item.id == int(which)), None)
        if found is None or not delete_subscription(connection, found.id):
            raise NotFound(f"no webhook subscription {which}: `charter webhook list` shows them")
        append_audit(connection, utc_now(), actor, "webhook.remove", f"webhook {found.id}", found.url)
    return found


def emit(connection: Connection, event_type: str, data: Mapping[str, object], at: datetime) -> int:
    """In the caller's transaction: one outbox message per enabled subscription to `event_type`,
    as Standard Webhooks' payload (`type`, `timestamp`, `data`); returns how many."""
    assert event_type in EVENT_TYPES, event_type
    targets = [item for item in list_subscriptions(connection) if item.disabled is None and event_type in item.events]
    if not targets:
        return 0
    payload = json.dumps({"type": event_type, "timestamp": at.isoformat(), "data": dict(data)}, sort_keys=True)
    message_ids = {item.id: f"msg_{secrets.token_hex(12)}" for item in targets}
    return enqueue(connection, event_type, message_ids, payload, at)


def emit_ledger_update(
    connection: Connection, opened: Sequence[RaisedEscalation], resolved: Sequence[str], at: datetime
) -> int:
    """`escalation.opened` for each escalation a run opened (or opened again), `escalation.resolved`
    for each it resolved, in the run's transaction."""
    sent = 0
    for item in opened:
        data = {
            "id": item.id,
            "code": item.code,
            "subject": item.subject,
            "owner": item.owner,
            "severity": item.severity,
            "message": item.message,
        }
        sent += emit(connection, "escalation.opened", data, at)
    for escalation in resolved:
        sent += emit(connection, "escalation.resolved", {"id": escalation}, at)
    return sent


def emit_snapshot_created(connection: Connection, snapshot_id: int, taken_at: datetime, commit: str | None) -> int:
    """`snapshot.created`, in the transaction that recorded the snapshot."""
    data = {"id": snapshot_id, "takenAt": taken_at.isoformat(), "commit": commit}
    return emit(connection, "snapshot.created", data, utc_now())


def webhook_view(state: SubscriptionState) -> WebhookView:
    from charter.outputs.views.events import WebhookView

    item = state.subscription
    return WebhookView(
        id=item.id,
        url=item.url,
        events=list(item.events),
        created=item.created,
        created_by=item.created_by,
        state="active" if item.disabled is None else "disabled",
        disabled_reason=item.disabled_reason,
        pending=state.counts.pending,
        delivered=state.counts.delivered,
        failed=state.counts.failed,
    )


def webhook_list_report(store: Store) -> WebhookList:
    from charter.outputs.views.events import WebhookList

    states = subscription_states(store)
    return WebhookList(webhooks=[webhook_view(state) for state in states], total=len(states))


def created_webhook_view(created: StoredSubscription) -> CreatedWebhookView:
    from charter.outputs.views.events import CreatedWebhookView

    return CreatedWebhookView(
        secret=created.secret, details=webhook_view(SubscriptionState(created, OutboxCounts(0, 0, 0)))
    )
