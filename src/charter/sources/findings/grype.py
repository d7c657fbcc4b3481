"""Grype's JSON report (`grype IMAGE -o json`): each `matches[]` item a finding on its `artifact`;
`relatedVulnerabilities` are its aliases (a GHSA match names its CVE there); the target is
`source.target` (the image's `userInput`, or the directory or file scanned), the scan time
`descriptor.timestamp`. Streamed item by item; `source` may come after the matches."""

from __future__ import annotations

from pathlib import Path

from charter.model.finding import Finding
from charter.sources.findings.fields import FieldError, Node, value_timestamp
from charter.sources.findings.identity import canonical_ids, severity_named, vulnerability_key
from charter.sources.findings.jsonstream import JsonValue, stream_values
from charter.sources.findings.scan import FileContents, Scan, each_good, newest_vector

SCANNER = "Grype"
_MATCH = "matches.item"
_WANTED = (_MATCH, "source", "descriptor.timestamp")


def read_grype(path: Path) -> FileContents:
    contents = FileContents()
    scan = Scan(SCANNER, "")

    def finding(value: JsonValue) -> Finding:
        return grype_finding(Node(value.value, value.json_path))

    for value in stream_values(path, _WANTED):
        if value.prefix == _MATCH:
            scan.findings.extend(each_good(contents, (value,), finding))
        elif value.prefix == "source":
            scan.target = grype_target(Node(value.value, value.json_path)) or ""
        else:
            scan.scanned_at = value_timestamp(value)
    contents.scans.append(scan)
    return contents


def grype_target(source: Node) -> str | None:
    """`source.target`: text for a directory or file, an object for an image (its `userInput`)."""
    target = source.data.get("target")
    if isinstance(target, dict):
        image = Node(target, source.at("target"))
        return image.text("userInput") or image.text("imageID")
    return source.text("target")


def grype_finding(match: Node) -> Finding:
    """One `matches[]` object; raises FieldError."""
    vulnerability = match.node("vulnerability")
    if vulnerability is None:
        raise FieldError(match.at("vulnerability"), "is missing", "Grype writes it for every match.")
    artifact = match.node("artifact")
    if artifact is None:
        raise FieldError(match.at("artifact"), "is missing", "Grype writes it for every match.")
    identifier = vulnerability.required_text("id")
    related = list(match.nodes("relatedVulnerabilities"))
    canonical, aliases = canonical_ids(identifier, tuple(item.required_text("id") for item in related))
    severity_text = vulnerability.text("severity")
    severity = severity_named(severity_text)
    if severity is None and severity_text is not None:
        raise FieldError(vulnerability.at("severity"), f"{severity_text!r} is not a Grype severity")
    vector, score = newest_vector(
        (entry.required_text("vector"), _base_score(entry), entry, "vector")
        for source in (vulnerability, *related)
        for entry in source.nodes("cvss")
    )
    fix = vulnerability.node("fix")
    locations = list(artifact.nodes("locations"))
    description = vulnerability.text("description")
    package = artifact.text("name")
    purl = artifact.text("purl")
    return Finding(
        key=vulnerability_key(canonical, package, purl),
        scanner=SCANNER,
        target="",
        severity=severity or "unknown",
        title=_first_line(description) if description else identifier,
        vulnerability_id=canonical,
        aliases=aliases,
        package=package,
        package_version=artifact.text("version"),
        purl=purl,
        fixed_versions=fix.texts("versions") if fix else (),
        cvss_vector=vector,
        cvss_score=score,
        path=locations[0].text("path") if locations else None,
    )


def _base_score(entry: Node) -> float | None:
    metrics = entry.node("metrics")
    return metrics.cvss_score("baseScore") if metrics else None


def _first_line(text: str, limit: int = 200) -> str:
    line = text.strip().splitlines()[0] if text.strip() else text
    return line if len(line) <= limit else line[: limit - 1] + "…"
