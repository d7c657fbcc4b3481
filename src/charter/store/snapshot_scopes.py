"""A snapshot read for a dashboard: which snapshot was the latest at a moment, and its values for a
few scopes only (a large organisation's snapshot holds hundreds of thousands of values)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from charter.model.metric_values import MetricValue, scope_from_stored
from charter.store.schema import metric_values, snapshots


@dataclass(frozen=True, slots=True)
class SnapshotHead:
    """A snapshot without its values."""

    id: int
    taken_at: datetime
    repo_commit: str | None


def snapshot_at(connection: Connection, until: datetime | None) -> SnapshotHead | None:
    """The latest snapshot taken at or before `until` (any, when None)."""
    query = select(snapshots.c.id, snapshots.c.taken_at, snapshots.c.repo_commit)
    if until is not None:
        query = query.where(snapshots.c.taken_at <= until)
    row = connection.execute(query.order_by(snapshots.c.taken_at.desc(), snapshots.c.id.desc()).limit(1)).one_or_none()
    return None if row is None else SnapshotHead(row.id, row.taken_at, row.repo_commit)


def scope_values(
    connection: Connection, snapshot_id: int, scope_kind: str, scope_refs: Sequence[str]
) -> list[MetricValue]:
    """The snapshot's values for the scopes named (all of `scope_kind`'s stored refs in `scope_refs`)."""
    found: list[MetricValue] = []
    for start in range(0, len(scope_refs), 500):  # bound the IN list
        query = (
            select(metric_values.c.metric, metric_values.c.scope_ref, metric_values.c.value, metric_values.c.unit)
            .where(
                metric_values.c.snapshot_id == snapshot_id,
                metric_values.c.scope_kind == scope_kind,
                metric_values.c.scope_ref.in_(scope_refs[start : start + 500]),
            )
            .order_by(metric_values.c.scope_ref, metric_values.c.metric)
        )
        found.extend(
            MetricValue(metric, scope_from_stored(scope_kind, scope_ref), value, unit)
            for metric, scope_ref, value, unit in connection.execute(query)
        )
    return found
