"""Security findings in the store: write one scan (a scanner's findings on one target) with its
lifecycle (first seen kept, findings the scan no longer has closed, returning ones reopened), write
VEX statements, and read findings back with their lifecycle and VEX suppression applied. Every
function takes the caller's connection; the caller owns the transaction. Writes are executemany in
batches, and the lifecycle is set-based SQL, never one statement per finding."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import case, delete, insert, select, update
from sqlalchemy.engine import Connection

from charter.model.finding import SEVERITY_ORDER, Finding, VexState, VexStatement
from charter.store.deployments import dbapi_rows, stored_utc
from charter.store.schema import finding_scans, finding_sightings, findings, vex_statements

_BATCH = 2000


@dataclass(frozen=True, slots=True)
class ScanWrite:
    """What writing one scan changed: findings seen for the first time on this target, seen again,
    reopened (closed before, back now), and closed (no longer reported); `older` when a later scan of
    the same scanner and target was already stored, so nothing was closed."""

    new: int
    seen_again: int
    reopened: int
    closed: int
    older: bool


def finding_id(finding: Finding) -> str:
    """The row id of a finding: 8 hex digits of its component (or target) and 24 of its key. Keys
    can be long, and ids are fixed-width; an import's findings, all of one target, get neighbouring
    ids, so writing them touches few index pages instead of one per finding."""
    scope = finding.component if finding.component is not None else finding.target
    return _scope_digest(scope) + hashlib.blake2b(finding.key.encode("utf-8"), digest_size=12).hexdigest()


@lru_cache(maxsize=4096)
def _scope_digest(scope: str) -> str:
    return hashlib.blake2b(scope.encode("utf-8"), digest_size=4).hexdigest()


def write_scan(
    connection: Connection,
    scanner: str,
    target: str,
    scanned_at: datetime,
    found: Sequence[Finding],
    source: str,
) -> ScanWrite:
    """Store one scan of `target` by `scanner` at `scanned_at`: the findings (deduplicated by key
    beforehand) upserted, their sightings on this target updated, and every sighting this scan lacks
    closed at `scanned_at`. A scan older than one already stored moves first sightings back and
    closes nothing itself: what it has and the later scan lacks is closed at the later scan's time."""
    scan_id, latest = _scan_row(connection, scanner, target, scanned_at, source)
    older = latest is not None and scanned_at < latest
    by_id = {finding_id(finding): finding for finding in found}  # one row per id: the last wins
    ids = list(by_id)
    before = _sightings_of(connection, scan_id)
    moment = _bound_time(connection, scanned_at)
    rows = [_finding_row(finding, identifier, moment) for identifier, finding in by_id.items()]
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        _copy_and_upsert(connection, rows, scan_id, scanned_at)
    else:
        _upsert_findings(connection, rows)
        _upsert_sightings(connection, scan_id, ids, scanned_at)
    # Closed at the latest scan of this scanner and target that lacks them: this one, or for an
    # older scan, the later one already stored (which lacked whatever this one adds).
    cutoff = latest if older and latest is not None else scanned_at
    closed = connection.execute(
        update(finding_sightings)
        .where(
            finding_sightings.c.scan_id == scan_id,
            finding_sightings.c.closed_at.is_(None),
            finding_sightings.c.last_seen < cutoff,
        )
        .values(closed_at=cutoff)
    ).rowcount
    _settle_lifecycle(connection, scan_id, scanned_at, cutoff)
    new = sum(1 for identifier in ids if identifier not in before)
    reopened = sum(
        1 for identifier in ids if (closed_at := before.get(identifier)) is not None and scanned_at >= closed_at
    )
    return ScanWrite(new, len(ids) - new, 0 if older else reopened, 0 if older else closed, older)


