"""What each `charter sync` last took its snapshot from (revision 0015): per strategy repository, the
digest of the strategy, the facts, the day and Charter's code, so that an unchanged re-sync keeps its
snapshot without measuring (`store/snapshot_inputs.py`)."""

from __future__ import annotations

from sqlalchemy import Column, String, Table, Text

from charter.store.schema_base import metadata
from charter.store.types import UtcDateTime

sync_records = Table(
    "sync_records",
    metadata,
    Column("repository", String(1024), primary_key=True),
    Column("record", Text, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
)
