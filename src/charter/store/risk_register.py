"""The risk register per snapshot: `charter sync` records every risk's residual level and status
with its snapshot, and `charter risks` reads the last one to show new risks, closures and level
changes since then. Every function takes the caller's connection; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from charter.model.risk_states import PreviousRegister, RiskState
from charter.store.schema import risk_states, snapshots


def write_risk_states(connection: Connection, snapshot_id: int, states: Iterable[RiskState]) -> int:
    """Add the register of one snapshot in the caller's transaction; returns how many risks."""
    rows = [
        {"snapshot_id": snapshot_id, "risk": item.risk, "level": item.level, "status": item.status} for item in states
    ]
    if rows:
        connection.execute(insert(risk_states), rows)
    return len(rows)


def read_previous_register(connection: Connection, until: datetime | None = None) -> PreviousRegister | None:
    """The register of the latest snapshot that recorded one (taken at or before `until`)."""
    query = (
        select(snapshots.c.id, snapshots.c.taken_at)
        .where(snapshots.c.id.in_(select(risk_states.c.snapshot_id).distinct()))
        .order_by(snapshots.c.taken_at.desc(), snapshots.c.id.desc())
        .limit(1)
    )
    if until is not None:
        query = query.where(snapshots.c.taken_at <= until)
    found = connection.execute(query).one_or_none()
    if found is None:
        return None
    return PreviousRegister(found.id, found.taken_at, read_risk_states(connection, found.id))


def read_risk_states(connection: Connection, snapshot_id: int) -> dict[str, RiskState]:
    """The register one snapshot recorded, by risk (empty when it recorded none)."""
    rows = connection.execute(
        select(risk_states.c.risk, risk_states.c.level, risk_states.c.status).where(
            risk_states.c.snapshot_id == snapshot_id
        )
    )
    return {row.risk: RiskState(row.risk, row.level, row.status) for row in rows}
