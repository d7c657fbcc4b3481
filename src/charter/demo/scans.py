"""Scanner outputs for the sample organisation, written as the tools write them: a Trivy JSON report
per scanned image, a Grype JSON report of some of the same images (so deduplication across scanners
shows), and one CodeQL SARIF log with a run per repository, under `facts/scans/`. Images are named
`registry.<org>.example/<org>/<component>:<version>` and SARIF runs carry the component's repository
URL, so `charter import findings facts/scans/*` maps every finding to its component.

`DEMO_KEV_CVES` are real CVEs in CISA's Known Exploited Vulnerabilities catalog; the demo's KEV file
lists them, and the scans put them on internet-facing tier-1 services first. The document builders
are shared with the findings benchmark."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from charter.demo.plan import Component
from charter.demo.writers import RepoWriter
from charter.model.catalog import INTERNET_FACING_ANNOTATION

SCANS_FOLDER = "facts/scans"


@dataclass(frozen=True, slots=True)
class KnownVulnerability:
    cve: str
    package: str
    version: str
    fixed: str
    ecosystem: str  # purl type
    severity: str  # Trivy's word
    vector: str
    score: float
    title: str


# Real, public vulnerabilities with their NVD CVSS v3.1 vectors.
KEV_VULNERABILITIES = (
    KnownVulnerability("CVE-2021-44228", "org.apache.logging.log4j:log4j-core", "2.14.1", "2.15.0", "maven",
                       "CRITICAL", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0,
                       "log4j-core: Remote code injection in Log4j"),
    KnownVulnerability("CVE-2022-22965", "org.springframework:spring-beans", "5.3.17", "5.3.18", "maven",
                       "CRITICAL", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8,
                       "spring-framework: RCE via Data Binding on JDK 9+"),
    KnownVulnerability("CVE-2023-44487", "golang.org/x/net", "0.15.0", "0.17.0", "golang",
                       "HIGH", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5,
                       "HTTP/2: Multiple HTTP/2 enabled web servers are vulnerable to a DDoS attack (Rapid Reset)"),
    KnownVulnerability("CVE-2023-4863", "libwebp", "1.3.1-r0", "1.3.2-r0", "apk",
                       "HIGH", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8,
                       "libwebp: Heap buffer overflow in WebP Codec"),
)  # fmt: skip
DEMO_KEV_CVES: tuple[str, ...] = tuple(item.cve for item in KEV_VULNERABILITIES)

OTHER_VULNERABILITIES = (
    KnownVulnerability("CVE-2023-32681", "requests", "2.25.0", "2.31.0", "pypi", "MEDIUM",
                       "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", 6.1,
                       "python-requests: Unintended leak of Proxy-Authorization header"),
    KnownVulnerability("CVE-2023-43804", "urllib3", "1.26.5", "1.26.17", "pypi", "HIGH",
                       "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 8.1,
                       "python-urllib3: Cookie request header isn't stripped during cross-origin redirects"),
    KnownVulnerability("CVE-2023-38545", "curl", "8.3.0-r0", "8.4.0-r0", "apk", "CRITICAL",
                       "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8,
                       "curl: heap based buffer overflow in the SOCKS5 proxy handshake"),
    KnownVulnerability("CVE-2021-23337", "lodash", "4.17.20", "4.17.21", "npm", "HIGH",
                       "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2,
                       "nodejs-lodash: command injection via template"),
    KnownVulnerability("CVE-2022-42003", "com.fasterxml.jackson.core:jackson-databind", "2.13.2", "2.13.4.1",
                       "maven", "HIGH", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5,
                       "jackson-databind: deep wrapper array nesting wrt UNWRAP_SINGLE_VALUE_ARRAYS"),
    KnownVulnerability("CVE-2023-42363", "busybox", "1.36.1-r0", "1.36.1-r7", "apk", "MEDIUM",
                       "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", 5.5,
                       "busybox: use-after-free in awk"),
    KnownVulnerability("CVE-2023-5678", "libssl3", "3.1.2-r0", "3.1.4-r1", "apk", "LOW",
                       "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 5.3,
                       "openssl: Generating excessively long X9.42 DH keys or checking them is slow"),
)  # fmt: skip

# CodeQL rules the SARIF log reports: (id, short description, security-severity).
CODE_RULES = (
    ("py/sql-injection", "SQL query built from user-controlled sources", "8.8"),
    ("js/xss", "Client-side cross-site scripting", "6.1"),
    ("py/clear-text-logging-sensitive-data", "Clear-text logging of sensitive information", "7.5"),
    ("java/path-injection", "Uncontrolled data used in path expression", "7.5"),
)


# Documents ---------------------------------------------------------------------------------------


def trivy_document(image: str, created: datetime, vulnerabilities: Sequence[KnownVulnerability]) -> dict[str, Any]:
    """A Trivy JSON report (SchemaVersion 2) of one image."""
    return {
        "SchemaVersion": 2,
        "CreatedAt": created.isoformat().replace("+00:00", "Z"),
        "ArtifactName": image,
        "ArtifactType": "container_image",
        "Metadata": {"OS": {"Family": "alpine", "Name": "3.18.4"}, "RepoTags": [image]},
        "Results": [
            {
                "Target": f"{image} (alpine 3.18.4)",
                "Class": "os-pkgs",
                "Type": "alpine",
                "Vulnerabilities": [_trivy_vulnerability(item) for item in vulnerabilities],
            }
        ],
    }


def _purl(item: KnownVulnerability) -> str:
    if item.ecosystem == "maven":
        group, _, artifact = item.package.partition(":")
        return f"pkg:maven/{group}/{artifact}@{item.version}"
    if item.ecosystem == "apk":
        return f"pkg:apk/alpine/{item.package}@{item.version}?arch=x86_64&distro=3.18.4"
    return f"pkg:{item.ecosystem}/{item.package}@{item.version}"


def _trivy_vulnerability(item: KnownVulnerability) -> dict[str, Any]:
    return {
        "VulnerabilityID": item.cve,
        "PkgName": item.package,
        "PkgIdentifier": {"PURL": _purl(item)},
        "InstalledVersion": item.version,
        "FixedVersion": item.fixed,
        "Status": "fixed",
        "SeveritySource": "nvd",
        "PrimaryURL": f"https://avd.aquasec.com/nvd/{item.cve.lower()}",
        "Title": item.title,
        "Severity": item.severity,
        "CVSS": {"nvd": {"V3Vector": item.vector, "V3Score": item.score}},
    }


def grype_document(image: str, timestamp: datetime, vulnerabilities: Sequence[KnownVulnerability]) -> dict[str, Any]:
    """A Grype JSON report of one image: matches first, then source and descriptor, as Grype writes."""
    return {
        "matches": [_grype_match(item) for item in vulnerabilities],
        "source": {"type": "image", "target": {"userInput": image, "tags": [image]}},
        "distro": {"name": "alpine", "version": "3.18.4"},
        "descriptor": {"name": "grype", "version": "0.74.0", "timestamp": timestamp.isoformat()},
    }


def _grype_match(item: KnownVulnerability) -> dict[str, Any]:
    return {
        "vulnerability": {
            "id": item.cve,
            "namespace": "nvd:cpe",
            "severity": item.severity.title(),
            "description": item.title,
            "cvss": [{"version": "3.1", "vector": item.vector, "metrics": {"baseScore": item.score}}],
            "fix": {"versions": [item.fixed], "state": "fixed"},
        },
        "relatedVulnerabilities": [],
        "matchDetails": [{"type": "exact-direct-match", "matcher": "stock-matcher"}],
        "artifact": {
            "name": item.package.rsplit(":", 1)[-1],
            "version": item.version,
            "type": item.ecosystem,
            "locations": [{"path": "/lib/apk/db/installed"}],
            "purl": _purl(item),
        },
    }


def sarif_document(runs: Sequence[tuple[str, datetime, Sequence[tuple[int, str, int]]]]) -> dict[str, Any]:
    """A CodeQL SARIF 2.1.0 log: per run, the repository URL, the end time, and results as (rule index
    into CODE_RULES, file, line)."""
    rules = [
        {
            "id": rule_id,
            "shortDescription": {"text": text},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["security"], "security-severity": severity},
        }
        for rule_id, text, severity in CODE_RULES
    ]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "CodeQL", "semanticVersion": "2.15.0", "rules": rules}},
                "results": [
                    {
                        "ruleId": CODE_RULES[rule][0],
                        "ruleIndex": rule,
                        "message": {"text": CODE_RULES[rule][1]},
                        "locations": [
                            {"physicalLocation": {"artifactLocation": {"uri": path}, "region": {"startLine": line}}}
                        ],
                        "partialFingerprints": {"primaryLocationLineHash": _line_hash(path, rule)},
                    }
                    for rule, path, line in results
                ],
                "versionControlProvenance": [{"repositoryUri": repository, "branch": "main"}],
                "invocations": [{"executionSuccessful": True, "endTimeUtc": end.isoformat().replace("+00:00", "Z")}],
            }
            for repository, end, results in runs
        ],
    }


def _line_hash(path: str, rule: int) -> str:
    """A stable stand-in for CodeQL's line hash (Python's own hash() differs between runs)."""
    return hashlib.sha1(f"{path}#{rule}".encode()).hexdigest()[:16] + ":1"


# The demo ----------------------------------------------------------------------------------------


def image_of(organization: str, component: Component) -> str:
    return f"registry.{organization}.example/{organization}/{component.name}:1.{len(component.name) % 9}.0"


def write_scans(
    writer: RepoWriter,
    components: Sequence[Component],
    organization: str,
    reference_date: date,
    seed: int = 7,
) -> list[str]:
    """Write the demo's scans under facts/scans/ and return their paths (relative to the repository).
    Services are scanned; internet-facing tier-1 services come first, so the KEV CVEs land there."""
    rng = random.Random(f"scans-{seed}")
    services = [item for item in components if item.type != "library" and item.lifecycle == "production"]
    services.sort(key=lambda item: (item.annotations.get(INTERNET_FACING_ANNOTATION) != "true", item.tier, item.name))
    scanned = services[:8]
    if not scanned:
        return []
    when = datetime.combine(reference_date - timedelta(days=1), time(3, 0), tzinfo=UTC)
    written: list[str] = []
    for index, component in enumerate(scanned):
        chosen = list(rng.sample(OTHER_VULNERABILITIES, 2))
        if index < len(KEV_VULNERABILITIES):
            chosen.insert(0, KEV_VULNERABILITIES[index])
        image = image_of(organization, component)
        written += _earlier_scans(writer, component.name, image, chosen, reference_date, index)
        path = f"{SCANS_FOLDER}/trivy-{component.name}.json"
        writer.write(path, _json(trivy_document(image, when, chosen)))
        written.append(path)
        if index < 2:  # Grype sees the same image too: its findings merge with Trivy's
            grype_path = f"{SCANS_FOLDER}/grype-{component.name}.json"
            writer.write(grype_path, _json(grype_document(image, when + timedelta(minutes=5), chosen[:2])))
            written.append(grype_path)
    runs = [
        (
            str(component.annotations.get("charter.dev/repo") or f"https://github.com/{organization}/{component.name}"),
            when,
            [(rng.randrange(len(CODE_RULES)), f"src/{component.name.replace('-', '_')}/handlers.py", 10 + 7 * number)
             for number in range(1 + index % 2)],
        )
        for index, component in enumerate(scanned[:4])
    ]  # fmt: skip
    writer.write(f"{SCANS_FOLDER}/codeql.sarif", _json(sarif_document(runs)))
    written.append(f"{SCANS_FOLDER}/codeql.sarif")
    return written


# The image's earlier Trivy scans, days before the sample's date, and how many of the findings fixed
# by the last scan each still has: the backlog shrinks over the weeks the demo's snapshots cover,
# while the known-exploited finding arrives with a dependency added between the second and third.
EARLIER_SCANS = ((165, 3), (108, 2), (73, 1), (45, 1))
KEV_ARRIVES = 73  # days before the sample's date


def _earlier_scans(
    writer: RepoWriter,
    name: str,
    image: str,
    chosen: Sequence[KnownVulnerability],
    reference_date: date,
    index: int,
) -> list[str]:
    """Trivy reports of the image before its last scan, named so that a sorted listing imports them
    oldest first (`trivy-NAME.DAY.json` before `trivy-NAME.json`)."""
    others = [item for item in OTHER_VULNERABILITIES if item not in chosen]
    fixed = others[index % len(others) :] + others[: index % len(others)]
    written = []
    for days, backlog in EARLIER_SCANS:
        day = reference_date - timedelta(days=days)
        found = [item for item in chosen if days <= KEV_ARRIVES or item not in KEV_VULNERABILITIES]
        path = f"{SCANS_FOLDER}/trivy-{name}.{day.isoformat()}.json"
        moment = datetime.combine(day, time(3, 0), tzinfo=UTC)
        writer.write(path, _json(trivy_document(image, moment, [*found, *fixed[:backlog]])))
        written.append(path)
    return written


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2) + "\n"
