"""What each deployment shipped (`deployment_changes`), and the fingerprint of the inputs each
component's links were computed from (`component_links`), so `charter sync` walks a component's
history again only when its commits, deployments or pull requests changed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import repeat
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, delete, func, insert, literal_column, select
from sqlalchemy.engine import Connection

from charter.model.delivery import ShippedChange
from charter.store.deployments import dbapi_rows
from charter.store.schema import component_links, deployment_changes, deployments

_BATCH = 5000
# On SQLite, read the whole table rather than join when the period holds this share of the deployments.
_SCAN_FROM = 0.3
# Bound parameters per statement stay below SQLite's and PostgreSQL's limits.
_IN_CHUNK = 500
_FULL_SHA_LENGTHS = (40, 64)


def link_fingerprint(connection: Connection, component: str) -> str | None:
    return connection.execute(
        select(component_links.c.fingerprint).where(component_links.c.component == component)
    ).scalar()


def replace_shipped_changes(
    connection: Connection,
    component: str,
    fingerprint: str,
    shipped: Iterable[ShippedChange],
) -> int:
    """Replace every shipped change of the component's deployments, and record the fingerprint."""
    deployment_ids = select(deployments.c.id).where(deployments.c.component == component).scalar_subquery()
    connection.execute(delete(deployment_changes).where(deployment_changes.c.deployment_id.in_(deployment_ids)))
    written = 0
    batch: list[dict[str, object]] = []
    for change in shipped:
        batch.append(
            {
                "deployment_id": change.deployment_id,
                "sha": change.sha,
                "lead_start": change.lead_start,
                "lead_seconds": change.lead_seconds,
            }
        )
        if len(batch) >= _BATCH:
            connection.execute(insert(deployment_changes), batch)
            written += len(batch)
            batch = []
    if batch:
        connection.execute(insert(deployment_changes), batch)
        written += len(batch)
    connection.execute(delete(component_links).where(component_links.c.component == component))
    connection.execute(insert(component_links), [{"component": component, "fingerprint": fingerprint}])
    return written


def read_lead_time_rows(
    connection: Connection, *, since: datetime | None = None, until: datetime | None = None
) -> tuple[list[str], list[float]]:
    """(deployment id, lead seconds) of every change shipped by a deployment that finished in
    [since, until), as two columns grouped by deployment (one deployment's rows together, sharing one
    id string): millions of rows, no object per row."""
    period = _finished_in(since, until)
    if connection.dialect.name == "postgresql":
        return _aggregated_lead_time_rows(connection, period)
    if _holds_most_deployments(connection, period):
        return _filtered_lead_time_rows(connection, period)
    return _joined_lead_time_rows(connection, period)


