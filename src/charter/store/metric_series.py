"""A metric's recorded values over many scopes at once, and the snapshots' times: what `charter
targets` reads to follow a target over the whole history in one query per metric and scope kind."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from charter.store.schema import metric_values, snapshots


@dataclass(frozen=True, slots=True)
class SnapshotTime:
    id: int
    taken_at: datetime


def read_snapshot_times(connection: Connection, until: datetime | None = None) -> list[SnapshotTime]:
    """Every snapshot (taken at or before `until`), oldest first (by time taken, then id)."""
    query = select(snapshots.c.id, snapshots.c.taken_at).order_by(snapshots.c.taken_at, snapshots.c.id)
    if until is not None:
        query = query.where(snapshots.c.taken_at <= until)
    return [SnapshotTime(snapshot_id, taken_at) for snapshot_id, taken_at in connection.execute(query)]


def read_metric_series(
    connection: Connection,
    metric: str,
    scope_kind: str,
    scope_refs: Collection[str] | None = None,
    until: datetime | None = None,
) -> dict[str, dict[int, float]]:
    """`metric`'s numeric values by stored scope reference (of `scope_refs`, None: all, of kind `scope_kind`),
    then by snapshot id; values stored as no number are left out. One query over the metric and
    kind (the index's prefix), filtered here, so a thousand scopes cost no more than one."""
    query = select(metric_values.c.scope_ref, metric_values.c.snapshot_id, metric_values.c.value).where(
        metric_values.c.metric == metric,
        metric_values.c.scope_kind == scope_kind,
        metric_values.c.value.is_not(None),
    )
    if until is not None:
        query = query.join(snapshots, snapshots.c.id == metric_values.c.snapshot_id).where(
            snapshots.c.taken_at <= until
        )
    wanted = None if scope_refs is None else set(scope_refs)
    found: dict[str, dict[int, float]] = defaultdict(dict)
    for scope_ref, snapshot_id, value in connection.execute(query):
        if wanted is None or scope_ref in wanted:
            found[scope_ref][snapshot_id] = value
    return dict(found)
