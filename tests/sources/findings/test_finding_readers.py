"""Each scanner format read into exact findings (and VEX statements), from files in the tool's own
shape; the format told from the content."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from charter.model.file_formats import FindingFormat
from charter.model.finding import Finding, VexStatement
from charter.sources.findings.cyclonedx import read_cyclonedx
from charter.sources.findings.formats import detect_format
from charter.sources.findings.grype import read_grype
from charter.sources.findings.npm_audit import read_npm_audit
from charter.sources.findings.openvex import read_openvex
from charter.sources.findings.osv import read_osv
from charter.sources.findings.pip_audit import read_pip_audit
from charter.sources.findings.sarif import read_sarif
from charter.sources.findings.trivy import read_trivy
from tests.sources.findings.documents import (
    CYCLONEDX_SBOM,
    IMAGE,
    NPM_AUDIT_V1,
    NPM_AUDIT_V2,
    OPENVEX,
    OSV_SCANNER,
    PIP_AUDIT_CURRENT,
    grype_match,
    grype_report,
    sarif_code_log,
    sarif_result,
    trivy_report,
    trivy_vulnerability,
    write_json,
)

V3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"


pytestmark = pytest.mark.usefixtures("parse_mode")


def test_trivy_reads_each_vulnerability_with_its_image_time_and_newest_vector(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "trivy.json", trivy_report([trivy_vulnerability("CVE-2023-2650", "libssl3", "3.1.2-r0")])
    )
    contents = read_trivy(path)
    (scan,) = contents.scans
    assert (scan.scanner, scan.target) == ("Trivy", IMAGE)
    assert scan.scanned_at == datetime(2026, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)  # nanoseconds cut to micro
    assert scan.findings == [
        Finding(
            key="CVE-2023-2650|libssl3",
            scanner="Trivy",
            target="",
            severity="high",
            title="libssl3: a flaw",
            vulnerability_id="CVE-2023-2650",
            package="libssl3",
            package_version="3.1.2-r0",
            purl="pkg:apk/alpine/libssl3@3.1.2-r0?arch=x86_64&distro=3.18.4",
            fixed_versions=("3.1.4-r1",),
            cvss_vector=V3,  # nvd (the severity's source) v3 before its v2, and before redhat's
            cvss_score=7.5,
            path=f"{IMAGE} (alpine 3.18.4)",
        )
    ]


def test_grype_reads_matches_before_their_source_and_takes_the_cve_from_related(tmp_path: Path) -> None:
    report = grype_report([grype_match("GHSA-abcd-efgh-ijkl", "libssl3", "3.1.2-r0", ["CVE-2023-2650"], "Negligible")])
    contents = read_grype(write_json(tmp_path / "grype.json", report))
    (scan,) = contents.scans
    assert (scan.scanner, scan.target) == ("Grype", IMAGE)
    assert scan.scanned_at == datetime(2026, 5, 1, 8, 5, 0, 500000, tzinfo=UTC)
    (finding,) = scan.findings
    assert finding.vulnerability_id == "CVE-2023-2650"
    assert finding.aliases == ("GHSA-abcd-efgh-ijkl",)
    assert finding.key == "CVE-2023-2650|libssl3"
    assert finding.severity == "low"  # Negligible
    assert finding.title == "libssl3 is affected."
    assert finding.path == "/lib/apk/db/installed"
    assert (finding.cvss_vector, finding.cvss_score) == (V3, 7.5)


def test_sarif_code_findings_are_keyed_by_rule_file_and_fingerprints(tmp_path: Path) -> None:
    log = sarif_code_log(
        [
            sarif_result("py/sql-injection", 0, "app/db.py", 42, fingerprint="5a1b:1"),
            {**sarif_result("py/unused-import", 1, "app/util.py", 3), "level": "warning"},
        ]
    )
    contents = read_sarif(write_json(tmp_path / "codeql.sarif", log))
    (scan,) = contents.scans
    assert (scan.scanner, scan.target, scan.repository) == (
        "CodeQL",
        "https://github.com/acme/checkout",
        "https://github.com/acme/checkout",
    )
    assert scan.scanned_at == datetime(2026, 5, 2, 8, 0, tzinfo=UTC)
    injection, unused = scan.findings
    assert injection == Finding(
        key="code|py/sql-injection|app/db.py|primaryLocationLineHash=5a1b:1;primaryLocationStartColumnFingerprint=4",
        scanner="CodeQL",
        target="",
        severity="high",  # security-severity 8.8
        title="SQL query built from user-controlled sources",
        rule_id="py/sql-injection",
        path="app/db.py",
        line=42,
    )
    assert unused.key == "code|py/unused-import|app/util.py|3"  # no fingerprints: the line
    assert unused.severity == "medium"  # the result's level (warning) overrides the rule's note


def test_sarif_results_naming_vulnerabilities_are_package_findings(tmp_path: Path) -> None:
    log = sarif_code_log([])
    run = log["runs"][0]
    run["tool"]["driver"] = {
        "name": "grype",
        "rules": [
            {
                "id": "CVE-2023-2650-libssl3",
                "shortDescription": {"text": "CVE-2023-2650 medium vulnerability for libssl3 package"},
                "properties": {"security-severity": "6.5"},
            }
        ],
    }
    run["results"] = [
        {"ruleId": "CVE-2023-2650-libssl3", "message": {"text": "The path /lib/apk/db/installed reports libssl3"}}
    ]
    contents = read_sarif(write_json(tmp_path / "grype.sarif", log))
    (finding,) = contents.scans[0].findings
    assert (finding.vulnerability_id, finding.package, finding.severity) == ("CVE-2023-2650", "libssl3", "medium")
    assert finding.key == "CVE-2023-2650|libssl3"


def test_pip_audit_current_and_old_shapes_read_alike(tmp_path: Path) -> None:
    current = read_pip_audit(write_json(tmp_path / "current.json", PIP_AUDIT_CURRENT))
    old = read_pip_audit(write_json(tmp_path / "old.json", PIP_AUDIT_CURRENT["dependencies"]))
    expected = Finding(
        key="CVE-2019-1010083|flask",
        scanner="pip-audit",
        target="",
        severity="unknown",
        title="The Pallets Project Flask before 1.0 is affected by: unexpected memory usage",
        vulnerability_id="CVE-2019-1010083",
        aliases=("PYSEC-2019-179", "GHSA-5wv5-4vpf-pj6m"),
        package="flask",
        package_version="0.5",
        purl="pkg:pypi/flask@0.5",
        fixed_versions=("1.0",),
    )
    assert current.scans[0].findings == [expected]
    assert old.scans[0].findings == [expected]


def test_npm_audit_v2_reads_advisories_not_the_packages_that_only_depend_on_them(tmp_path: Path) -> None:
    (finding,) = read_npm_audit(write_json(tmp_path / "npm.json", NPM_AUDIT_V2)).scans[0].findings
    assert finding == Finding(
        key="GHSA-xvch-5gv4-984h|minimist",
        scanner="npm audit",
        target="",
        severity="critical",
        title="Prototype Pollution in minimist",
        vulnerability_id="GHSA-xvch-5gv4-984h",
        package="minimist",
        purl="pkg:npm/minimist",
        cvss_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        cvss_score=9.8,
    )


def test_npm_audit_v1_reads_advisories_with_their_cves(tmp_path: Path) -> None:
    (finding,) = read_npm_audit(write_json(tmp_path / "npm6.json", NPM_AUDIT_V1)).scans[0].findings
    assert (finding.vulnerability_id, finding.aliases) == ("CVE-2020-7598", ("GHSA-vh95-rmgr-6w4m",))
    assert (finding.package, finding.package_version, finding.severity) == ("minimist", "0.0.8", "low")


def test_osv_scanner_output_takes_severity_from_the_record_and_path_from_the_source(tmp_path: Path) -> None:
    (finding,) = read_osv(write_json(tmp_path / "osv.json", OSV_SCANNER)).scans[0].findings
    assert finding.scanner == "osv-scanner"
    assert (finding.vulnerability_id, finding.aliases) == ("CVE-2023-32681", ("GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"))
    assert (finding.package, finding.package_version, finding.severity) == ("requests", "2.25.0", "medium")
    assert finding.fixed_versions == ("2.31.0",)
    assert finding.path == "/src/checkout/poetry.lock"
    assert finding.cvss_vector == "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"


def test_osv_scanner_group_score_stands_in_for_a_missing_severity(tmp_path: Path) -> None:
    document = OSV_SCANNER | {}
    document = __import__("copy").deepcopy(OSV_SCANNER)
    del document["results"][0]["packages"][0]["vulnerabilities"][0]["database_specific"]
    (finding,) = read_osv(write_json(tmp_path / "osv.json", document)).scans[0].findings
    assert finding.severity == "medium"  # max_severity 6.1


def test_cyclonedx_sbom_gives_findings_and_its_analysis_gives_statements(tmp_path: Path) -> None:
    path = write_json(tmp_path / "bom.json", CYCLONEDX_SBOM)
    contents = read_cyclonedx(path)
    (scan,) = contents.scans
    assert (scan.scanner, scan.target) == ("trivy", "pkg:oci/checkout")
    assert scan.scanned_at == datetime(2026, 5, 3, 9, tzinfo=UTC)
    (finding,) = scan.findings
    assert finding.key == "CVE-2023-2650|libcrypto3"
    assert finding.severity == "high"  # the highest rating
    assert finding.cvss_vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"  # prefix from method CVSSv31
    assert finding.package_version == "3.1.2-r0"
    assert contents.statements == [
        VexStatement(
            "CVE-2023-43804",
            "not_affected",
            "code_not_reachable",
            "No cookies are sent.",
            "pkg:pypi/urllib3@1.26.5",  # a nested component's purl
            str(path),
        )
    ]


def test_cyclonedx_vex_format_reads_statements_only(tmp_path: Path) -> None:
    contents = read_cyclonedx(write_json(tmp_path / "vex.json", CYCLONEDX_SBOM), statements_only=True)
    assert contents.scans == []
    assert [statement.vulnerability_id for statement in contents.statements] == ["CVE-2023-43804"]


def test_openvex_statements_name_the_subcomponents(tmp_path: Path) -> None:
    path = write_json(tmp_path / "vex.openvex.json", OPENVEX)
    assert read_openvex(path).statements == [
        VexStatement(
            "CVE-2023-2650",
            "not_affected",
            "vulnerable_code_not_in_execute_path",
            "The service never parses ASN.1 from untrusted input.",
            "pkg:apk/alpine/libcrypto3@3.1.2-r0",
            str(path),
        ),
        VexStatement("CVE-2099-0001", "under_investigation", None, None, "pkg:oci/checkout", str(path)),
    ]


def test_openvex_before_v0_2_names_vulnerability_and_products_as_text(tmp_path: Path) -> None:
    document = {
        "@context": "https://openvex.dev/ns",
        "statements": [{"vulnerability": "CVE-2023-2650", "products": ["pkg:oci/checkout"], "status": "fixed"}],
    }
    (statement,) = read_openvex(write_json(tmp_path / "old.json", document)).statements
    assert (statement.vulnerability_id, statement.state, statement.product) == (
        "CVE-2023-2650",
        "resolved",
        "pkg:oci/checkout",
    )


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (trivy_report([]), FindingFormat.TRIVY),
        (grype_report([]), FindingFormat.GRYPE),
        (sarif_code_log([]), FindingFormat.SARIF),
        (PIP_AUDIT_CURRENT, FindingFormat.PIP_AUDIT),
        (PIP_AUDIT_CURRENT["dependencies"], FindingFormat.PIP_AUDIT),
        (NPM_AUDIT_V2, FindingFormat.NPM_AUDIT),
        (NPM_AUDIT_V1, FindingFormat.NPM_AUDIT),
        (OSV_SCANNER, FindingFormat.OSV),
        (OSV_SCANNER["results"][0]["packages"][0]["vulnerabilities"][0], FindingFormat.OSV),
        (CYCLONEDX_SBOM, FindingFormat.CYCLONEDX),
        (OPENVEX, FindingFormat.OPENVEX),
    ],
)
def test_the_format_is_told_from_the_content(tmp_path: Path, document: object, expected: FindingFormat) -> None:
    assert detect_format(write_json(tmp_path / "scan.json", document)) == expected


def test_times_with_offsets_are_read_as_utc() -> None:
    from charter.sources.findings.fields import timestamp_at

    assert timestamp_at("2026-05-01T12:00:00.123456789+02:00", "$.t") == datetime(
        2026, 5, 1, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2))
    )
