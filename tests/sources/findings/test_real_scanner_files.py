"""The scanner files of other projects in ../shared/fixtures/vulns, read as their tools wrote them
(skipped when the folder is absent), and imported together into one store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from charter.model.file_formats import FindingFormat
from charter.model.finding import VexStatement
from charter.services.findings import read_findings
from charter.services.imports_findings import import_findings
from charter.sources.findings.formats import detect_format, reader_of
from charter.store import Store

pytestmark = pytest.mark.usefixtures("parse_mode")


def read(path: Path) -> tuple[str, object]:
    found = detect_format(path)
    return found, reader_of(found)(path)


def test_trivy_json(shared_fixtures: Path) -> None:
    found, contents = read(shared_fixtures / "vulns/trivy/pip.json.golden")
    assert found == FindingFormat.TRIVY
    (scan,) = contents.scans  # type: ignore[attr-defined]
    assert (scan.scanner, scan.target, scan.scanned_at) == (
        "Trivy",
        "testdata/fixtures/repo/pip",
        datetime(2021, 8, 25, 12, 20, 30, tzinfo=UTC),
    )
    assert [(f.key, f.severity, f.package_version, f.fixed_versions, f.cvss_vector, f.path) for f in scan.findings] == [
        ("CVE-2019-14806|werkzeug", "high", "0.11", ("0.15.3",), "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
         "requirements.txt"),
        ("CVE-2020-28724|werkzeug", "medium", "0.11", ("0.11.6",), "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
         "requirements.txt"),
    ]  # fmt: skip


def test_grype_json_ghsa_and_cve_matches_share_a_key(shared_fixtures: Path) -> None:
    found, contents = read(shared_fixtures / "vulns/grype/ghsa-test.json")
    assert found == FindingFormat.GRYPE
    (scan,) = contents.scans  # type: ignore[attr-defined]
    assert scan.target.startswith("anchore/test_images@sha256:10008791")
    assert scan.scanned_at == datetime(2023, 8, 31, 19, 13, 32, 377177, tzinfo=UTC)
    assert [(f.key, f.aliases, f.severity, f.cvss_vector) for f in scan.findings] == [
        ("CVE-2014-3577|httpclient", ("GHSA-cfh5-3ghh-wfjx",), "medium", "AV:N/AC:M/Au:N/C:P/I:P/A:N"),
        ("CVE-2014-3577|httpclient", (), "medium", "AV:N/AC:M/Au:N/C:P/I:P/A:N"),
    ]


def test_trivy_sarif(shared_fixtures: Path) -> None:
    found, contents = read(shared_fixtures / "vulns/sarif/alpine-310.sarif.golden")
    assert found == FindingFormat.SARIF
    (scan,) = contents.scans  # type: ignore[attr-defined]
    assert (scan.scanner, scan.target) == ("Trivy", "ghcr.io/aquasecurity/trivy-test-images:alpine-310")
    assert sorted((f.vulnerability_id, f.package, f.severity, f.fixed_versions) for f in scan.findings) == [
        ("CVE-2019-1549", "libcrypto1.1", "medium", ("1.1.1d-r0",)),
        ("CVE-2019-1549", "libssl1.1", "medium", ("1.1.1d-r0",)),
        ("CVE-2019-1551", "libcrypto1.1", "medium", ("1.1.1d-r2",)),
        ("CVE-2019-1551", "libssl1.1", "medium", ("1.1.1d-r2",)),
    ]


def test_pip_audit_and_osv(shared_fixtures: Path) -> None:
    found, contents = read(shared_fixtures / "vulns/pip-audit/README.md-json-example.json")
    assert found == FindingFormat.PIP_AUDIT
    assert [(f.vulnerability_id, f.aliases) for f in contents.scans[0].findings] == [  # type: ignore[attr-defined]
        ("CVE-2019-1010083", ("PYSEC-2019-179", "GHSA-5wv5-4vpf-pj6m")),
        ("CVE-2018-1000656", ("PYSEC-2018-66", "GHSA-562c-5r94-xh97")),
    ]
    found, contents = read(shared_fixtures / "vulns/osv/PYSEC-2023-74.json")
    assert found == FindingFormat.OSV
    (finding,) = contents.scans[0].findings  # type: ignore[attr-defined]
    assert (finding.vulnerability_id, finding.aliases, finding.package, finding.fixed_versions) == (
        "CVE-2023-32681",
        ("PYSEC-2023-74", "GHSA-j8r2-6x86-q33q"),
        "requests",
        ("2.31.0",),
    )


def test_cyclonedx_sbom_and_vex(shared_fixtures: Path) -> None:
    found, contents = read(shared_fixtures / "vulns/cyclonedx/laravel-7.12.0--bom.1.4.json")
    assert found == FindingFormat.CYCLONEDX
    (scan,) = contents.scans  # type: ignore[attr-defined]
    assert (scan.scanner, scan.target, scan.findings) == (
        "cyclonedx-php-composer",
        "pkg:composer/cyclonedx/cyclonedx-php-composer-demo",
        [],
    )
    path = shared_fixtures / "vulns/cyclonedx/vex-not_affected.json"
    found, contents = read(path)
    assert contents.scans == []  # type: ignore[attr-defined]
    assert contents.statements == [  # type: ignore[attr-defined]
        VexStatement(
            "CVE-2021-44228",
            "not_affected",
            "code_not_present",
            "This version of Product ABC is not affected by the vulnerability. Class with vulnerable code was "
            "removed before shipping.",
            "ABC",
            str(path),
        )
    ]


def test_every_file_imports_into_one_store(shared_fixtures: Path, store: Store) -> None:
    folder = shared_fixtures / "vulns"
    paths = [
        path
        for kind in ("trivy", "grype", "sarif", "pip-audit", "osv", "cyclonedx")
        for path in sorted((folder / kind).iterdir())
    ]
    results = [import_findings(store, path) for path in paths]
    assert [result.report.failed for result in results] == [False] * len(paths)
    with store.engine.connect() as connection:
        found = read_findings(connection)
    # 2 Trivy + 1 Grype (its GHSA and CVE matches merged) + 4 Trivy SARIF + 2 pip-audit + 1 OSV
    assert len(found) == 10
