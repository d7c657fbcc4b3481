"""What the facts in the store look like now, in one digest, so that `charter sync` can tell whether
anything a snapshot reads changed since its last one; and where a sync keeps what its last snapshot
was taken from.

Every table is in one of three lists, and a test holds that each table is in exactly one, so a new
table has to be placed: the facts a snapshot reads, whose every write moves the store's write
generation (`schema_generation.py`: triggers, so no writer can forget it); the tables only mining,
linking and SLI imports append to, whose updates and deletes move it too and whose inserts are seen
by their highest rowid on SQLite (where a trigger would run once per mined row); and the tables that
are not facts (caches, snapshots, the ledger, tokens, webhooks, the generation itself), which the
sync checks in its own way or never reads. The digest reads one row and, on SQLite, one index end
per appended table: its cost does not grow with the store.

A sync's record lives in `sync_records` (revision 0015), one row per strategy repository."""

from __future__ import annotations

from datetime import UTC, datetime
from hashlib import blake2b

from sqlalchemy import Table, delete, func, insert, literal_column, select, update
from sqlalchemy.engine import Connection

from charter.store.schema import (
    api_tokens,
    audit_log,
    check_results,
    escalation_ledger,
    event_receipts,
    fact_generation,
    fact_write_marks,
    metadata,
    metric_values,
    parse_cache,
    risk_states,
    server_secrets,
    snapshots,
    sync_records,
    webhook_messages,
    webhook_outbox,
    webhook_subscriptions,
)
from charter.store.schema_generation import APPENDED_TABLES, WRITTEN_TABLES

# Every insert, delete and update that changes a value moves the generation (not an update of only
# `mined_at`, when a repository was last looked at, which changes with every sync and is no fact).
DIGESTED: tuple[Table, ...] = tuple(metadata.tables[name] for name in WRITTEN_TABLES)
# Written only with a change to a digested table's rows (a repository's commits, files and head files
# with its refs and commit count; a component's shipped changes with its link fingerprint; SLI minutes
# with their hourly rollup), and also followed on their own: updates and deletes move the generation,
# inserts are seen by the highest rowid on SQLite and move the generation on PostgreSQL.
COUNTED: tuple[Table, ...] = tuple(metadata.tables[name] for name in APPENDED_TABLES)
# Not facts a snapshot measures: caches, the snapshots themselves (a sync checks that none was
# added since its own), the escalation ledger (likewise), tokens and webhooks, and the generation.
ASIDE: tuple[Table, ...] = (
    parse_cache,
    check_results,
    snapshots,
    metric_values,
    risk_states,
    escalation_ledger,
    sync_records,
    api_tokens,
    audit_log,
    event_receipts,
    webhook_messages,
    webhook_subscriptions,
    webhook_outbox,
    server_secrets,
    fact_generation,
    fact_write_marks,
)


def facts_digest(connection: Connection) -> str:
    """One digest of every fact a snapshot reads: the write generation (with its epoch) and, on
    SQLite, the highest rowid of each appended table. Changes whenever a committed transaction
    changed a fact; costs the same for a store of any size."""
    epoch, generation = connection.execute(select(fact_generation.c.epoch, fact_generation.c.generation)).one()
    parts = [f"{epoch}:{generation}"]
    if connection.dialect.name == "sqlite":
        for table in COUNTED:  # SQLite finds the largest rowid at the end of the table's b-tree
            highest = connection.execute(select(func.max(literal_column("rowid"))).select_from(table)).scalar()
            parts.append(f"{table.name}:{highest}")
    return blake2b(" ".join(parts).encode(), digest_size=20).hexdigest()


def snapshots_mark(connection: Connection) -> tuple[int, int | None]:
    """How many snapshots there are and the latest id: unchanged while nothing took or removed one."""
    count, latest = connection.execute(select(func.count(), func.max(snapshots.c.id))).one()
    return int(count), latest


def ledger_mark(connection: Connection) -> str | None:
    """The latest moment the escalation ledger recorded (last seen or resolved), as text."""
    seen = connection.execute(select(func.max(escalation_ledger.c.last_seen))).scalar()
    resolved = connection.execute(select(func.max(escalation_ledger.c.resolved_at))).scalar()
    latest = max((moment for moment in (seen, resolved) if moment is not None), default=None)
    return None if latest is None else latest.isoformat()


def stamp_open_escalations(connection: Connection, seen_at: datetime) -> None:
    """Record that a run at `seen_at` raised again exactly the open escalations: what `record_run`
    writes when the raised set equals the open set and nothing about them changed."""
    connection.execute(
        update(escalation_ledger).where(escalation_ledger.c.resolved_at.is_(None)).values(last_seen=seen_at)
    )


def read_sync_record(connection: Connection, root: str) -> str | None:
    """What the last sync of the strategy at `root` recorded about its snapshot, or None."""
    return connection.execute(select(sync_records.c.record).where(sync_records.c.repository == root)).scalar()


def write_sync_record(connection: Connection, root: str, record: str) -> None:
    """Replace the sync record of the strategy at `root`, in the caller's transaction."""
    connection.execute(delete(sync_records).where(sync_records.c.repository == root))
    connection.execute(insert(sync_records).values(repository=root, record=record, recorded_at=datetime.now(UTC)))
