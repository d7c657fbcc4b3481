"""`risks`: the risk register, and what `charter sync` records of it with each snapshot."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Connection

from charter.analysis.risk.register import build_register, register_states
from charter.model.estate import Estate
from charter.store.risk_register import write_risk_states


def record_register(connection: Connection, snapshot_id: int, estate: Estate, today: date) -> int:
    """What `charter sync` calls after writing a snapshot, in its transaction: the register of
    `estate` as of `today` stored with the snapshot. Returns how many risks."""
    return write_risk_states(connection, snapshot_id, register_states(build_register(estate, today)))