def _scan_row(
    connection: Connection, scanner: str, target: str, scanned_at: datetime, source: str
) -> tuple[int, datetime | None]:
    """The scan's id and the time of the latest scan stored before this one (None: first scan)."""
    query = select(finding_scans.c.id, finding_scans.c.last_scanned_at).where(
        finding_scans.c.scanner == scanner, finding_scans.c.target == target
    )
    row = connection.execute(query).first()
    if row is None:
        inserted = connection.execute(
            insert(finding_scans).values(
                scanner=scanner, target=target, first_scanned_at=scanned_at, last_scanned_at=scanned_at, source=source
            )
        )
        key = inserted.inserted_primary_key
        assert key is not None
        return int(key[0]), None
    scan_id, latest = int(row.id), row.last_scanned_at
    values: dict[str, Any]
    if scanned_at >= latest:
        values = {"last_scanned_at": scanned_at, "source": source}
    else:
        first = finding_scans.c.first_scanned_at
        values = {"first_scanned_at": case((first > scanned_at, scanned_at), else_=first)}
    connection.execute(update(finding_scans).where(finding_scans.c.id == scan_id).values(**values))
    return scan_id, latest


def _sightings_of(connection: Connection, scan_id: int) -> dict[str, datetime | None]:
    query = select(finding_sightings.c.finding_id, finding_sightings.c.closed_at).where(
        finding_sightings.c.scan_id == scan_id
    )
    return {row.finding_id: row.closed_at for row in connection.execute(query)}


_FINDING_COLUMNS = tuple(column.name for column in findings.columns)
_RANK = "CASE {} " + " ".join(f"WHEN '{name}' THEN {rank}" for rank, name in enumerate(SEVERITY_ORDER)) + " ELSE 9 END"
# Kept as first written (identity), decided by rank (severity), or settled from sightings (lifecycle).
_KEPT_ON_UPDATE = frozenset(
    {"id", "key", "scanner", "target", "component", "severity", "first_seen", "last_seen", "closed_at"}
)
# Scanners disagree on severity: the highest any of them gives is kept; other attributes are the
# latest scan's, where it gives them. Plain SQL that SQLite (3.24+) and PostgreSQL both read.
_UPSERT_FINDINGS = (
    f"INSERT INTO findings ({', '.join(_FINDING_COLUMNS)}) {{values}} "
    "ON CONFLICT (id) DO UPDATE SET "
    f"severity = CASE WHEN {_RANK.format('excluded.severity')} < {_RANK.format('findings.severity')} "
    "THEN excluded.severity ELSE findings.severity END, "
    + ", ".join(
        f"{name} = COALESCE(excluded.{name}, findings.{name})"
        for name in _FINDING_COLUMNS
        if name not in _KEPT_ON_UPDATE
    )
)
_UPSERT_SIGHTINGS = (
    "INSERT INTO finding_sightings (scan_id, finding_id, first_seen, last_seen, closed_at) {values} "
    "ON CONFLICT (scan_id, finding_id) DO UPDATE SET "
    "first_seen = CASE WHEN excluded.first_seen < finding_sightings.first_seen "
    "THEN excluded.first_seen ELSE finding_sightings.first_seen END, "
    "last_seen = CASE WHEN excluded.last_seen > finding_sightings.last_seen "
    "THEN excluded.last_seen ELSE finding_sightings.last_seen END, "
    # Back in a scan at or after the one that closed it: open again. An older scan changes nothing.
    "closed_at = CASE WHEN finding_sightings.closed_at IS NOT NULL "
    "AND excluded.last_seen >= finding_sightings.closed_at THEN NULL ELSE finding_sightings.closed_at END"
)


