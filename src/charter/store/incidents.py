"""Imported incidents in the store: upserts by source and the source's id (importing the same export
again updates each incident instead of adding it twice), and reads back as `Incident`s. The caller
owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from charter.model.imported_incident import ImportedIncident
from charter.model.incident import ActionItem, Incident
from charter.store.deployments import stored_utc, upsert_all, upsert_in_statements
from charter.store.schema import incidents

KEYS = ("source", "source_id")


def write_incidents(connection: Connection, records: Iterable[ImportedIncident], imported_from: str) -> int:
    """Insert or update each incident by (source, source id); returns how many records were written."""
    now = datetime.now(UTC)
    return upsert_all(connection, incidents, KEYS, (_row(record, imported_from, now) for record in records))


def write_incidents_in_statements(
    connection: Connection, records: Iterable[ImportedIncident], imported_from: str
) -> int:
    """`write_incidents` in multi-row statements (one round trip per chunk), for a webhook's batch."""
    now = datetime.now(UTC)
    rows = (_row(record, imported_from, now) for record in records)
    return upsert_in_statements(connection, incidents, KEYS, rows)


def read_imported_incidents(
    connection: Connection, *, since: datetime | None = None, until: datetime | None = None
) -> list[Incident]:
    """Imported incidents that started in [since, until) (all when None), by start time and id.
    The source and status travel in `extra` (`source`, `sourceId`, `status`, `url`, `postmortemUrl`)."""
    query = select(incidents).order_by(incidents.c.started, incidents.c.id)
    if since is not None:
        query = query.where(incidents.c.started >= since)
    if until is not None:
        query = query.where(incidents.c.started < until)
    return [_incident(row) for row in connection.execute(query)]


def _row(record: ImportedIncident, imported_from: str, now: datetime) -> dict[str, Any]:
    incident = record.incident
    return {
        "source": str(record.source),
        "source_id": record.source_id,
        "id": incident.id,
        "title": incident.title,
        "severity": incident.severity,
        "source_severity": record.source_severity,
        "status": record.status.value,
        "services": list(incident.services),
        "service_ids": list(record.service_ids),
        "started": incident.started,
        "detected": incident.detected,
        "acknowledged": incident.acknowledged,
        "resolved": incident.resolved,
        "cause": incident.cause,
        "caused_by_deployment": incident.caused_by_deployment,
        "caused_by_change": incident.caused_by_change,
        "postmortem_status": incident.postmortem_status,
        "postmortem_date": incident.postmortem_date,
        "postmortem_url": record.postmortem_url,
        "action_items": [_action_item_data(item) for item in incident.action_items],
        "aliases": list(incident.aliases),
        "url": record.url,
        "imported_from": imported_from,
        "imported_at": now,
    }


def _action_item_data(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "owner": item.owner,
        "due": item.due.isoformat() if item.due else None,
        "status": item.status,
        "type": item.type,
    }


def _action_item(data: dict[str, Any]) -> ActionItem:
    due = data.get("due")
    return ActionItem(
        id=data["id"],
        title=data["title"],
        owner=data.get("owner"),
        due=date.fromisoformat(due) if due else None,
        status=data.get("status") or "open",
        type=data.get("type"),
    )


def _optional_utc(value: datetime | None) -> datetime | None:
    return None if value is None else stored_utc(value)


def _incident(row: Any) -> Incident:
    extra = {"source": row.source, "sourceId": row.source_id, "status": row.status}
    extra.update({key: value for key, value in (("url", row.url), ("postmortemUrl", row.postmortem_url)) if value})
    return Incident(
        id=row.id,
        title=row.title,
        severity=row.severity,
        services=tuple(_strings(row.services)),
        started=stored_utc(row.started),
        detected=_optional_utc(row.detected),
        acknowledged=_optional_utc(row.acknowledged),
        resolved=_optional_utc(row.resolved),
        cause=row.cause,
        caused_by_deployment=row.caused_by_deployment,
        caused_by_change=row.caused_by_change,
        postmortem_status=row.postmortem_status,
        postmortem_date=row.postmortem_date,
        action_items=tuple(_action_item(item) for item in row.action_items or ()),
        aliases=tuple(_strings(row.aliases)),
        extra=extra,
    )


def _strings(values: Sequence[Any] | None) -> list[str]:
    return [str(value) for value in values or ()]
