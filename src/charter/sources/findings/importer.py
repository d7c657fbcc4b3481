"""Reading one scanner file for `charter import findings`: its format (detected or given), its scans
with their targets and times settled, each finding mapped to a component and deduplicated, and the
VEX statements it makes; or the diagnostics that say why it cannot be imported. The import service
(`charter.services.imports_findings`) stores it in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.file_formats import FindingFormat
from charter.model.finding import Finding, VexStatement
from charter.sources.findings.components import ComponentMatcher
from charter.sources.findings.fields import CODES as FIELD_CODES
from charter.sources.findings.fields import FieldError
from charter.sources.findings.formats import CODES as FORMAT_CODES
from charter.sources.findings.formats import detect_format, reader_of
from charter.sources.findings.identity import SEVERITY_RANK, scoped_key
from charter.sources.findings.jsonstream import ShapeError
from charter.sources.findings.scan import FileContents, Scan, TooManyErrors
from charter.sources.records import ERROR_CAP, ImportFileError

CODES = Codes(
    Rule(
        "IMP035",
        "Findings mapped to no component",
        Severity.WARNING,
        rationale="A finding on no component has no owner and no tier: it counts in no team's numbers.",
        fix=(
            "Annotate the component with `charter.dev/images` (image globs), `charter.dev/purl` or "
            "`charter.dev/repo`, or pass `--component` or `--repository` on import."
        ),
        example="""\
$ charter import findings facts/scans/tools-trivy.json
# its image tools:2.1 matches no component's charter.dev/images, and no --component is given
""",
    ),
    Rule(
        "IMP036",
        "Scan older than one already imported",
        Severity.INFO,
        rationale="An older scan of the same scanner and target adds first sightings but closes nothing.",
        fix="Nothing to do; import scans in the order they ran to see closures.",
        example="""\
$ charter import findings scans/payments-2026-11-01.json
$ charter import findings scans/payments-2026-10-01.json     # an older scan of the same target
""",
    ),
    uses=(FORMAT_CODES["IMP030"], FIELD_CODES["IMP033"]),
)
diagnostic = CODES.diagnostic


@dataclass(frozen=True, slots=True)
class FindingImportOptions:
    """How to read and map files: the format (None: from the content), the repository the files come
    from (`--repository`), a component every finding belongs to (`--component`, as a reference), the
    scan time (None: the file's own, else now), and the catalog's matcher."""

    input_format: str | None = None  # a scanner format's name (`FindingFormat`)
    repository_name: str | None = None
    component: str | None = None
    scanned_at: datetime | None = None
    matcher: ComponentMatcher = field(default_factory=ComponentMatcher)
    now: datetime | None = None


@dataclass(frozen=True, slots=True)
class ScannerFile:
    """One scanner file read for import: its format, its scans (target and time settled), each with
    its findings mapped and deduplicated, and its VEX statements with the time they were issued (None:
    the file is not a VEX document and makes none, so the stored ones stay). When the file cannot be
    imported, `diagnostics` says why and nothing else is read."""

    input_format: str | None = None
    scans: tuple[tuple[Scan, list[Finding]], ...] = ()
    statements: tuple[VexStatement, ...] = ()
    vex_issued: datetime | None = None
    diagnostics: tuple[Diagnostic, ...] = ()


def read_scanner_file(path: Path, options: FindingImportOptions | None = None) -> ScannerFile:
    """Read and prepare one file; when it has a bad field, only the diagnostics."""
    options = options or FindingImportOptions()
    chosen: str | None = None
    try:
        chosen = _format_of(path, options.input_format)
        contents = reader_of(chosen)(path)
    except ImportFileError as error:
        return ScannerFile(chosen, diagnostics=(error.diagnostic,))
    except FieldError as error:
        return ScannerFile(chosen, diagnostics=(error.diagnostic(path),))
    except ShapeError as error:
        shape = FieldError(error.json_path, f"must be {error.expected}, not a JSON {error.found}")
        return ScannerFile(chosen, diagnostics=(shape.diagnostic(path),))
    except TooManyErrors as error:
        return ScannerFile(chosen, diagnostics=(*(item.diagnostic(path) for item in error.errors), _stopped(path)))
    if contents.errors:
        return ScannerFile(chosen, diagnostics=tuple(item.diagnostic(path) for item in contents.errors))
    return _prepared_file(path, chosen, contents, options)


def _prepared_file(path: Path, chosen: str, contents: FileContents, options: FindingImportOptions) -> ScannerFile:
    now = options.now or datetime.now(UTC)
    prepared = tuple(_prepared(scan, path, options, now) for scan in contents.scans)
    issued = None
    if contents.statements or options.input_format in (FindingFormat.OPENVEX, FindingFormat.CYCLONEDX_VEX):
        issued = options.scanned_at or next((scan.scanned_at for scan, _ in prepared if scan.scanned_at), None) or now
    return ScannerFile(chosen, prepared, tuple(contents.statements), issued)


def _format_of(path: Path, given: str | None) -> str:
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


def unmapped_findings(path: Path, scan: Scan, findings: int, unmapped: int) -> Diagnostic:
    """IMP035: findings of a scan that no component is known for; they are stored all the same."""
    return diagnostic(
        "IMP035",
        f"{unmapped} of {findings} findings of {scan.scanner} on {scan.target!r} map to no "
        "component; they are stored unmapped",
        Location(str(path)),
    )


def older_scan(path: Path, scan: Scan, scanned_at: datetime) -> Diagnostic:
    """IMP036: a scan older than one already stored of the same scanner and target."""
    return diagnostic(
        "IMP036",
        f"{scan.scanner} on {scan.target!r} at {scanned_at.isoformat()} is older than a scan already "
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
