"""What each deployment shipped (`deployment_changes`), and the fingerprint of the inputs each
component's links were computed from (`component_links`), so `charter sync` walks a component's
history again only when its commits, deployments or pull requests changed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from charter.model.delivery import ShippedChange
from charter.store.schema import component_links, deployment_changes, deployments

_BATCH = 5000
# Bound parameters per statement stay below SQLite's and PostgreSQL's limits.
_IN_CHUNK = 500


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
    [since, until), as two columns ordered by deployment: millions of rows, no object per row."""
    query = select(deployment_changes.c.deployment_id, deployment_changes.c.lead_seconds).join(
        deployments, deployments.c.id == deployment_changes.c.deployment_id
    )
    if since is not None:
        query = query.where(deployments.c.finished >= since)
    if until is not None:
        query = query.where(deployments.c.finished < until)
    query = query.order_by(deployment_changes.c.deployment_id)
    ids: list[str] = []
    seconds: list[float] = []
    result = connection.execution_options(yield_per=50_000).execute(query)
    for partition in result.partitions():
        for deployment_id, lead in partition:
            ids.append(deployment_id)
            seconds.append(lead)
    return ids, seconds


def read_shippers(connection: Connection, shas: Sequence[str]) -> dict[str, list[str]]:
    """For each sha (full, or an abbreviation of one), the deployments that shipped it."""
    found: dict[str, list[str]] = defaultdict(list)
    for sha in sorted(set(shas)):
        column = deployment_changes.c.sha
        condition = column == sha.lower() if len(sha) in (40, 64) else column.startswith(sha.lower(), autoescape=True)
        for full, deployment_id in connection.execute(
            select(column, deployment_changes.c.deployment_id).where(condition)
        ):
            found[full].append(deployment_id)
    return dict(found)


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
