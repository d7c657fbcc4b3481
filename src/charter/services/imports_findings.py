"""`charter import findings`: scanner results and VEX documents, each file in its own transaction.
Findings are deduplicated across scanners; a finding that a later scan of the same scanner and
target lacks is closed; a file with a bad field writes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from charter.model.errors import UsageError
from charter.services.context import Context
from charter.services.imports import FileImport, ImportOutcome, ImportReport, import_each
from charter.sources.findings.components import ComponentMatcher, forced_component
from charter.sources.findings.importer import FindingImportOptions, older_scan, read_scanner_file, unmapped_findings
from charter.sources.limits import ANY_TIME
from charter.sources.records import parse_timestamp
from charter.store.database import Store
from charter.store.findings import ScanWrite, replace_vex_statements, write_scan


@dataclass(frozen=True, slots=True)
class FindingImportRequest:
    """The files to import; their format (None: told from the content); the repository they were
    produced in; the component every finding belongs to; when the scan ran (ISO 8601 text; None:
    the file's own time, else now)."""

    files: tuple[Path, ...]
    input_format: str | None = None
    repository_name: str | None = None
    component: str | None = None
    scanned_at: str | None = None


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """One scan of a file as stored: its findings, how many map to no component, and what writing it changed."""

    scanner: str
    target: str
    scanned_at: datetime
    findings: int
    unmapped: int
    write: ScanWrite


@dataclass
class FindingImport:
    """What importing one scanner file did."""

    report: ImportReport
    input_format: str | None = None
    scans: list[ScanOutcome] = field(default_factory=list)
    statements: int = 0

    @property
    def findings(self) -> int:
        return sum(scan.findings for scan in self.scans)

    @property
    def unmapped(self) -> int:
        return sum(scan.unmapped for scan in self.scans)

    @property
    def closed(self) -> int:
        return sum(scan.write.closed for scan in self.scans)

    @property
    def new(self) -> int:
        return sum(scan.write.new for scan in self.scans)

    @property
    def what(self) -> str:
        """`findings (12 new, 3 closed, 2 unmapped) and 1 VEX statement`."""
        parts = [f"{self.new} new", f"{self.closed} closed"]
        if self.unmapped:
            parts.append(f"{self.unmapped} unmapped")
        what = f"findings ({', '.join(parts)})"
        if self.statements:
            what += f" and {self.statements} VEX {'statement' if self.statements == 1 else 'statements'}"
        return what


def import_finding_files(context: Context, request: FindingImportRequest) -> ImportOutcome:
    """Import scanner files, mapping findings to the catalog's components. UsageError when
    `component` or `scanned_at` cannot be used."""
    forced = None
    if request.component is not None:
        try:
            forced = forced_component(request.component)
        except ValueError as error:
            raise UsageError(f"--component: {error}") from None
    moment: datetime | None = None
    if request.scanned_at is not None:
        try:
            moment = parse_timestamp(request.scanned_at)
        except (ValueError, OverflowError):
            raise UsageError(
                f"--scanned-at {request.scanned_at!r} is not an ISO 8601 time, such as 2026-05-01T14:30:00Z"
            ) from None
        problem = ANY_TIME.problem(moment, context.clock())
        if problem is not None:
            raise UsageError(f"--scanned-at: {problem}; give the time the scan ran")
    matcher = ComponentMatcher.from_estate(context.estate)
    if forced is not None and not matcher.known(forced):
        raise UsageError(f"--component: {request.component!r} is not a component of the catalog")
    options = FindingImportOptions(
        request.input_format, request.repository_name, forced, moment, matcher, now=context.clock()
    )

    def one(store: Store, path: Path) -> FileImport:
        result = import_findings(store, path, options)
        return FileImport(result.report, result.what)

    return import_each(context, request.files, one)


def import_findings(store: Store, path: Path, options: FindingImportOptions | None = None) -> FindingImport:
    """Read one file and store its scans and VEX statements in one transaction; its report holds
    every diagnostic, and nothing is written on error."""
    found = read_scanner_file(path, options)
    result = FindingImport(ImportReport(str(path), diagnostics=list(found.diagnostics)), found.input_format)
    if found.diagnostics:
        return result
    with store.transaction() as connection:
        for scan, findings in found.scans:
            assert scan.scanned_at is not None
            written = write_scan(connection, scan.scanner, scan.target, scan.scanned_at, findings, str(path))
            unmapped = sum(1 for finding in findings if finding.component is None)
            result.scans.append(
                ScanOutcome(scan.scanner, scan.target, scan.scanned_at, len(findings), unmapped, written)
            )
            if unmapped:
                result.report.diagnostics.append(unmapped_findings(path, scan, len(findings), unmapped))
            if written.older:
                result.report.diagnostics.append(older_scan(path, scan, scan.scanned_at))
        if found.vex_issued is not None:
            result.statements = replace_vex_statements(
                connection, str(path.resolve()), found.statements, found.vex_issued
            )
    result.report.imported = result.findings
    return result
