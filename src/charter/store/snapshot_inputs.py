"""What the facts in the store look like now, in one digest, so that `charter sync` can tell whether
anything a snapshot reads changed since its last one; and where a sync keeps what its last snapshot
was taken from.

Every table is in one of three lists, and a test holds that each table is in exactly one, so a new
table has to be placed: the facts a snapshot reads, digested row by row (every column but the time
a repository was last looked at); the tables that only mining and linking write, whose rows are
summarised by the first list (a repository's refs, tags and commit count; a component's link
fingerprint) and are only counted; and the tables that are not facts (caches, snapshots, the
ledger, tokens, webhooks), which the sync checks in its own way or never reads.

A sync's record lives in `sync_records` (revision 0015), one row per strategy repository."""

from __future__ import annotations

from datetime import UTC, datetime
from hashlib import blake2b

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from charter.store.deployments import dbapi_rows
from charter.store.schema import (
    api_tokens,
    audit_log,
    check_results,
    commits,
    component_links,
    deployment_changes,
    deployment_lead_times,
    deployments,
    epss_scores,
    escalation_ledger,
    event_receipts,
    file_changes,
    finding_scans,
    finding_sightings,
    findings,
    git_head_files,
    git_refs,
    git_repositories,
    git_tags,
    incidents,
    kev_entries,
    metric_values,
    parse_cache,
    pull_requests,
    risk_states,
    scorecard_checks,
    server_secrets,
    sli_hourly,
    sli_samples,
    snapshots,
    sync_records,
    vex_statements,
    webhook_messages,
    webhook_outbox,
    webhook_subscriptions,
)

# Read row by row: any insert, update or delete changes the digest.
DIGESTED: tuple[Table, ...] = (
    git_repositories,
    git_refs,
    git_tags,
    component_links,
    deployments,
    pull_requests,
    incidents,
    sli_hourly,  # written with the minutes it rolls up (sli_samples), in the same transaction
    findings,
    finding_scans,
    finding_sightings,
    vex_statements,
    kev_entries,
    epss_scores,
    scorecard_checks,
)
# Written only with a change to a digested table's rows: a repository's commits, files and head
# files with its refs and commit count, a component's shipped changes with its link fingerprint.
COUNTED: tuple[Table, ...] = (
    commits,
    file_changes,
    git_head_files,
    deployment_changes,
    deployment_lead_times,
    sli_samples,
)
# Not facts a snapshot measures: caches, the snapshots themselves (a sync checks that none was
# added since its own), the escalation ledger (likewise), tokens and webhooks.
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
)
# When a repository was last looked at changes with every sync, and is no fact.
_NOT_DIGESTED = {(git_repositories.name, "mined_at")}


def facts_digest(connection: Connection) -> str:
    """One digest of every fact a snapshot reads: the digested tables' rows in key order, and the
    counted tables' row counts."""
    digest = blake2b(digest_size=20)
    for table in DIGESTED:
        columns = [column for column in table.columns if (table.name, column.name) not in _NOT_DIGESTED]
        digest.update(f"\x00{table.name}:{','.join(column.name for column in columns)}\x00".encode())
        query = select(*columns).order_by(*table.primary_key.columns)
        for rows in dbapi_rows(connection, query):
            digest.update(repr(rows).encode())
    for table in COUNTED:
        count = connection.execute(select(func.count()).select_from(table)).scalar_one()
        digest.update(f"\x00{table.name}:{count}".encode())
    return digest.hexdigest()


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
