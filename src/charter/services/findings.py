"""The findings of the store as every report sees them: the lifecycle the imports settled, and the
VEX statements applied, so that a finding a statement suppresses is not open. The store reads
rows; which statement suppresses which finding is the VEX reader's rule (`Suppressions`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.engine import Connection

from charter.model.finding import Finding
from charter.model.finding_columns import FindingColumns
from charter.sources.findings.suppression import Suppressions
from charter.store.findings import read_scanned_findings, read_vex_statements
from charter.store.security_facts import read_unclosed_finding_columns


def read_findings(connection: Connection, *, open_only: bool = True) -> list[Finding]:
    """Every finding with its lifecycle and the VEX statement that suppresses it, if any; with
    `open_only`, only findings neither closed nor suppressed. Ordered by severity, then component
    and key."""
    suppressions = Suppressions(read_vex_statements(connection))
    found = []
    for finding in read_scanned_findings(connection, unclosed_only=open_only):
        statement = suppressions.suppressing(finding)
        if statement is None:
            found.append(finding)
        elif not open_only:
            found.append(replace(finding, suppressed_by=statement))
    return found


def read_open_finding_columns(connection: Connection, open_at: datetime | None = None) -> FindingColumns:
    """The open findings (not closed, or with `open_at` not closed by then; not suppressed by a VEX
    statement) as columns. VEX statements are asked only about the findings they may name, whose
    details alone are read for it. The columns read the other findings' details through
    `connection` as a report lists them: keep it open until the report is made."""
    columns = read_unclosed_finding_columns(connection, open_at)
    statements = read_vex_statements(connection)
    if not statements or not len(columns):
        return columns
    suppressions = Suppressions(statements)
    named = {statement.vulnerability_id.upper() for statement, _issued in statements}
    candidates = [row for row in range(len(columns)) if _possibly_named(columns, row, named)]
    columns.fetch_details(candidates)
    suppressed = {row for row in candidates if suppressions.suppressing(columns.finding(row)) is not None}
    if not suppressed:
        return columns
    return columns.take([row for row in range(len(columns)) if row not in suppressed])


def _possibly_named(columns: FindingColumns, row: int, named: set[str]) -> bool:
    """Whether a VEX statement may name the row: its vulnerability id, or one of its aliases (read
    as the JSON text they are stored as)."""
    vulnerability = columns.vulnerability_ids[row]
    if vulnerability is not None and vulnerability.upper() in named:
        return True
    aliases = columns.aliases[row]
    return aliases is not None and any(name in aliases.upper() for name in named)
