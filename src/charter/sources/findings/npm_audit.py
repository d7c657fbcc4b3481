"""npm audit's JSON (`npm audit --json`): version 2 (`auditReportVersion: 2`, npm 7 and later),
where each advisory object in a package's `vulnerabilities.<name>.via` is a finding on the package
the advisory names (string `via` entries only say a package depends on a vulnerable one); and
version 1 (`advisories.<id>`, npm 6), one finding per advisory on its `module_name`. The advisory's
GHSA id is read from its URL. No target is named: `--repository`, else the file's name."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from charter.model.finding import Finding
from charter.sources.findings.fields import FieldError, Node
from charter.sources.findings.identity import canonical_ids, severity_named, vulnerability_key
from charter.sources.findings.jsonstream import stream_values
from charter.sources.findings.scan import FileContents, Scan, checked_vector, each_good

SCANNER = "npm audit"
_GHSA = re.compile(r"GHSA(?:-[0-9a-z]{4}){3}", re.IGNORECASE)


def read_npm_audit(path: Path) -> FileContents:
    contents = FileContents()
    scan = Scan(SCANNER, "")
    for value in stream_values(path, ("vulnerabilities.*", "advisories.*")):
        entry = Node(value.value, value.json_path)
        read = version_2_findings if value.prefix == "vulnerabilities.*" else version_1_findings
        for found in each_good(contents, (entry,), partial(_listed, read)):
            scan.findings.extend(found)
    contents.scans.append(scan)
    return contents


def _listed(read: Callable[[Node], Iterator[Finding]], entry: Node) -> list[Finding]:
    return list(read(entry))


def version_2_findings(entry: Node) -> Iterator[Finding]:
    """The advisories of one `vulnerabilities.<name>` entry; raises FieldError."""
    for index, via in enumerate(entry.array("via")):
        if isinstance(via, str):
            continue
        advisory = Node(via, f"{entry.at('via')}[{index}]")
        url = advisory.text("url")
        source = advisory.text("source", numbers=True)
        identifier = _ghsa(url) or (f"npm:{source}" if source else None)
        if identifier is None:
            raise FieldError(advisory.at("url"), "is missing: the advisory cannot be identified")
        package = advisory.text("name") or entry.required_text("name")
        cvss = advisory.node("cvss")
        vector = cvss.text("vectorString") if cvss else None
        yield _finding(
            identifier,
            (),
            package,
            _severity(advisory),
            advisory.text("title") or identifier,
            checked_vector(vector, cvss, "vectorString") if vector and cvss else None,
            cvss.cvss_score("score") if cvss and vector else None,
        )


def version_1_findings(advisory: Node) -> Iterator[Finding]:
    """One `advisories.<id>` entry (npm 6); raises FieldError."""
    identifier = advisory.text("github_advisory_id") or _ghsa(advisory.text("url"))
    identifier = identifier or f"npm:{advisory.required_text('id') if advisory.has('id') else '?'}"
    cvss = advisory.node("cvss")
    vector = cvss.text("vectorString") if cvss else None
    versions = sorted({item.text("version", numbers=True) or "" for item in advisory.nodes("findings")} - {""})
    yield _finding(
        identifier,
        advisory.texts("cves"),
        advisory.required_text("module_name"),
        _severity(advisory),
        advisory.text("title") or identifier,
        checked_vector(vector, cvss, "vectorString") if vector and cvss else None,
        cvss.cvss_score("score") if cvss and vector else None,
        versions[0] if len(versions) == 1 else None,
    )


def _finding(
    identifier: str,
    aliases: tuple[str, ...],
    package: str,
    severity: str,
    title: str,
    vector: str | None,
    score: float | None,
    version: str | None = None,
) -> Finding:
    canonical, other_ids = canonical_ids(identifier, aliases)
    purl = f"pkg:npm/{package}@{version}" if version else f"pkg:npm/{package}"
    return Finding(
        key=vulnerability_key(canonical, package, purl),
        scanner=SCANNER,
        target="",
        severity=severity_named(severity) or "unknown",
        title=title,
        vulnerability_id=canonical,
        aliases=other_ids,
        package=package,
        package_version=version,
        purl=purl,
        cvss_vector=vector,
        cvss_score=score,
    )


def _severity(advisory: Node) -> str:
    text = advisory.text("severity")
    if text is not None and severity_named(text) is None:
        raise FieldError(
            advisory.at("severity"), f"{text!r} is not an npm severity", "Use critical, high, moderate, low or info."
        )
    return text or "unknown"


def _ghsa(url: str | None) -> str | None:
    match = _GHSA.search(url) if url else None
    return match.group(0) if match else None
