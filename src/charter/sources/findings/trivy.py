"""Trivy's JSON report (`trivy image|fs|repo --format json`, SchemaVersion 2): `ArtifactName` is
the target, `CreatedAt` the scan time, and each `Results[].Vulnerabilities[]` item a finding on the
package it names, in the file (lockfile, OS) its result's `Target` gives. Streamed item by item."""

from __future__ import annotations

from pathlib import Path

from charter.model.finding import Finding
from charter.sources.findings.fields import FieldError, Node, value_text, value_timestamp
from charter.sources.findings.identity import canonical_ids, severity_named, vulnerability_key
from charter.sources.findings.jsonstream import JsonValue, stream_values
from charter.sources.findings.scan import FileContents, Scan, each_good, newest_vector

SCANNER = "Trivy"
_VULNERABILITY = "Results.item.Vulnerabilities.item"
_WANTED = ("CreatedAt", "ArtifactName", "Results.item.Target", _VULNERABILITY)
_VECTOR_FIELDS = (("V40Vector", "V40Score"), ("V3Vector", "V3Score"), ("V2Vector", "V2Score"))


def read_trivy(path: Path) -> FileContents:
    contents = FileContents()
    scan = Scan(SCANNER, "")
    result_target: str | None = None

    def finding(value: JsonValue) -> Finding:
        return trivy_finding(Node(value.value, value.json_path), result_target)

    for value in stream_values(path, _WANTED):
        if value.prefix == _VULNERABILITY:
            scan.findings.extend(each_good(contents, (value,), finding))
        elif value.prefix == "Results.item.Target":
            result_target = value_text(value)
        elif value.prefix == "ArtifactName":
            scan.target = value_text(value) or ""
        elif value.prefix == "CreatedAt":
            scan.scanned_at = value_timestamp(value)
    contents.scans.append(scan)
    return contents


def trivy_finding(item: Node, result_target: str | None) -> Finding:
    """One `Results[].Vulnerabilities[]` object; raises FieldError."""
    identifier = item.required_text("VulnerabilityID", "Trivy writes it for every vulnerability.")
    canonical, aliases = canonical_ids(identifier, item.texts("VendorIDs"))
    identifier_node = item.node("PkgIdentifier")
    severity_text = item.text("Severity")
    severity = severity_named(severity_text)
    if severity is None and severity_text is not None:
        raise FieldError(
            item.at("Severity"),
            f"{severity_text!r} is not a Trivy severity",
            "Use CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN.",
        )
    vector, score = newest_vector(_vectors(item, item.text("SeveritySource")))
    fixed = item.text("FixedVersion")
    package = item.text("PkgName")
    purl = identifier_node.text("PURL") if identifier_node else None
    return Finding(
        key=vulnerability_key(canonical, package, purl),
        scanner=SCANNER,
        target="",
        severity=severity or "unknown",
        title=item.text("Title") or identifier,
        vulnerability_id=canonical,
        aliases=aliases,
        package=package,
        package_version=item.text("InstalledVersion"),
        purl=purl,
        fixed_versions=tuple(part.strip() for part in fixed.split(",") if part.strip()) if fixed else (),
        cvss_vector=vector,
        cvss_score=score,
        path=item.text("PkgPath") or result_target,
    )


def _vectors(item: Node, preferred_source: str | None) -> list[tuple[str, float | None, Node, str]]:
    """Every CVSS vector of every source, the severity's own source first."""
    sources = item.node("CVSS")
    if sources is None:
        return []
    names = sorted(sources.data, key=lambda name: (name != preferred_source, name != "nvd", name))
    found: list[tuple[str, float | None, Node, str]] = []
    for name in names:
        source = Node(sources.data[name], name, sources)
        for vector_field, score_field in _VECTOR_FIELDS:
            vector = source.text(vector_field)
            if vector is not None:
                found.append((vector, source.cvss_score(score_field), source, vector_field))
    return found
