"""Scanner outputs in each tool's real shape (field names, nesting and value styles as the tools
write them, trimmed to what a test needs), and a helper that writes them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

IMAGE = "registry.example/acme/checkout:1.4.2"


def write_json(path: Path, document: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def trivy_vulnerability(cve: str, package: str, version: str, severity: str = "HIGH", **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "VulnerabilityID": cve,
        "PkgID": f"{package}@{version}",
        "PkgName": package,
        "PkgIdentifier": {"PURL": f"pkg:apk/alpine/{package}@{version}?arch=x86_64&distro=3.18.4", "UID": "a1"},
        "InstalledVersion": version,
        "FixedVersion": "3.1.4-r1",
        "Status": "fixed",
        "Layer": {"Digest": "sha256:96526aa774ef", "DiffID": "sha256:cc2447e1835a"},
        "SeveritySource": "nvd",
        "PrimaryURL": f"https://avd.aquasec.com/nvd/{cve.lower()}",
        "DataSource": {"ID": "alpine", "Name": "Alpine Secdb", "URL": "https://secdb.alpinelinux.org/"},
        "Title": f"{package}: a flaw",
        "Description": "A long description.",
        "Severity": severity,
        "CweIDs": ["CWE-400"],
        "VendorSeverity": {"nvd": 3, "redhat": 2},
        "CVSS": {
            "nvd": {
                "V2Vector": "AV:N/AC:L/Au:N/C:N/I:N/A:P",
                "V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
                "V2Score": 5,
                "V3Score": 7.5,
            },
            "redhat": {"V3Vector": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H", "V3Score": 5.9},
        },
        "References": ["https://nvd.nist.gov/vuln/detail/" + cve],
        "PublishedDate": "2023-07-19T12:15:00Z",
        "LastModifiedDate": "2023-08-26T01:15:00Z",
    }
    item.update(extra)
    return item


def trivy_report(
    vulnerabilities: list[dict[str, Any]], created: str = "2026-05-01T10:00:00.123456789Z"
) -> dict[str, Any]:
    return {
        "SchemaVersion": 2,
        "CreatedAt": created,
        "ArtifactName": IMAGE,
        "ArtifactType": "container_image",
        "Metadata": {
            "OS": {"Family": "alpine", "Name": "3.18.4"},
            "ImageID": "sha256:8ca4688f4f35",
            "RepoTags": [IMAGE],
        },
        "Results": [
            {
                "Target": f"{IMAGE} (alpine 3.18.4)",
                "Class": "os-pkgs",
                "Type": "alpine",
                "Vulnerabilities": vulnerabilities,
            },
            {"Target": "app/requirements.txt", "Class": "lang-pkgs", "Type": "pip"},
        ],
    }


def grype_match(
    identifier: str, package: str, version: str, related: list[str], severity: str = "High"
) -> dict[str, Any]:
    return {
        "vulnerability": {
            "id": identifier,
            "dataSource": f"https://github.com/advisories/{identifier}",
            "namespace": "alpine:distro:alpine:3.18",
            "severity": severity,
            "urls": [],
            "description": f"{package} is affected.\nMore text.",
            "cvss": [
                {
                    "version": "3.1",
                    "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
                    "metrics": {"baseScore": 7.5, "exploitabilityScore": 3.9, "impactScore": 3.6},
                    "vendorMetadata": {},
                }
            ],
            "fix": {"versions": ["3.1.4-r1"], "state": "fixed"},
            "advisories": [],
        },
        "relatedVulnerabilities": [
            {"id": item, "dataSource": f"https://nvd.nist.gov/vuln/detail/{item}", "namespace": "nvd:cpe", "cvss": []}
            for item in related
        ],
        "matchDetails": [{"type": "exact-direct-match", "matcher": "apk-matcher"}],
        "artifact": {
            "id": "f09cdae46b001bc5",
            "name": package,
            "version": version,
            "type": "apk",
            "locations": [{"path": "/lib/apk/db/installed", "layerID": "sha256:cc2447e1835a"}],
            "language": "",
            "licenses": ["OpenSSL"],
            "cpes": [],
            "purl": f"pkg:apk/alpine/{package}@{version}?arch=x86_64&distro=alpine-3.18.4",
            "upstreams": [],
        },
    }


def grype_report(matches: list[dict[str, Any]], timestamp: str = "2026-05-01T10:05:00.5+02:00") -> dict[str, Any]:
    # Grype writes `matches` first, `source` and `descriptor` after them.
    return {
        "matches": matches,
        "source": {
            "type": "image",
            "target": {"userInput": IMAGE, "imageID": "sha256:8ca4688f4f35", "tags": [IMAGE], "imageSize": 7},
        },
        "distro": {"name": "alpine", "version": "3.18.4", "idLike": []},
        "descriptor": {"name": "grype", "version": "0.74.0", "timestamp": timestamp},
    }


def sarif_code_log(results: list[dict[str, Any]], end_time: str = "2026-05-02T08:00:00Z") -> dict[str, Any]:
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "CodeQL",
                        "semanticVersion": "2.15.0",
                        "rules": [
                            {
                                "id": "py/sql-injection",
                                "name": "py/sql-injection",
                                "shortDescription": {"text": "SQL query built from user-controlled sources"},
                                "defaultConfiguration": {"level": "error"},
                                "properties": {"tags": ["security"], "security-severity": "8.8"},
                            },
                            {
                                "id": "py/unused-import",
                                "shortDescription": {"text": "Unused import"},
                                "defaultConfiguration": {"level": "note"},
                            },
                        ],
                    }
                },
                "results": results,
                "versionControlProvenance": [
                    {"repositoryUri": "https://github.com/acme/checkout", "revisionId": "a" * 40, "branch": "main"}
                ],
                "invocations": [
                    {"executionSuccessful": True, "startTimeUtc": "2026-05-02T07:50:00Z", "endTimeUtc": end_time}
                ],
            }
        ],
    }


def sarif_result(rule: str, index: int, uri: str, line: int, fingerprint: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": rule,
        "ruleIndex": index,
        "message": {"text": "This query depends on a user-provided value."},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%", "index": 0},
                    "region": {"startLine": line, "startColumn": 5, "endColumn": 40},
                }
            }
        ],
    }
    if fingerprint is not None:
        result["partialFingerprints"] = {
            "primaryLocationLineHash": fingerprint,
            "primaryLocationStartColumnFingerprint": "4",
        }
    return result


PIP_AUDIT_CURRENT = {
    "dependencies": [
        {
            "name": "flask",
            "version": "0.5",
            "vulns": [
                {
                    "id": "PYSEC-2019-179",
                    "fix_versions": ["1.0"],
                    "aliases": ["CVE-2019-1010083", "GHSA-5wv5-4vpf-pj6m"],
                    "description": "The Pallets Project Flask before 1.0 is affected by: unexpected memory usage. "
                    "More.",
                }
            ],
        },
        {"name": "jinja2", "version": "3.0.2", "vulns": []},
        {"name": "charter-internal", "skip_reason": "Dependency not found on PyPI and could not be audited"},
    ],
    "fixes": [{"name": "flask", "version": "0.5", "new_version": "1.0"}],
}

NPM_AUDIT_V2 = {
    "auditReportVersion": 2,
    "vulnerabilities": {
        "minimist": {
            "name": "minimist",
            "severity": "critical",
            "isDirect": False,
            "via": [
                {
                    "source": 1088208,
                    "name": "minimist",
                    "dependency": "minimist",
                    "title": "Prototype Pollution in minimist",
                    "url": "https://github.com/advisories/GHSA-xvch-5gv4-984h",
                    "severity": "critical",
                    "cwe": ["CWE-1321"],
                    "cvss": {"score": 9.8, "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
                    "range": "<0.2.4",
                }
            ],
            "effects": ["mkdirp"],
            "range": "<=0.2.3",
            "nodes": ["node_modules/minimist"],
            "fixAvailable": True,
        },
        "mkdirp": {
            "name": "mkdirp",
            "severity": "critical",
            "isDirect": True,
            "via": ["minimist"],
            "effects": [],
            "range": "0.4.1 - 0.5.1",
            "nodes": ["node_modules/mkdirp"],
            "fixAvailable": True,
        },
    },
    "metadata": {
        "vulnerabilities": {"info": 0, "low": 0, "moderate": 0, "high": 0, "critical": 2, "total": 2},
        "dependencies": {"prod": 3, "dev": 0, "optional": 0, "peer": 0, "peerOptional": 0, "total": 2},
    },
}

NPM_AUDIT_V1 = {
    "actions": [],
    "advisories": {
        "1179": {
            "findings": [{"version": "0.0.8", "paths": ["mkdirp>minimist"]}],
            "id": 1179,
            "created": "2020-03-11T22:27:39.000Z",
            "title": "Prototype Pollution",
            "module_name": "minimist",
            "cves": ["CVE-2020-7598"],
            "vulnerable_versions": "<0.2.1",
            "patched_versions": ">=0.2.1",
            "severity": "low",
            "cwe": "CWE-471",
            "github_advisory_id": "GHSA-vh95-rmgr-6w4m",
            "url": "https://npmjs.com/advisories/1179",
        }
    },
    "muted": [],
    "metadata": {"vulnerabilities": {"low": 1}, "dependencies": 3, "totalDependencies": 3},
}

OSV_SCANNER = {
    "results": [
        {
            "source": {"path": "/src/checkout/poetry.lock", "type": "lockfile"},
            "packages": [
                {
                    "package": {"name": "requests", "version": "2.25.0", "ecosystem": "PyPI"},
                    "vulnerabilities": [
                        {
                            "modified": "2023-06-26T00:00:00Z",
                            "published": "2023-05-22T00:00:00Z",
                            "schema_version": "1.4.0",
                            "id": "GHSA-j8r2-6x86-q33q",
                            "aliases": ["CVE-2023-32681", "PYSEC-2023-74"],
                            "summary": "Unintended leak of Proxy-Authorization header in requests",
                            "affected": [
                                {
                                    "package": {"ecosystem": "PyPI", "name": "requests", "purl": "pkg:pypi/requests"},
                                    "ranges": [
                                        {"type": "ECOSYSTEM", "events": [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]}
                                    ],
                                }
                            ],
                            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"}],
                            "database_specific": {
                                "cwe_ids": ["CWE-200"],
                                "severity": "MODERATE",
                                "github_reviewed": True,
                            },
                        }
                    ],
                    "groups": [
                        {
                            "ids": ["GHSA-j8r2-6x86-q33q"],
                            "aliases": ["CVE-2023-32681", "GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"],
                            "max_severity": "6.1",
                        }
                    ],
                }
            ],
        }
    ],
    "experimental_config": {"licenses": {"summary": False, "allowlist": None}},
}

CYCLONEDX_SBOM = {
    "$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json",
    "bomFormat": "CycloneDX",
    "specVersion": "1.5",
    "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
    "version": 1,
    "metadata": {
        "timestamp": "2026-05-03T09:00:00+00:00",
        "tools": {
            "components": [{"type": "application", "group": "aquasecurity", "name": "trivy", "version": "0.48.0"}]
        },
        "component": {
            "bom-ref": "pkg:oci/checkout",
            "type": "container",
            "name": "acme/checkout",
            "purl": "pkg:oci/checkout@sha256%3A8ca4688f4f35?repository_url=registry.example%2Facme%2Fcheckout",
        },
    },
    "components": [
        {
            "bom-ref": "pkg:apk/alpine/libcrypto3@3.1.2-r0",
            "type": "library",
            "name": "libcrypto3",
            "version": "3.1.2-r0",
            "purl": "pkg:apk/alpine/libcrypto3@3.1.2-r0?arch=x86_64&distro=3.18.4",
        },
        {
            "bom-ref": "app",
            "type": "application",
            "name": "app",
            "components": [
                {
                    "bom-ref": "pkg:pypi/urllib3@1.26.5",
                    "type": "library",
                    "name": "urllib3",
                    "version": "1.26.5",
                    "purl": "pkg:pypi/urllib3@1.26.5",
                }
            ],
        },
    ],
    "vulnerabilities": [
        {
            "id": "CVE-2023-2650",
            "source": {"name": "alpine", "url": "https://secdb.alpinelinux.org/"},
            "ratings": [
                {
                    "source": {"name": "nvd"},
                    "score": 6.5,
                    "severity": "medium",
                    "method": "CVSSv31",
                    "vector": "AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
                },
                {
                    "source": {"name": "redhat"},
                    "severity": "high",
                    "method": "CVSSv31",
                    "vector": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H",
                },
            ],
            "description": "Possible DoS translating ASN.1 object identifiers",
            "affects": [{"ref": "pkg:apk/alpine/libcrypto3@3.1.2-r0"}],
        },
        {
            "id": "GHSA-q2q7-5pp4-w6pg",
            "references": [{"id": "CVE-2023-43804", "source": {"name": "NVD"}}],
            "ratings": [{"severity": "high"}],
            "analysis": {
                "state": "not_affected",
                "justification": "code_not_reachable",
                "detail": "No cookies are sent.",
            },
            "affects": [{"ref": "pkg:pypi/urllib3@1.26.5"}],
        },
    ],
}

OPENVEX = {
    "@context": "https://openvex.dev/ns/v0.2.0",
    "@id": "https://openvex.dev/docs/public/vex-2e67563e128250cbcb3e98930df948dd053e43271d70dc50cfa22d57e03fe96f",
    "author": "Acme Security",
    "timestamp": "2026-05-04T12:00:00Z",
    "version": 1,
    "statements": [
        {
            "vulnerability": {"name": "CVE-2023-2650"},
            "products": [{"@id": "pkg:oci/checkout", "subcomponents": [{"@id": "pkg:apk/alpine/libcrypto3@3.1.2-r0"}]}],
            "status": "not_affected",
            "justification": "vulnerable_code_not_in_execute_path",
            "impact_statement": "The service never parses ASN.1 from untrusted input.",
        },
        {
            "vulnerability": {"name": "CVE-2099-0001"},
            "products": [{"@id": "pkg:oci/checkout"}],
            "status": "under_investigation",
        },
    ],
}


def copied(document: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(document)
