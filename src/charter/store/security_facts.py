"""KEV entries, EPSS scores and Scorecard checks in the store. The KEV catalog and the EPSS scores are
each replaced as a whole by an import (they are published whole, every day); a Scorecard result
replaces the checks of its repository. Every function takes the caller's connection; the caller
owns the transaction."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.engine import Connection

from charter.model.finding_columns import FindingColumns
from charter.model.security_facts import EpssScore, KevEntry, ScorecardCheck
from charter.store.deployments import dbapi_rows, stored_utc
from charter.store.schema import epss_scores, findings, kev_entries, scorecard_checks

# Bound parameters per statement stay below SQLite's and PostgreSQL's limits.
_IN_CHUNK = 500


def clear_kev_entries(connection: Connection) -> None:
    connection.execute(delete(kev_entries))


def write_kev_entries(connection: Connection, entries: Sequence[KevEntry]) -> int:
    """Insert entries (after `clear_kev_entries`); a CVE listed twice keeps its last entry."""
    rows = {
        entry.cve: {
            "cve": entry.cve,
            "vendor": entry.vendor,
            "product": entry.product,
            "name": entry.name,
            "date_added": entry.date_added,
            "due_date": entry.due_date,
            "known_ransomware": entry.known_ransomware,
        }
        for entry in entries
    }
    connection.execute(delete(kev_entries).where(kev_entries.c.cve.in_(list(rows))))
    return _insert(connection, kev_entries, list(rows.values()))


def clear_epss_scores(connection: Connection) -> None:
    connection.execute(delete(epss_scores))


def write_epss_scores(connection: Connection, scores: Sequence[EpssScore]) -> int:
    """Insert scores (after `clear_epss_scores`), one statement per batch."""
    rows = [
        {"cve": score.cve, "epss": score.epss, "percentile": score.percentile, "score_date": score.score_date}
        for score in scores
    ]
    return _insert(connection, epss_scores, rows)


def replace_scorecard_checks(connection: Connection, checks: Sequence[ScorecardCheck]) -> int:
    """The checks of each repository named replace the ones stored for it."""
    repositories = sorted({check.repository for check in checks})
    for chunk in _chunks(repositories):
        connection.execute(delete(scorecard_checks).where(scorecard_checks.c.repository.in_(chunk)))
    rows = {
        (check.repository, check.check): {
            "repository": check.repository,
            "check_name": check.check,
            "score": check.score,
            "reason": check.reason,
            "details": list(check.details),
            "scored_at": check.scored_at,
            "repo_commit": check.repo_commit,
        }
        for check in checks
    }
    return _insert(connection, scorecard_checks, list(rows.values()))


def read_kev_entries(connection: Connection, cves: Collection[str] | None = None) -> dict[str, KevEntry]:
    """The KEV entries of these CVEs (all when None), by CVE."""
    query = select(kev_entries)
    rows = _rows_for(connection, query, kev_entries.c.cve, cves)
    return {
        row.cve: KevEntry(
            row.cve, row.vendor, row.product, row.name, row.date_added, row.due_date, bool(row.known_ransomware)
        )
        for row in rows
    }


def read_epss_scores(connection: Connection, cves: Collection[str] | None = None) -> dict[str, EpssScore]:
    """The EPSS scores of these CVEs (all when None), by CVE."""
    rows = _rows_for(connection, select(epss_scores), epss_scores.c.cve, cves)
    return {row.cve: EpssScore(row.cve, row.epss, row.percentile, row.score_date) for row in rows}


def count_epss_scores(connection: Connection) -> int:
    return int(connection.execute(select(func.count()).select_from(epss_scores)).scalar_one())


def read_scorecard_checks(connection: Connection) -> list[ScorecardCheck]:
    """Every stored check, by repository and check name."""
    query = select(scorecard_checks).order_by(scorecard_checks.c.repository, scorecard_checks.c.check_name)
    return [
        ScorecardCheck(
            row.repository,
            row.check_name,
            row.score,
            row.reason,
            row.scored_at,
            tuple(str(item) for item in row.details or ()),
            row.repo_commit,
        )
        for row in connection.execute(query)
    ]


def _rows_for(connection: Connection, query: Any, key: Any, values: Collection[str] | None) -> list[Any]:
    if values is None:
        return list(connection.execute(query))
    return [row for chunk in _chunks(sorted(set(values))) for row in connection.execute(query.where(key.in_(chunk)))]


def _insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> int:
    if rows:
        connection.execute(insert(table), rows)
    return len(rows)


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


# Open findings as columns ------------------------------------------------------------------------


def read_open_finding_columns(connection: Connection) -> FindingColumns:
    """The open findings (not closed on every target they were seen on, not suppressed by a VEX
    statement) as columns, with the lifecycle `charter import findings` settles on each finding at
    every import (first seen: the earliest sighting; open while any sighting is). One scan straight
    from the DB-API cursor: `charter security` over 200,000 findings builds no object per finding.
    VEX statements are asked only about the findings they name."""
    from charter.sources.findings.suppression import Suppressions
    from charter.store.findings import read_vex_statements

    columns = findings.c
    query = select(
        columns.id,
        columns.key,
        columns.scanner,
        columns.target,
        columns.severity,
        columns.vulnerability_id,
        columns.aliases,
        columns.package,
        columns.package_version,
        columns.purl,
        columns.cvss_vector,
        columns.component,
        columns.first_seen,
    ).where(columns.closed_at.is_(None))
    rows = [row for batch in dbapi_rows(connection, query) for row in batch]
    found = _columns(rows)
    statements = read_vex_statements(connection)
    if not statements or not rows:
        return found
    suppressions = Suppressions(statements)
    named = {statement.vulnerability_id.upper() for statement, _issued in statements}
    kept = [
        index
        for index, row in enumerate(rows)
        if not _possibly_named(row, named) or suppressions.suppressing(found.finding(index)) is None
    ]
    return found if len(kept) == len(rows) else _columns([rows[index] for index in kept])


def _columns(rows: Sequence[Sequence[Any]]) -> FindingColumns:
    if not rows:
        return FindingColumns([], [], [], [], [], [], [], [], [], [], [], np.zeros(0, dtype=np.float64))
    fields: list[list[Any]] = [list(column) for column in zip(*rows, strict=True)]
    (
        _ids,
        keys,
        scanners,
        targets,
        severities,
        vulnerabilities,
        aliases,
        packages,
        versions,
        purls,
        vectors,
        components,
        first_seen,
    ) = fields
    return FindingColumns(
        keys,
        scanners,
        targets,
        severities,
        vulnerabilities,
        aliases,
        packages,
        versions,
        purls,
        vectors,
        components,
        _epoch_seconds(first_seen),
    )


def _epoch_seconds(values: list[Any]) -> npt.NDArray[np.float64]:
    """Seconds since the epoch of a timestamp column's raw values: SQLite's UTC text
    (`2026-01-01 08:00:00.000000`), or the aware datetimes PostgreSQL's driver gives."""
    if values and isinstance(values[0], str):
        moments = np.array(values, dtype="datetime64[us]")
        return moments.astype(np.int64).astype(np.float64) / 1e6
    return np.array([stored_utc(value).timestamp() for value in values], dtype=np.float64)


def _possibly_named(row: Sequence[Any], named: set[str]) -> bool:
    """Whether a VEX statement may name the row: its vulnerability id, or one of its aliases."""
    vulnerability, aliases = row[5], str(row[6] or "[]")
    if vulnerability is not None and str(vulnerability).upper() in named:
        return True
    return aliases != "[]" and any(name in aliases.upper() for name in named)
