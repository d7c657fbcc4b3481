"""KEV entries, EPSS scores and Scorecard checks in the store. The KEV catalog and the EPSS scores are
each replaced as a whole by an import (they are published whole, every day); a Scorecard result
replaces the checks of its repository. Every function takes the caller's connection; the caller
owns the transaction."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Double, Table, cast, delete, extract, func, insert, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from charter.model.finding_columns import DetailsLoader, FindingColumns, FindingDetails
from charter.model.security_facts import EpssScore, KevEntry, ScorecardCheck
from charter.store.deployments import dbapi_rows, stored_utc
from charter.store.schema import epss_scores, findings, kev_entries, scorecard_checks

CVE_PREFIX = "CVE-"  # KEV and EPSS know vulnerabilities by CVE id only
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


def read_kev_entries(
    connection: Connection, cves: Collection[str] | None = None, where: ColumnElement[bool] | None = None
) -> dict[str, KevEntry]:
    """The KEV entries of these CVEs (all when None) that meet `where`, by CVE."""
    query = select(kev_entries) if where is None else select(kev_entries).where(where)
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


def read_finding_cve_facts(connection: Connection) -> tuple[dict[str, KevEntry], dict[str, EpssScore]]:
    """The KEV entries and EPSS scores of every vulnerability id the stored findings name (open or
    closed: a few more than the open findings need), by CVE. One query each, the findings' ids read
    from their index: no list of CVEs is sent."""
    named = select(findings.c.vulnerability_id).where(findings.c.vulnerability_id.is_not(None)).distinct()
    kev = read_kev_entries(connection, None, kev_entries.c.cve.in_(named))
    query = select(epss_scores.c.cve, epss_scores.c.epss, epss_scores.c.percentile, epss_scores.c.score_date)
    epss = {
        cve: EpssScore(cve, score, percentile, day)
        for cve, score, percentile, day in connection.execute(query.where(epss_scores.c.cve.in_(named)))
        if cve.startswith(CVE_PREFIX)
    }
    return {cve: entry for cve, entry in kev.items() if cve.startswith(CVE_PREFIX)}, epss


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


def read_unclosed_finding_columns(connection: Connection, open_at: datetime | None = None) -> FindingColumns:
    """The findings not closed on every target they were seen on (with `open_at`, not closed by then:
    a finding closed since was open at a past moment), as columns, with the lifecycle
    `charter import findings` settles on each finding at every import (first seen: the earliest
    sighting; open while any sighting is); no VEX statement applied. One scan straight from the
    DB-API cursor of the columns the assessment reads: `charter security` over 200,000 findings
    builds no object per finding. The columns' details (scanner, target, package...) are read
    through `connection` when a report lists the finding, so it must stay open until then."""
    columns = findings.c
    query = select(
        columns.id,
        columns.key,
        columns.severity,
        columns.vulnerability_id,
        func.nullif(columns.aliases, "[]"),  # most findings have none: None costs nothing to fetch
        columns.cvss_vector,
        columns.component,
        _epoch_column(connection, columns.first_seen),
    ).where(
        columns.closed_at.is_(None)
        if open_at is None
        else or_(columns.closed_at.is_(None), columns.closed_at > open_at)
    )
    rows = [row for batch in dbapi_rows(connection, query) for row in batch]
    return _columns(rows, lambda ids: read_finding_details(connection, ids))


def read_finding_details(connection: Connection, ids: Sequence[str]) -> dict[str, FindingDetails]:
    """Scanner, target, package, version and purl of the findings with these ids, by id."""
    columns = findings.c
    query = select(columns.id, columns.scanner, columns.target, columns.package, columns.package_version, columns.purl)
    return {
        row[0]: FindingDetails(row[1], row[2], row[3], row[4], row[5])
        for chunk in _chunks(sorted(set(ids)))
        for row in connection.execute(query.where(columns.id.in_(chunk)))
    }


def _columns(rows: Sequence[Sequence[Any]], load_details: DetailsLoader) -> FindingColumns:
    ids, keys, severities, vulnerabilities, aliases, vectors, components, first_seen = (
        list(map(itemgetter(position), rows)) for position in range(8)
    )
    return FindingColumns(
        ids, keys, severities, vulnerabilities, aliases, vectors, components, _epoch_seconds(first_seen), load_details
    )


def _epoch_column(connection: Connection, column: ColumnElement[Any]) -> ColumnElement[Any]:
    """A timestamp column as `_epoch_seconds` reads it fastest: SQLite's UTC text as stored (NumPy
    parses it), PostgreSQL's seconds since the epoch as a double (exactly `datetime.timestamp()`:
    the exact decimal rounded once), not one datetime object per row."""
    if connection.dialect.name == "postgresql":
        return cast(extract("epoch", column), Double)
    return column


def _epoch_seconds(values: list[Any]) -> npt.NDArray[np.float64]:
    """Seconds since the epoch of a timestamp column's values as `_epoch_column` selects them:
    SQLite's UTC text (`2026-01-01 08:00:00.000000`), or seconds; other drivers' aware datetimes."""
    if values and isinstance(values[0], str):
        moments = np.array(values, dtype="datetime64[us]")
        return moments.astype(np.int64).astype(np.float64) / 1e6
    if values and isinstance(values[0], datetime):
        return np.array([stored_utc(value).timestamp() for value in values], dtype=np.float64)
    return np.array(values, dtype=np.float64)
