"""`target.status_changed` for webhooks out: the targets of charter.yaml evaluated over the
snapshots before a sync's new snapshot and again with it; each target whose status moved (met, on
track, at risk, off track, no data) is one event. Evaluated only when some subscription wants the
event, since it reads every target's series."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from charter.model.errors import CharterError
from charter.services.context import Context
from charter.services.targets import target_statuses
from charter.services.webhooks import emit
from charter.store.schema import webhook_subscriptions

EVENT = "target.status_changed"
LOG = logging.getLogger("charter.webhooks")

TargetKey = tuple[str, str, int]  # goal, metric, the how-many-th target of the goal on that metric


def target_events_wanted(context: Context) -> bool:
    """Whether an enabled subscription wants `target.status_changed`."""
    store = context.required_store()
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(webhook_subscriptions.c.events).where(webhook_subscriptions.c.disabled.is_(None))
        )
        return any(EVENT in (events or ()) for (events,) in rows)


def target_states(context: Context) -> dict[TargetKey, str]:
    """Each target's status over the snapshots committed now (empty when they cannot be evaluated)."""
    try:
        statuses = target_statuses(context)
    except CharterError as error:
        LOG.warning("targets not evaluated for webhooks: %s", error)
        return {}
    found: dict[TargetKey, str] = {}
    for item in statuses:
        count = sum(1 for key in found if key[:2] == (item.goal, item.target.metric))
        found[(item.goal, item.target.metric, count)] = item.status.value
    return found


def emit_target_changes(context: Context, before: dict[TargetKey, str], at: datetime) -> int:
    """One `target.status_changed` per target whose status differs from `before` (a target new to
    the file has no `before` and is not an event)."""
    after = target_states(context)
    changed = [(key, before[key], status) for key, status in after.items() if key in before and before[key] != status]
    if not changed:
        return 0
    sent = 0
    with context.required_store().transaction() as connection:
        for (goal, metric, ordinal), old, new in changed:
            data = {"goal": goal, "metric": metric, "index": ordinal, "from": old, "to": new}
            sent += emit(connection, EVENT, data, at)
    return sent
