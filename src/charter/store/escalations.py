"""The escalation ledger: record one run of `charter escalations` (new escalations inserted, those
seen again stamped, those no longer raised resolved), acknowledge one, and read it back. Every
function takes the caller's connection; the caller owns the transaction (a run is one write)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from charter.model.escalation_ledger import LedgerEntry, LedgerUpdate, RaisedEscalation
from charter.store.schema import escalation_ledger, sli_hourly

_IN_CHUNK = 500


def read_ledger(connection: Connection) -> dict[str, LedgerEntry]:
    """Every escalation the ledger holds, by id."""
    rows = connection.execute(select(escalation_ledger).order_by(escalation_ledger.c.id))
    return {row.id: _entry(row._mapping) for row in rows}


def has_sli_counts(connection: Connection) -> bool:
    """Whether the store holds SLI counts of any SLO (else no error budget can be judged)."""
    return connection.execute(select(sli_hourly.c.slo).limit(1)).first() is not None


def latest_run(connection: Connection) -> datetime | None:
    """The time of the latest run the ledger recorded (the latest last-seen or resolution)."""
    seen = connection.execute(select(func.max(escalation_ledger.c.last_seen))).scalar()
    resolved = connection.execute(select(func.max(escalation_ledger.c.resolved_at))).scalar()
    return max((moment for moment in (seen, resolved) if moment is not None), default=None)


def record_run(connection: Connection, evaluated_at: datetime, raised: Sequence[RaisedEscalation]) -> LedgerUpdate:
    """Record the escalations one run raised at `evaluated_at`: insert the new ones, open again the
    resolved ones raised anew (first seen now, acknowledgement cleared), stamp the others' last
    seen, severity, owner, message and suppression, and resolve the open ones not raised. A run
    evaluated before the ledger's latest run writes nothing."""
    latest = latest_run(connection)
    if latest is not None and evaluated_at < latest:
        return LedgerUpdate(frozenset(), frozenset(), written=False)
    known = read_ledger(connection)
    raised_ids = {item.id for item in raised}
    new: set[str] = set()
    inserts: list[dict[str, Any]] = []
    for item in raised:
        entry = known.get(item.id)
        current = {
            "owner": item.owner,
            "severity": item.severity,
            "message": item.message,
            "last_seen": evaluated_at,
            "suppressed_reason": item.suppressed_reason,
            "suppressed_until": item.suppressed_until,
        }
        if entry is None:
            new.add(item.id)
            inserts.append(
                {
                    "id": item.id,
                    "fingerprint": item.fingerprint,
                    "code": item.code,
                    "subject": item.subject,
                    "first_seen": evaluated_at,
                    **current,
                }
            )
            continue
        if entry.resolved_at is not None:
            new.add(item.id)
            current |= {
                "first_seen": evaluated_at,
                "resolved_at": None,
                "acknowledged_at": None,
                "acknowledged_by": None,
                "acknowledgement": None,
            }
        connection.execute(update(escalation_ledger).where(escalation_ledger.c.id == item.id).values(**current))
    if inserts:
        connection.execute(insert(escalation_ledger), inserts)
    cleared = sorted(entry.id for entry in known.values() if entry.resolved_at is None and entry.id not in raised_ids)
    for start in range(0, len(cleared), _IN_CHUNK):
        chunk = cleared[start : start + _IN_CHUNK]
        connection.execute(
            update(escalation_ledger).where(escalation_ledger.c.id.in_(chunk)).values(resolved_at=evaluated_at)
        )
    return LedgerUpdate(frozenset(new), frozenset(cleared), written=True)


def acknowledge(connection: Connection, escalation: str, by: str, reason: str, at: datetime) -> LedgerEntry | None:
    """Record who acknowledged the escalation, when and why; None when the ledger has no such id."""
    found = connection.execute(
        update(escalation_ledger)
        .where(func.upper(escalation_ledger.c.id) == escalation.strip().upper())
        .values(acknowledged_at=at, acknowledged_by=by, acknowledgement=reason)
    )
    if not found.rowcount:
        return None
    row = connection.execute(
        select(escalation_ledger).where(func.upper(escalation_ledger.c.id) == escalation.strip().upper())
    ).one()
    return _entry(row._mapping)


def _entry(row: Any) -> LedgerEntry:
    return LedgerEntry(
        id=row["id"],
        fingerprint=row["fingerprint"],
        code=row["code"],
        subject=row["subject"],
        owner=row["owner"],
        severity=row["severity"],
        message=row["message"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        resolved_at=row["resolved_at"],
        acknowledged_at=row["acknowledged_at"],
        acknowledged_by=row["acknowledged_by"],
        acknowledgement=row["acknowledgement"],
        suppressed_reason=row["suppressed_reason"],
        suppressed_until=row["suppressed_until"],
    )