def _upsert_findings(connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Executemany of plain SQL over tuples: SQLAlchemy's per-row parameter processing would cost
    more than the database's work at 200,000 findings."""
    placeholder = _placeholder(connection)
    statement = _UPSERT_FINDINGS.format(values=f"VALUES ({', '.join([placeholder] * len(_FINDING_COLUMNS))})")
    for start in range(0, len(rows), _BATCH):
        connection.exec_driver_sql(statement, rows[start : start + _BATCH])


def _upsert_sightings(connection: Connection, scan_id: int, ids: Sequence[str], scanned_at: datetime) -> None:
    placeholder = _placeholder(connection)
    statement = _UPSERT_SIGHTINGS.format(
        values=f"VALUES ({placeholder}, {placeholder}, {placeholder}, {placeholder}, NULL)"
    )
    moment = _bound_time(connection, scanned_at)
    rows = [(scan_id, identifier, moment, moment) for identifier in ids]
    for start in range(0, len(rows), _BATCH):
        connection.exec_driver_sql(statement, rows[start : start + _BATCH])


_STAGE = "finding_stage"
_SETTLE_LIFECYCLE = (
    "UPDATE findings SET "
    "first_seen = (SELECT MIN(s.first_seen) FROM finding_sightings s WHERE s.finding_id = findings.id), "
    "last_seen = (SELECT MAX(s.last_seen) FROM finding_sightings s WHERE s.finding_id = findings.id), "
    "closed_at = (SELECT CASE WHEN COUNT(*) = COUNT(s.closed_at) THEN MAX(s.closed_at) END "
    "FROM finding_sightings s WHERE s.finding_id = findings.id) "
    "WHERE id IN (SELECT finding_id FROM finding_sightings WHERE scan_id = {placeholder} "
    "AND (first_seen = {placeholder} OR last_seen = {placeholder} OR closed_at = {placeholder}))"
)


def _settle_lifecycle(connection: Connection, scan_id: int, scanned_at: datetime, cutoff: datetime) -> None:
    """Every finding whose sighting on this target the scan changed (first or last seen at
    `scanned_at`, closed at `cutoff`) gets its lifecycle over all its sightings: first seen the
    earliest, last seen the latest, closed (at the latest closure) only when every sighting is
    closed. Set-based, through the sightings' finding_id index; old closed sightings are left alone."""
    seen, closed = _bound_time(connection, scanned_at), _bound_time(connection, cutoff)
    statement = _SETTLE_LIFECYCLE.format(placeholder=_placeholder(connection))
    connection.exec_driver_sql(statement, (scan_id, seen, seen, closed))


def _copy_and_upsert(
    connection: Connection, rows: Sequence[tuple[Any, ...]], scan_id: int, scanned_at: datetime
) -> None:
    """PostgreSQL: COPY the rows into a session-local staging table, then upsert findings and
    sightings from it with two set-based statements."""
    connection.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} (LIKE findings) ON COMMIT DELETE ROWS")
    connection.exec_driver_sql(f"TRUNCATE {_STAGE}")  # a file with several scans stages each in turn
    driver_connection: Any = connection.connection.driver_connection
    with (
        driver_connection.cursor() as cursor,
        cursor.copy(f"COPY {_STAGE} ({', '.join(_FINDING_COLUMNS)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    connection.exec_driver_sql(_UPSERT_FINDINGS.format(values=f"SELECT {', '.join(_FINDING_COLUMNS)} FROM {_STAGE}"))
    connection.exec_driver_sql(
        _UPSERT_SIGHTINGS.format(
            values=f"SELECT %s::integer, id, %s::timestamptz, %s::timestamptz, NULL::timestamptz FROM {_STAGE}"
        ),
        (scan_id, scanned_at, scanned_at),
    )


def _placeholder(connection: Connection) -> str:
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def _bound_time(connection: Connection, moment: datetime) -> Any:
    """The time as the driver gets it for a UtcDateTime column (SQLite: SQLAlchemy's text)."""
    if connection.dialect.name != "sqlite":
        return moment
    column_type = finding_sightings.c.first_seen.type
    process = column_type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    return process(moment) if process is not None else moment


def _finding_row(finding: Finding, identifier: str, seen: Any) -> tuple[Any, ...]:
    """The finding's values in _FINDING_COLUMNS order, first and last seen `seen` (as bound)."""
    return (
        identifier,
        finding.key,
        finding.scanner,
        finding.target,
        finding.severity,
        finding.title,
        finding.vulnerability_id,
        _json_list(finding.aliases),
        finding.rule_id,
        finding.package,
        finding.package_version,
        finding.purl,
        _json_list(finding.fixed_versions),
        finding.cvss_vector,
        finding.cvss_score,
        finding.path,
        finding.line,
        finding.component,
        seen,
        seen,
        None,
    )


def _json_list(items: tuple[str, ...]) -> str:
    """Ids and versions as a JSON array (`[]` when none, which reads back without parsing)."""
    return json.dumps(list(items)) if items else "[]"


# VEX statements ----------------------------------------------------------------------------------


def replace_vex_statements(
    connection: Connection, source: str, statements: Iterable[VexStatement], issued_at: datetime
) -> int:
    """Make the statements of `source` (a VEX document) exactly these; returns how many."""
    connection.execute(delete(vex_statements).where(vex_statements.c.source == source))
    rows = [
        {
            "source": source,
            "vulnerability_id": statement.vulnerability_id,
            "state": statement.state,
            "justification": statement.justification,
            "detail": statement.detail,
            "product": statement.product,
            "issued_at": issued_at,
        }
        for statement in statements
    ]
    for start in range(0, len(rows), _BATCH):
        connection.execute(insert(vex_statements), rows[start : start + _BATCH])
    return len(rows)


def read_vex_statements(connection: Connection) -> list[tuple[VexStatement, datetime]]:
    """Every statement with the time it was issued, oldest first."""
    query = select(vex_statements).order_by(vex_statements.c.issued_at, vex_statements.c.id)
    return [
        (
            VexStatement(
                row.vulnerability_id,
                _vex_state(row.state),
                row.justification,
                row.detail,
                row.product,
                row.source,
            ),
            row.issued_at,
        )
        for row in connection.execute(query)
    ]


def _vex_state(text: str) -> VexState:
    states: dict[str, VexState] = {
        "not_affected": "not_affected",
        "false_positive": "false_positive",
        "resolved": "resolved",
        "affected": "affected",
        "under_investigation": "under_investigation",
    }
    return states[text]


# Reading findings --------------------------------------------------------------------------------


def read_scanned_findings(connection: Connection, *, unclosed_only: bool = True) -> list[Finding]:
    """Every finding with its lifecycle over all the targets it was seen on (first seen the earliest
    sighting, closed only when every sighting is closed, at the latest closure), as its scans left
    it: no VEX statement applied (`read_vex_statements` gives them to the caller). With
    `unclosed_only`, only findings not closed. Ordered by severity, then component and key. Read
    straight from the driver: 200,000 findings in a second or two."""
    query = select(*(findings.c[name] for name in _FINDING_COLUMNS))
    if unclosed_only:
        query = query.where(findings.c.closed_at.is_(None))
    found = [_finding(row) for rows in dbapi_rows(connection, query) for row in rows]
    rank = {name: index for index, name in enumerate(SEVERITY_ORDER)}
    found.sort(key=lambda item: (rank[item.severity], item.component or "", item.key))
    return found


def _finding(row: Sequence[Any]) -> Finding:
    """A row of _FINDING_COLUMNS, as the driver gives it."""
    (
        _identifier,
        key,
        scanner,
        target,
        severity,
        title,
        vulnerability_id,
        aliases,
        rule_id,
        package,
        package_version,
        purl,
        fixed_versions,
        cvss_vector,
        cvss_score,
        path,
        line,
        component,
        first_seen,
        last_seen,
        closed_at,
    ) = row
    return Finding(
        key=key,
        scanner=scanner,
        target=target,
        severity=severity,
        title=title,
        vulnerability_id=vulnerability_id,
        aliases=_listed(aliases),
        rule_id=rule_id,
        package=package,
        package_version=package_version,
        purl=purl,
        fixed_versions=_listed(fixed_versions),
        cvss_vector=cvss_vector,
        cvss_score=cvss_score,
        path=path,
        line=line,
        component=component,
        first_seen=_stored_utc(first_seen),
        last_seen=_stored_utc(last_seen),
        closed_at=None if closed_at is None else _stored_utc(closed_at),
    )


def _listed(text: str) -> tuple[str, ...]:
    return () if text == "[]" else tuple(json.loads(text))


# Findings of one scan share their times: each stored time is converted once.
_stored_utc = lru_cache(maxsize=8192)(stored_utc)
