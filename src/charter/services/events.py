"""Webhooks in: events posted to `POST /api/v1/events/deployments|incidents` read as the importers
read their records, checked against the catalog, verified as Standard Webhooks when a secret is
set, and written in one transaction before the server answers, each event id once: a repeated
delivery answers as the first did and changes nothing."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Connection

from charter.model.errors import CharterError
from charter.services.context import Context, utc_now
from charter.sources.event_records import (
    EventContext,
    EventProblem,
    ParsedEvents,
    read_deployment_events,
    read_incident_events,
)
from charter.sources.incidents.common import IncidentImportOptions, service_components
from charter.store.database import Store
from charter.store.deployments import write_deployments_in_statements
from charter.store.event_receipts import claim_message, prune_event_receipts, record_new_event_ids
from charter.store.incidents import write_incidents_in_statements
from charter.store.tokens import append_audit

JSON_TYPES = ("application/json",)
IMPORTED_FROM = "webhook"
PRUNE_EVERY = timedelta(hours=1)
__all__ = [
    "EventContext",
    "EventKind",
    "EventsRefused",
    "IngestOutcome",
    "PostedEvents",
    "ReceiptRetention",
    "event_context",
    "ingest_events",
]


class EventKind(StrEnum):
    deployments = "deployments"
    incidents = "incidents"


class EventsRefused(CharterError):
    """A posted body that is not taken, with the HTTP status that says why; nothing was written."""

    def __init__(self, status: int, message: str, problems: Sequence[EventProblem] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What a post did: how many events it held, how many were new (written) and how many had come before."""

    kind: EventKind
    received: int
    written: int
    duplicates: int


@dataclass(frozen=True, slots=True)
class PostedEvents:
    """A request as the server got it: the body's bytes, its content type and the signature headers."""

    body: bytes
    content_type: str | None
    headers: Mapping[str, str]


@dataclass(slots=True)
class ReceiptRetention:
    """How long received event ids are remembered (a sender's retry within that time is answered
    as a repeat; after it, the same id is taken as new), and when this process last pruned older
    ones: on ingest, at most once per PRUNE_EVERY."""

    days: int
    last_pruned: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def claim(self, now: datetime) -> bool:
        """Whether pruning is due now; if so, it is this caller's to do (no other thread's)."""
        with self._lock:
            if self.last_pruned is not None and now - self.last_pruned < PRUNE_EVERY:
                return False
            self.last_pruned = now
            return True

    def prune(self, store: Store, now: datetime) -> int:
        """Forget the receipts older than the retention, in a transaction of its own."""
        with store.transaction() as connection:
            return prune_event_receipts(connection, now - timedelta(days=self.days))


def event_context(context: Context) -> EventContext:
    """What checking events needs of the strategy (the catalog's components, the severity map)."""
    from charter.analysis.component_sources import component_scopes

    organization = context.estate.organization
    severity_map = organization.spec.sources.incidents.severity_map if organization else {}
    options = IncidentImportOptions(None, severity_map, service_components(context.estate))
    return EventContext(frozenset(component_scopes(context.estate)), options)


def ingest_events(
    store: Store,
    checking: EventContext,
    kind: EventKind,
    posted: PostedEvents,
    secret: str | None,
    actor: str,
    clock: Callable[[], datetime] = utc_now,
    retention: ReceiptRetention | None = None,
) -> IngestOutcome:
    """Take the events of one post: EventsRefused (415, 400, 401, 409, 422) when the body is not
    taken, else every new event is written, and noted, in one transaction. With a retention, the
    receipts older than it are pruned afterwards when that is due."""
    _require_json(posted.content_type)
    signed = _verified(posted, secret) if secret else None
    document = _parsed(posted.body)
    message_id = signed[0] if signed else None
    parsed: ParsedEvents[Any]
    if kind is EventKind.deployments:
        parsed = read_deployment_events(document, checking, message_id)
    else:
        parsed = read_incident_events(document, checking, message_id)
    if parsed.problems:
        count = len(parsed.problems)
        raise EventsRefused(422, f"{count} bad field{'s' if count != 1 else ''}; nothing was written", parsed.problems)
    now = clock()
    with store.transaction() as connection:
        if signed is not None and not claim_message(connection, signed[0], signed[1], now):
            raise EventsRefused(409, f"message {signed[0]!r} was received before with this signature: a replay")
        fresh = record_new_event_ids(connection, kind.value, [event.event_id for event in parsed.events], now)
        new = [event for event in parsed.events if event.event_id in fresh]
        _write(connection, kind, [event.record for event in new])
        if new:
            append_audit(connection, now, actor, f"events.{kind.value}", f"{len(new)} new", _summary(new))
    if retention is not None and retention.claim(now):
        retention.prune(store, now)
    return IngestOutcome(kind, len(parsed.events), len(new), len(parsed.events) - len(new))


def _write(connection: Connection, kind: EventKind, records: list[Any]) -> None:
    if not records:
        return
    if kind is EventKind.deployments:
        write_deployments_in_statements(connection, records)
    else:
        write_incidents_in_statements(connection, records, IMPORTED_FROM)


def _summary(new: Sequence[Any]) -> str:
    shown = ", ".join(event.event_id for event in new[:5])
    return shown + (f" and {len(new) - 5} more" if len(new) > 5 else "")


def _require_json(content_type: str | None) -> None:
    media = (content_type or "").partition(";")[0].strip().lower()
    if media not in JSON_TYPES and not media.endswith("+json"):
        shown = media or "none"
        raise EventsRefused(415, f"content type {shown!r}: events are JSON; send `Content-Type: application/json`")


def _parsed(body: bytes) -> object:
    if not body.strip():
        raise EventsRefused(400, "the body is empty: send one event object or a list of them")
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise EventsRefused(400, "the body is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise EventsRefused(
            400, f"the body is not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise EventsRefused(400, "the body is nested too deeply") from None


def _verified(posted: PostedEvents, secret: str) -> tuple[str, int]:
    """The message id and timestamp of a post whose Standard Webhooks signature holds; 401 else."""
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    headers = {name.lower(): value for name, value in posted.headers.items()}
    try:
        Webhook(secret).verify(posted.body, headers, json_parse=False)
    except WebhookVerificationError as error:
        reason = {
            "Missing required headers": "the webhook-id, webhook-timestamp and webhook-signature headers are needed",
            "Message timestamp too old": "webhook-timestamp is more than 5 minutes old: a stale or replayed message",
            "Message timestamp too new": "webhook-timestamp is more than 5 minutes ahead: check the sender's clock",
            "No matching signature found": "webhook-signature does not match the body with the configured secret",
        }.get(str(error), "the signature headers cannot be read")
        raise EventsRefused(401, f"signature refused: {reason}") from None
    message_id = headers["webhook-id"].strip()
    if not message_id or len(message_id) > 200:
        raise EventsRefused(401, "signature refused: webhook-id must be 1 to 200 characters")
    return message_id, int(float(headers["webhook-timestamp"]))
