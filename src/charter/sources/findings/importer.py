"""`charter import findings`, as a library call: read one scanner file (format detected or given),
map each finding to a component, deduplicate, and store the scans it reports and the VEX statements
it makes in one transaction: a file with any bad field imports nothing, and says where."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from charter.model.codes import diagnostic
from charter.model.diagnostics import Diagnostic, Location
from charter.model.file_formats import FindingFormat
from charter.model.finding import Finding
from charter.sources.findings.components import ComponentMatcher
from charter.sources.findings.fields import FieldError
from charter.sources.findings.formats import READERS, detect_format
from charter.sources.findings.identity import SEVERITY_RANK, scoped_key
from charter.sources.findings.jsonstream import ShapeError
from charter.sources.findings.scan import FileContents, Scan, TooManyErrors
from charter.sources.records import ERROR_CAP, ImportFileError, ImportReport
from charter.store.database import Store
from charter.store.findings import ScanWrite, replace_vex_statements, write_scan


@dataclass(frozen=True, slots=True)
class FindingImportOptions:
    """How to read and map files: the format (None: from the content), the repository the files come
    from (`--repo-name`), a component every finding belongs to (`--component`, as a reference), the
    scan time (None: the file's own, else now), and the catalog's matcher."""

    input_format: FindingFormat | None = None
    repository_name: str | None = None
    component: str | None = None
    scanned_at: datetime | None = None
    matcher: ComponentMatcher = field(default_factory=ComponentMatcher)
    now: datetime | None = None


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    scanner: str
    target: str
    scanned_at: datetime
    findings: int
    unmapped: int
    write: ScanWrite


@dataclass
class FindingImport:
    report: ImportReport
    input_format: FindingFormat | None = None
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


def import_findings(store: Store, path: Path, options: FindingImportOptions | None = None) -> FindingImport:
    """Read and store one file; its report holds every diagnostic, and nothing is written on error."""
    options = options or FindingImportOptions()
    result = FindingImport(ImportReport(str(path)))
    try:
        chosen = _format_of(path, options.input_format)
        result.input_format = chosen
        contents = READERS[chosen](path)
    except ImportFileError as error:
        result.report.diagnostics.append(error.diagnostic)
        return result
    except FieldError as error:
        result.report.diagnostics.append(error.diagnostic(path))
        return result
    except ShapeError as error:
        result.report.diagnostics.append(
            FieldError(error.json_path, f"must be {error.expected}, not a JSON {error.found}").diagnostic(path)
        )
        return result
    except TooManyErrors as error:
        result.report.diagnostics.extend(item.diagnostic(path) for item in error.errors)
        result.report.diagnostics.append(_stopped(path))
        return result
    if contents.errors:
        result.report.diagnostics.extend(item.diagnostic(path) for item in contents.errors)
        return result
    _store(store, path, contents, options, result)
    return result


def _format_of(path: Path, given: FindingFormat | None) -> FindingFormat:
    """The given format, unless the content plainly shows another; else the detected one."""
    if given is None:
        return detect_format(path)
    try:
        shown = detect_format(path)
    except ImportFileError:
        return given  # what `--input-format` is for
    compatible = {given, shown} <= {FindingFormat.CYCLONEDX, FindingFormat.CYCLONEDX_VEX}
    if shown != given and not compatible:
        raise ImportFileError(
            diagnostic("IMP030", f"{path} was given as {given}, but its content is {shown}", Location(str(path)))
        )
    return given


def _store(
    store: Store, path: Path, contents: FileContents, options: FindingImportOptions, result: FindingImport
) -> None:
    now = options.now or datetime.now(UTC)
    prepared = [_prepared(scan, path, options, now) for scan in contents.scans]
    with store.transaction() as connection:
        for scan, found in prepared:
            assert scan.scanned_at is not None
            written = write_scan(connection, scan.scanner, scan.target, scan.scanned_at, found, str(path))
            unmapped = sum(1 for finding in found if finding.component is None)
            result.scans.append(ScanOutcome(scan.scanner, scan.target, scan.scanned_at, len(found), unmapped, written))
        if contents.statements or options.input_format in (FindingFormat.OPENVEX, FindingFormat.CYCLONEDX_VEX):
            issued = (
                options.scanned_at or next((scan.scanned_at for scan, _ in prepared if scan.scanned_at), None) or now
            )
            result.statements = replace_vex_statements(connection, str(path.resolve()), contents.statements, issued)
    result.report.imported = result.findings
    for outcome in result.scans:
        if outcome.unmapped:
            result.report.diagnostics.append(_unmapped(path, outcome))
        if outcome.write.older:
            result.report.diagnostics.append(_older(path, outcome))


def _prepared(scan: Scan, path: Path, options: FindingImportOptions, now: datetime) -> tuple[Scan, list[Finding]]:
    """The scan with its target and time settled, and its findings mapped, keyed and deduplicated."""
    target = scan.target or options.repository_name or path.name
    scanned_at = options.scanned_at or scan.scanned_at or now
    repository = options.repository_name or scan.repository
    settled = Scan(scan.scanner, target, scanned_at, repository)
    unique: dict[str, Finding] = {}
    matcher = options.matcher
    for finding in scan.findings:
        component = options.component or matcher.component_of(finding, target, repository)
        keyed = _settled(finding, scoped_key(finding.key, component, target), target, component)
        earlier = unique.get(keyed.key)
        unique[keyed.key] = keyed if earlier is None else _merged(earlier, keyed)
    return settled, list(unique.values())


def _settled(finding: Finding, key: str, target: str, component: str | None) -> Finding:
    """The finding with its final key, target and component (dataclasses.replace costs several
    times more, at 200,000 findings)."""
    return Finding(
        key=key,
        scanner=finding.scanner,
        target=target,
        severity=finding.severity,
        title=finding.title,
        vulnerability_id=finding.vulnerability_id,
        aliases=finding.aliases,
        rule_id=finding.rule_id,
        package=finding.package,
        package_version=finding.package_version,
        purl=finding.purl,
        fixed_versions=finding.fixed_versions,
        cvss_vector=finding.cvss_vector,
        cvss_score=finding.cvss_score,
        path=finding.path,
        line=finding.line,
        component=component,
    )


def _merged(first: Finding, second: Finding) -> Finding:
    """Two findings of one file with one key (Grype's GHSA match and its CVE match): the higher
    severity, every alias, and what the first lacks from the second."""
    aliases = tuple(dict.fromkeys((*first.aliases, *second.aliases)))
    aliases = tuple(item for item in aliases if item != first.vulnerability_id)
    severity = min(first.severity, second.severity, key=SEVERITY_RANK.__getitem__)
    return replace(
        first,
        severity=severity,
        aliases=aliases,
        cvss_vector=first.cvss_vector or second.cvss_vector,
        cvss_score=first.cvss_score if first.cvss_vector else second.cvss_score,
        fixed_versions=first.fixed_versions or second.fixed_versions,
        purl=first.purl or second.purl,
    )


def _unmapped(path: Path, outcome: ScanOutcome) -> Diagnostic:
    return diagnostic(
        "IMP035",
        f"{outcome.unmapped} of {outcome.findings} findings of {outcome.scanner} on {outcome.target!r} map to no "
        "component; they are stored unmapped",
        Location(str(path)),
    )


def _older(path: Path, outcome: ScanOutcome) -> Diagnostic:
    return diagnostic(
        "IMP036",
        f"{outcome.scanner} on {outcome.target!r} at {outcome.scanned_at.isoformat()} is older than a scan already "
        "imported: it adds earlier sightings and closes nothing",
        Location(str(path)),
    )


def _stopped(path: Path) -> Diagnostic:
    return diagnostic(
        "IMP033",
        f"{path}: more bad fields follow; stopped reading after {ERROR_CAP}",
        Location(str(path)),
        hint="Fix the fields reported above and import the file again to see the rest.",
    )
