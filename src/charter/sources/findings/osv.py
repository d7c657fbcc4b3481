"""OSV: a single OSV record (or a list of them), one finding per affected package; and
osv-scanner's JSON (`osv-scanner --format json`: `results[].packages[]`, each package with its
`vulnerabilities`), one finding per vulnerability of each package, its severity from the package's
`groups[].max_severity` (a CVSS score) when the record itself has none. Severity of a record:
`database_specific.severity` (GitHub's words). The CVSS vector is the newest of `severity[]`.
No target is named: `--repository`, else the file's name. Streamed record by record."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from charter.model.finding import Finding, FindingSeverity
from charter.sources.findings.fields import FieldError, Node
from charter.sources.findings.identity import canonical_ids, severity_named, severity_of_score, vulnerability_key
from charter.sources.findings.jsonstream import stream_values
from charter.sources.findings.scan import FileContents, Scan, each_good, newest_vector
from charter.sources.records import first_text

SCANNER = "osv-scanner"
RECORD_SCANNER = "OSV"


def read_osv(path: Path) -> FileContents:
    contents = FileContents()
    start = first_text(path, 4096)
    if start.startswith("["):
        return _records(path, contents, "item")
    if '"results"' in start and '"id"' not in start.split('"results"', 1)[0]:
        return _scanner_output(path, contents)
    return _records(path, contents, "")


def _records(path: Path, contents: FileContents, prefix: str) -> FileContents:
    scan = Scan(RECORD_SCANNER, "")
    for value in stream_values(path, (prefix,)):
        record = Node(value.value, value.json_path)
        for found in each_good(contents, (record,), record_findings):
            scan.findings.extend(found)
    contents.scans.append(scan)
    return contents


def record_findings(record: Node) -> list[Finding]:
    """One finding per `affected[].package` of a single OSV record; raises FieldError."""
    found = []
    for affected in record.nodes("affected"):
        package = affected.node("package")
        if package is None:
            continue
        found.append(
            _finding(record, package.text("name"), None, package.text("purl"), RECORD_SCANNER, _severity(record))
        )
    return found


def _scanner_output(path: Path, contents: FileContents) -> FileContents:
    scan = Scan(SCANNER, "")
    source_path: str | None = None
    for value in stream_values(path, ("results.item.source", "results.item.packages.item")):
        if value.prefix == "results.item.source":
            source = Node(value.value, value.json_path)
            source_path = source.text("path")
            continue
        entry = Node(value.value, value.json_path)
        for found in each_good(contents, (entry,), partial(_package_findings, source_path=source_path)):
            scan.findings.extend(found)
    contents.scans.append(scan)
    return contents


def _package_findings(entry: Node, source_path: str | None) -> list[Finding]:
    package = entry.node("package")
    if package is None:
        raise FieldError(entry.at("package"), "is missing", "osv-scanner writes it for every package.")
    name = package.required_text("name")
    version = package.text("version", numbers=True)
    scores = _group_scores(entry)
    found = []
    for record in entry.nodes("vulnerabilities"):
        identifier = record.required_text("id")
        severity = _severity(record)
        if severity == "unknown" and identifier in scores:
            severity = severity_of_score(scores[identifier])
        finding = _finding(record, name, version, package.text("purl"), SCANNER, severity)
        found.append(_with_path(finding, source_path))
    return found


def _group_scores(entry: Node) -> dict[str, float]:
    scores: dict[str, float] = {}
    for group in entry.nodes("groups"):
        score = group.cvss_score("max_severity")
        if score is not None:
            for identifier in group.texts("ids"):
                scores[identifier] = score
    return scores


def _finding(
    record: Node,
    name: str | None,
    version: str | None,
    purl: str | None,
    scanner: str,
    severity: FindingSeverity,
) -> Finding:
    identifier = record.required_text("id")
    canonical, aliases = canonical_ids(identifier, record.texts("aliases"))
    vector, score = newest_vector(
        (item.required_text("score"), None, item, "score")
        for item in record.nodes("severity")
        if (item.text("type") or "").upper().startswith("CVSS")
    )
    return Finding(
        key=vulnerability_key(canonical, name, purl),
        scanner=scanner,
        target="",
        severity=severity,
        title=record.text("summary") or identifier,
        vulnerability_id=canonical,
        aliases=aliases,
        package=name,
        package_version=version,
        purl=purl,
        fixed_versions=_fixed_versions(record),
        cvss_vector=vector,
        cvss_score=score,
    )


def _severity(record: Node) -> FindingSeverity:
    specific = record.node("database_specific")
    text = specific.text("severity") if specific else None
    return severity_named(text) or "unknown"


def _fixed_versions(record: Node) -> tuple[str, ...]:
    fixed: list[str] = []
    for affected in record.nodes("affected"):
        for version_range in affected.nodes("ranges"):
            if version_range.text("type") == "GIT":
                continue
            for event in version_range.nodes("events"):
                version = event.text("fixed", numbers=True)
                if version and version not in fixed:
                    fixed.append(version)
    return tuple(fixed)


def _with_path(finding: Finding, path: str | None) -> Finding:
    if path is None:
        return finding
    from dataclasses import replace

    return replace(finding, path=path)