def _finished_in(since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    conditions = []
    if since is not None:
        conditions.append(deployments.c.finished >= since)
    if until is not None:
        conditions.append(deployments.c.finished < until)
    return conditions


def _aggregated_lead_time_rows(
    connection: Connection, period: list[ColumnElement[bool]]
) -> tuple[list[str], list[float]]:
    """PostgreSQL joins and groups ten million rows in seconds; sending them one by one would take
    longer. So one row per deployment, its lead times packed as big-endian float8 bytes."""
    packed = func.string_agg(func.float8send(deployment_changes.c.lead_seconds), literal_column("''::bytea"))
    query = (
        select(deployment_changes.c.deployment_id, packed)
        .join(deployments, deployments.c.id == deployment_changes.c.deployment_id)
        .where(*period)
        .group_by(deployment_changes.c.deployment_id)
        .order_by(deployment_changes.c.deployment_id)
    )
    ids: list[str] = []
    blobs: list[bytes] = []
    for rows in dbapi_rows(connection, query):
        for deployment_id, blob in rows:
            ids.extend(repeat(deployment_id, len(blob) // 8))
            blobs.append(bytes(blob))
    seconds: list[float] = np.frombuffer(b"".join(blobs), dtype=">f8").astype(np.float64).tolist()
    return ids, seconds


def _holds_most_deployments(connection: Connection, period: list[ColumnElement[bool]]) -> bool:
    """Whether the period holds enough of the deployments (`_SCAN_FROM`) that reading every shipped
    change costs less than joining: the join costs about twice as much per row kept."""
    if not period:
        return True
    total = connection.execute(select(func.count()).select_from(deployments)).scalar_one()
    in_period = connection.execute(select(func.count()).select_from(deployments).where(*period)).scalar_one()
    return in_period >= total * _SCAN_FROM


def _filtered_lead_time_rows(
    connection: Connection, period: list[ColumnElement[bool]]
) -> tuple[list[str], list[float]]:
    """SQLite joins row by row through the indexes, twice as slow per row as reading the whole table;
    so when the period holds much of it, read every shipped change and keep those of its deployments
    (a hash join in the client)."""
    wanted = {row[0] for rows in dbapi_rows(connection, select(deployments.c.id).where(*period)) for row in rows}
    query = select(deployment_changes.c.deployment_id, deployment_changes.c.lead_seconds)
    return _columns(dbapi_rows(connection, query), wanted)


def _joined_lead_time_rows(connection: Connection, period: list[ColumnElement[bool]]) -> tuple[list[str], list[float]]:
    query = (
        select(deployment_changes.c.deployment_id, deployment_changes.c.lead_seconds)
        .join(deployments, deployments.c.id == deployment_changes.c.deployment_id)
        .where(*period)
        .order_by(deployments.c.finished, deployments.c.id)
    )
    return _columns(dbapi_rows(connection, query))


def _columns(batches: Iterable[Sequence[Any]], wanted: set[str] | None = None) -> tuple[list[str], list[float]]:
    """(deployment id, lead seconds) rows as two columns, those of `wanted` deployments only when given.
    A run of rows of one deployment shares the first row's id string."""
    ids: list[str] = []
    seconds: list[float] = []
    current: str | None = None
    shared = ""
    keep = True
    for rows in batches:
        for deployment_id, lead in rows:
            if deployment_id != current:
                current = shared = deployment_id
                keep = wanted is None or deployment_id in wanted
            if keep:
                ids.append(shared)
                seconds.append(lead)
    return ids, seconds


def read_shippers(connection: Connection, shas: Sequence[str]) -> dict[str, list[str]]:
    """For each sha (full, or an abbreviation of one), the deployments that shipped it. The column
    has no index of its own, so every 500 shas cost one scan of the shipped changes, not one each."""
    found: dict[str, list[str]] = defaultdict(list)
    wanted = sorted({sha.lower() for sha in shas})
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        shortest = min(len(sha) for sha in chunk)
        query = select(deployment_changes.c.sha, deployment_changes.c.deployment_id).where(_sha_matches(chunk))
        by_prefix: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for full, deployment_id in connection.execute(query):
            by_prefix[full[:shortest]].append((full, deployment_id))
        for sha in chunk:
            for full, deployment_id in by_prefix.get(sha[:shortest], ()):
                if full == sha or (len(sha) not in _FULL_SHA_LENGTHS and full.startswith(sha)):
                    found[full].append(deployment_id)
    return dict(found)


def _sha_matches(shas: Sequence[str]) -> ColumnElement[bool]:
    """Equal to one of the full shas; or, when some are abbreviated, beginning like one of them at
    the shortest abbreviation's length (a coarse filter: the caller matches exactly). One condition
    each row can be tested against cheaply, as the scan tests millions of rows."""
    column = deployment_changes.c.sha
    shortest = min(len(sha) for sha in shas)
    if all(len(sha) in _FULL_SHA_LENGTHS for sha in shas):
        return column.in_(shas)
    return func.substr(column, 1, shortest).in_(sorted({sha[:shortest] for sha in shas}))


def read_shipped_of(connection: Connection, deployment_ids: Sequence[str]) -> Iterator[ShippedChange]:
    """Shipped changes of the named deployments."""
    for start in range(0, len(deployment_ids), _IN_CHUNK):
        chunk = deployment_ids[start : start + _IN_CHUNK]
        query = select(
            deployment_changes.c.deployment_id,
            deployment_changes.c.sha,
            deployment_changes.c.lead_start,
            deployment_changes.c.lead_seconds,
        ).where(deployment_changes.c.deployment_id.in_(chunk))
        for row in connection.execute(query):
            yield ShippedChange(row[0], row[1], row[2], row[3])
