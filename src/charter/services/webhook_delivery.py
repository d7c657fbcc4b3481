"""The worker of webhooks out: takes the outbox's due messages, signs each as Standard Webhooks
with its subscription's secret and posts it. A 2xx delivers it; a 410 disables the subscription; any
other answer, or none, is tried again later with exponential backoff, and given up after
`max_attempts`. Redirects are not followed and each destination is checked again before sending
(its name may now resolve to a private address)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from charter.model.errors import UsageError
from charter.services.context import utc_now
from charter.services.webhooks import check_destination
from charter.store.database import Store
from charter.store.webhooks import (
    OutboxMessage,
    any_due,
    claim_due,
    disable_subscription,
    mark_delivered,
    mark_failed,
    mark_retry,
)


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How the worker sends: the first retry's delay (doubled each time, at most `max_delay`), the
    attempts before giving up, how long a taken message is leased, the timeout of one post, how
    many messages one round takes, and whether private addresses may be sent to."""

    first_delay_seconds: float = 10.0
    max_delay_seconds: float = 3600.0
    max_attempts: int = 10
    lease_seconds: float = 120.0
    timeout_seconds: float = 10.0
    batch: int = 50
    allow_private: bool = False

    def delay(self, attempts: int) -> timedelta:
        """The wait before the next attempt, after `attempts` failed ones."""
        return timedelta(seconds=min(self.max_delay_seconds, self.first_delay_seconds * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True, slots=True)
class DeliveryRound:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    disabled: int = 0


def deliver_due(
    store: Store, client: httpx.Client, policy: DeliveryPolicy, clock: Callable[[], datetime] = utc_now
) -> DeliveryRound:
    """Send the messages due now; each outcome is committed as soon as it is known. The writer lock
    is taken only when a reader saw something due."""
    with store.engine.connect() as connection:
        if not any_due(connection, clock()):
            return DeliveryRound()
    with store.transaction() as connection:
        due = claim_due(connection, clock(), timedelta(seconds=policy.lease_seconds), policy.batch)
    tally = {"delivered": 0, "retried": 0, "failed": 0, "disabled": 0}
    for message in due:
        tally[_deliver(store, client, policy, message, clock)] += 1
    return DeliveryRound(**tally)


def _deliver(
    store: Store, client: httpx.Client, policy: DeliveryPolicy, message: OutboxMessage, clock: Callable[[], datetime]
) -> str:
    from standardwebhooks.webhooks import Webhook

    subscription = message.subscription
    now = clock()
    try:
        check_destination(subscription.url, policy.allow_private)
        headers = {
            "content-type": "application/json",
            "user-agent": "charter-webhooks",
            "webhook-id": message.message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(subscription.secret).sign(message.message_id, now, message.payload),
        }
        response = client.post(subscription.url, content=message.payload.encode(), headers=headers)
        status, error = response.status_code, f"HTTP {response.status_code}"
    except UsageError as refused:
        status, error = 0, str(refused)
    except httpx.HTTPError as failure:
        status, error = 0, f"{type(failure).__name__}: {failure}"
    with store.transaction() as connection:
        if 200 <= status < 300:
            mark_delivered(connection, message.id, now)
            return "delivered"
        if status == 410:
            disable_subscription(
                connection, subscription.id, now, f"the receiver answered 410 Gone at {now.isoformat()}"
            )
            mark_failed(connection, message.id, now, error)
            return "disabled"
        if message.attempts + 1 >= policy.max_attempts:
            mark_failed(connection, message.id, now, error)
            return "failed"
        mark_retry(connection, message.id, now + policy.delay(message.attempts + 1), error)
        return "retried"
