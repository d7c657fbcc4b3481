"""Snapshots: what every metric measured, by scope, at one `charter sync`, so trends and reviews
read history instead of recomputing it."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql.elements import ColumnElement

from charter import __version__
from charter.model.metric_values import (
    MetricPoint,
    MetricValue,
    ScopedPoint,
    Snapshot,
    scope_from_stored,
    stored_scope,
)
from charter.model.refs import EntityRef
from charter.store.schema import metric_values, snapshots

_INSERT_BATCH = 5_000


def _stored_value(value: float | None) -> float | None:
    # SQLite turns NaN into NULL and PostgreSQL keeps it; store "no number" the same way on both.
    return None if value is None or math.isnan(value) else value


def insert_snapshot(
    connection: Connection, taken_at: datetime, repo_commit: str | None, values: Iterable[MetricValue]
) -> int:
    """Add a snapshot and its values in the caller's transaction; returns the snapshot id. A metric
    given twice for the same scope is an integrity error."""
    snapshot_id: int = connection.execute(
        insert(snapshots)
        .values(taken_at=taken_at, repo_commit=repo_commit, charter_version=__version__)
        .returning(snapshots.c.id)
    ).scalar_one()
    batch: list[dict[str, object]] = []
    for item in values:
        scope_kind, scope_ref = stored_scope(item.scope)
        batch.append(
            {
                "snapshot_id": snapshot_id,
                "metric": item.metric,
                "scope_kind": scope_kind,
                "scope_ref": scope_ref,
                "value": _stored_value(item.value),
                "unit": item.unit,
            }
        )
        if len(batch) >= _INSERT_BATCH:
            connection.execute(insert(metric_values), batch)
            batch = []
    if batch:
        connection.execute(insert(metric_values), batch)
    return snapshot_id


def read_latest_snapshot(connection: Connection, until: datetime | None = None) -> Snapshot | None:
    """The most recent snapshot (by time taken, then id) with its values, or None if there is none;
    with `until`, the most recent taken at or before it."""
    query = select(snapshots).order_by(snapshots.c.taken_at.desc(), snapshots.c.id.desc()).limit(1)
    if until is not None:
        query = query.where(snapshots.c.taken_at <= until)
    return _with_values(connection, connection.execute(query).one_or_none())


def read_snapshot_header(
    connection: Connection, snapshot_id: int | None = None, until: datetime | None = None
) -> Snapshot | None:
    """A snapshot without its values (`values` empty): the one with `snapshot_id`, else the latest
    taken at or before `until` (None: the latest of all); None when there is none."""
    query = select(snapshots)
    if snapshot_id is not None:
        query = query.where(snapshots.c.id == snapshot_id)
    else:
        query = query.order_by(snapshots.c.taken_at.desc(), snapshots.c.id.desc()).limit(1)
        if until is not None:
            query = query.where(snapshots.c.taken_at <= until)
    row = connection.execute(query).one_or_none()
    return None if row is None else Snapshot(row.id, row.taken_at, row.repo_commit, row.charter_version, ())


def read_snapshot(connection: Connection, snapshot_id: int) -> Snapshot | None:
    """The snapshot with this id and its values, or None if there is none."""
    return _with_values(
        connection, connection.execute(select(snapshots).where(snapshots.c.id == snapshot_id)).one_or_none()
    )


def read_first_snapshot_time(connection: Connection) -> datetime | None:
    """When the oldest snapshot was taken, or None before the first."""
    time: datetime | None = connection.execute(
        select(snapshots.c.taken_at).order_by(snapshots.c.taken_at).limit(1)
    ).scalar()
    return time


def _with_values(connection: Connection, row: Row[Any] | None) -> Snapshot | None:
    if row is None:
        return None
    query = (
        select(
            metric_values.c.metric,
            metric_values.c.scope_kind,
            metric_values.c.scope_ref,
            metric_values.c.value,
            metric_values.c.unit,
        )
        .where(metric_values.c.snapshot_id == row.id)
        .order_by(metric_values.c.metric, metric_values.c.scope_kind, metric_values.c.scope_ref)
    )
    values = tuple(
        MetricValue(metric, scope_from_stored(scope_kind, scope_ref), value, unit)
        for metric, scope_kind, scope_ref, value, unit in connection.execute(query)
    )
    return Snapshot(row.id, row.taken_at, row.repo_commit, row.charter_version, values)


def read_metric_history(connection: Connection, metric: str, scope: EntityRef) -> list[MetricPoint]:
    """Every recorded value of `metric` for one scope, oldest first."""
    scope_kind, scope_ref = stored_scope(scope)
    query = (
        select(snapshots.c.id, snapshots.c.taken_at, metric_values.c.value)
        .join(metric_values, metric_values.c.snapshot_id == snapshots.c.id)
        .where(
            metric_values.c.metric == metric,
            metric_values.c.scope_kind == scope_kind,
            metric_values.c.scope_ref == scope_ref,
        )
        .order_by(snapshots.c.taken_at, snapshots.c.id)
    )
    return [MetricPoint(snapshot_id, taken_at, value) for snapshot_id, taken_at, value in connection.execute(query)]


def read_snapshot_values(
    connection: Connection,
    snapshot_id: int,
    scope_kinds: Sequence[str] | None = None,
    metrics: Sequence[str] = (),
) -> list[MetricValue]:
    """A part of a snapshot's values: those at scopes of `scope_kinds` (None: every kind), and
    those of `metrics` at any scope; for a reader that needs a few of its hundreds of thousands."""
    kept: ColumnElement[bool] | None = None
    if scope_kinds is not None:
        kept = metric_values.c.scope_kind.in_(list(scope_kinds))
    if metrics:
        named = metric_values.c.metric.in_(list(metrics))
        kept = named if kept is None else or_(kept, named)
    query = select(
        metric_values.c.metric,
        metric_values.c.scope_kind,
        metric_values.c.scope_ref,
        metric_values.c.value,
        metric_values.c.unit,
    ).where(metric_values.c.snapshot_id == snapshot_id)
    if kept is not None:
        query = query.where(kept)
    query = query.order_by(metric_values.c.metric, metric_values.c.scope_kind, metric_values.c.scope_ref)
    return [
        MetricValue(metric, scope_from_stored(scope_kind, scope_ref), value, unit)
        for metric, scope_kind, scope_ref, value, unit in connection.execute(query)
    ]


def read_metric_series(
    connection: Connection, metrics: Sequence[str], scope_refs: Sequence[str], since: datetime, until: datetime
) -> list[ScopedPoint]:
    """The recorded values of these metrics at these scopes (as stored: `group:payments`, the
    organisation's name), in snapshots taken in [since, until], oldest first: a report's trends,
    in one query."""
    query = (
        select(
            metric_values.c.metric,
            metric_values.c.scope_kind,
            metric_values.c.scope_ref,
            snapshots.c.id,
            snapshots.c.taken_at,
            metric_values.c.value,
        )
        .join(metric_values, metric_values.c.snapshot_id == snapshots.c.id)
        .where(
            metric_values.c.metric.in_(list(metrics)),
            metric_values.c.scope_ref.in_(list(scope_refs)),
            snapshots.c.taken_at >= since,
            snapshots.c.taken_at <= until,
        )
        .order_by(snapshots.c.taken_at, snapshots.c.id, metric_values.c.metric, metric_values.c.scope_ref)
    )
    return [
        ScopedPoint(metric, scope_kind, scope_ref, MetricPoint(snapshot_id, taken_at, value))
        for metric, scope_kind, scope_ref, snapshot_id, taken_at, value in connection.execute(query)
    ]
