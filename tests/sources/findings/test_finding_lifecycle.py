"""Findings in the store, on SQLite and PostgreSQL: deduplicated across scanners and imports, first
seen kept, closed when a later scan of the same scanner and target lacks them and reopened when
they return, suppressed by VEX with the reason shown, and mapped to components."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path

from charter.model.finding import VexStatement
from charter.services.findings import read_findings
from charter.services.imports_findings import FindingImport, import_findings
from charter.sources.findings.components import ComponentMatcher, ComponentSpec
from charter.sources.findings.importer import FindingImportOptions
from charter.store import Store
from tests.sources.findings.documents import (
    OPENVEX,
    grype_match,
    grype_report,
    sarif_code_log,
    sarif_result,
    trivy_report,
    trivy_vulnerability,
    write_json,
)

CHECKOUT = "component:default/checkout"
MATCHER = ComponentMatcher(
    [
        ComponentSpec(CHECKOUT, "checkout", "checkout", None, ("registry.example/acme/checkout:*",)),
        ComponentSpec("component:default/payments", "payments", "payments"),
    ]
)
OPTIONS = FindingImportOptions(matcher=MATCHER)


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 5, day, hour, tzinfo=UTC)


def trivy_file(tmp_path: Path, name: str, cves: list[str], created: str) -> Path:
    vulnerabilities = [trivy_vulnerability(cve, "libssl3", "3.1.2-r0") for cve in cves]
    return write_json(tmp_path / name, trivy_report(vulnerabilities, created))


def imported(store: Store, path: Path, options: FindingImportOptions = OPTIONS) -> FindingImport:
    result = import_findings(store, path, options)
    assert not result.report.failed, result.report.diagnostics
    return result


def stored(store: Store, *, open_only: bool = False) -> dict[str, object]:
    with store.engine.connect() as connection:
        return {finding.key: finding for finding in read_findings(connection, open_only=open_only)}


def test_trivy_and_grype_on_the_same_image_give_one_finding(store: Store, tmp_path: Path) -> None:
    imported(store, trivy_file(tmp_path, "trivy.json", ["CVE-2023-2650"], "2026-05-01T10:00:00Z"))
    grype = grype_report(
        [grype_match("GHSA-abcd-efgh-ijkl", "libssl3", "3.1.2-r0", ["CVE-2023-2650"], "Medium")],
        "2026-05-01T09:00:00Z",
    )
    result = imported(store, write_json(tmp_path / "grype.json", grype))
    assert (result.new, result.findings) == (1, 1)  # new on Grype's target bookkeeping, the same finding

    (finding,) = stored(store).values()
    assert finding.key == f"CVE-2023-2650|libssl3|{CHECKOUT}"
    assert finding.component == CHECKOUT
    assert finding.scanner == "Trivy"  # the scanner that found it first keeps its name on it
    assert finding.severity == "high"  # Trivy's HIGH over Grype's Medium: the highest is kept
    assert finding.first_seen == at(1, 9)  # Grype's scan ran first
    assert finding.last_seen == at(1, 10)
    assert finding.closed_at is None


def test_a_later_scan_that_lacks_a_finding_closes_it_and_first_seen_survives(store: Store, tmp_path: Path) -> None:
    imported(store, trivy_file(tmp_path, "1.json", ["CVE-2023-0001", "CVE-2023-0002"], "2026-05-01T00:00:00Z"))
    second = imported(store, trivy_file(tmp_path, "2.json", ["CVE-2023-0001"], "2026-05-02T00:00:00Z"))
    assert (second.new, second.closed) == (0, 1)

    findings = stored(store)
    kept, gone = findings[f"CVE-2023-0001|libssl3|{CHECKOUT}"], findings[f"CVE-2023-0002|libssl3|{CHECKOUT}"]
    assert (kept.first_seen, kept.last_seen, kept.closed_at) == (at(1), at(2), None)
    assert (gone.first_seen, gone.last_seen, gone.closed_at) == (at(1), at(1), at(2))
    assert list(stored(store, open_only=True)) == [f"CVE-2023-0001|libssl3|{CHECKOUT}"]

    third = imported(store, trivy_file(tmp_path, "3.json", ["CVE-2023-0001", "CVE-2023-0002"], "2026-05-03T00:00:00Z"))
    assert third.scans[0].write.reopened == 1
    back = stored(store)[f"CVE-2023-0002|libssl3|{CHECKOUT}"]
    assert (back.first_seen, back.last_seen, back.closed_at) == (at(1), at(3), None)


def test_reimporting_the_same_file_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = trivy_file(tmp_path, "1.json", ["CVE-2023-0001"], "2026-05-01T00:00:00Z")
    imported(store, path)
    before = stored(store)
    again = imported(store, path)
    assert (again.new, again.closed, again.scans[0].write.seen_again) == (0, 0, 1)
    assert stored(store) == before


def test_another_scanner_lacking_a_finding_does_not_close_it(store: Store, tmp_path: Path) -> None:
    imported(store, trivy_file(tmp_path, "trivy.json", ["CVE-2023-0001"], "2026-05-01T00:00:00Z"))
    grype_first = grype_report([grype_match("CVE-2023-0001", "libssl3", "3.1.2-r0", [])], "2026-05-01T00:00:00Z")
    imported(store, write_json(tmp_path / "grype1.json", grype_first))
    grype_later = imported(store, write_json(tmp_path / "grype2.json", grype_report([], "2026-05-02T00:00:00Z")))
    assert grype_later.closed == 1  # Grype's sighting is closed ...
    (finding,) = stored(store).values()
    assert finding.closed_at is None  # ... but Trivy still reports it

    imported(store, trivy_file(tmp_path, "trivy3.json", [], "2026-05-03T00:00:00Z"))
    (finding,) = stored(store).values()
    assert (finding.first_seen, finding.last_seen, finding.closed_at) == (at(1), at(1), at(3))  # the latest closure


def test_an_older_scan_closes_nothing_and_moves_first_seen_back(store: Store, tmp_path: Path) -> None:
    imported(store, trivy_file(tmp_path, "new.json", ["CVE-2023-0001"], "2026-05-05T00:00:00Z"))
    older = import_findings(
        store, trivy_file(tmp_path, "old.json", ["CVE-2023-0001", "CVE-2023-0002"], "2026-05-01T00:00:00Z"), OPTIONS
    )
    assert [item.code for item in older.report.diagnostics] == ["IMP036"]
    assert older.closed == 0
    findings = stored(store)
    assert findings[f"CVE-2023-0001|libssl3|{CHECKOUT}"].first_seen == at(1)
    # Seen only in the older scan: the newer one, already stored, says it was gone by then.
    gone = findings[f"CVE-2023-0002|libssl3|{CHECKOUT}"]
    assert (gone.first_seen, gone.last_seen, gone.closed_at) == (at(1), at(1), at(5))


def test_vex_not_affected_suppresses_with_its_justification(store: Store, tmp_path: Path) -> None:
    vulnerability = trivy_vulnerability("CVE-2023-2650", "libcrypto3", "3.1.2-r0")
    other = trivy_vulnerability("CVE-2099-0001", "libcrypto3", "3.1.2-r0")
    imported(store, write_json(tmp_path / "trivy.json", trivy_report([vulnerability, other])))
    vex = imported(store, write_json(tmp_path / "vex.json", OPENVEX))
    assert vex.statements == 2

    with store.engine.connect() as connection:
        shown = read_findings(connection, open_only=True)
        everything = {finding.vulnerability_id: finding for finding in read_findings(connection, open_only=False)}
    assert [finding.vulnerability_id for finding in shown] == ["CVE-2099-0001"]  # under_investigation: still open
    suppressed = everything["CVE-2023-2650"]
    assert suppressed.suppressed_by == VexStatement(
        "CVE-2023-2650",
        "not_affected",
        "vulnerable_code_not_in_execute_path",
        "The service never parses ASN.1 from untrusted input.",
        "pkg:apk/alpine/libcrypto3@3.1.2-r0",
        str((tmp_path / "vex.json").resolve()),
    )
    assert not suppressed.is_open


def test_a_newer_affected_statement_lifts_the_suppression(store: Store, tmp_path: Path) -> None:
    imported(
        store,
        write_json(
            tmp_path / "trivy.json", trivy_report([trivy_vulnerability("CVE-2023-2650", "libcrypto3", "3.1.2-r0")])
        ),
    )
    imported(store, write_json(tmp_path / "vex1.json", OPENVEX))
    newer = copy.deepcopy(OPENVEX)
    newer["timestamp"] = "2026-05-06T00:00:00Z"
    newer["statements"] = [{**OPENVEX["statements"][0], "status": "affected"}]
    imported(store, write_json(tmp_path / "vex2.json", newer))
    (finding,) = stored(store, open_only=True).values()
    assert finding.suppressed_by is None


def test_unmapped_findings_are_stored_and_reported(store: Store, tmp_path: Path) -> None:
    report = trivy_report([trivy_vulnerability("CVE-2023-0001", "zlib", "1.2")])
    report["ArtifactName"] = "registry.example/acme/unknown:2"
    result = import_findings(store, write_json(tmp_path / "trivy.json", report), OPTIONS)
    (warning,) = result.report.diagnostics
    assert warning.code == "IMP035"
    assert "1 of 1 findings of Trivy on 'registry.example/acme/unknown:2'" in warning.message
    (finding,) = stored(store).values()
    assert finding.component is None
    assert finding.key == "CVE-2023-0001|zlib|target:registry.example/acme/unknown:2"


def test_code_findings_map_by_repository_and_monorepo_path(store: Store, tmp_path: Path) -> None:
    matcher = ComponentMatcher(
        [
            ComponentSpec("component:default/checkout-api", "checkout-api", "checkout", "services/api"),
            ComponentSpec("component:default/checkout-web", "checkout-web", "checkout", "web"),
        ]
    )
    log = sarif_code_log(
        [
            sarif_result("py/sql-injection", 0, "services/api/db.py", 4),
            sarif_result("py/sql-injection", 0, "web/x.py", 9),
        ]
    )
    imported(store, write_json(tmp_path / "codeql.sarif", log), FindingImportOptions(matcher=matcher))
    assert sorted((finding.path, finding.component) for finding in stored(store).values()) == [
        ("services/api/db.py", "component:default/checkout-api"),
        ("web/x.py", "component:default/checkout-web"),
    ]


def test_a_code_finding_that_moves_keeps_its_identity_through_fingerprints(store: Store, tmp_path: Path) -> None:
    first = sarif_code_log([sarif_result("py/sql-injection", 0, "app/db.py", 42, "5a1b:1")], "2026-05-01T00:00:00Z")
    moved = sarif_code_log([sarif_result("py/sql-injection", 0, "app/db.py", 57, "5a1b:1")], "2026-05-02T00:00:00Z")
    imported(store, write_json(tmp_path / "1.sarif", first))
    second = imported(store, write_json(tmp_path / "2.sarif", moved))
    assert (second.new, second.closed) == (0, 0)
    (finding,) = stored(store).values()
    assert (finding.line, finding.first_seen, finding.component) == (57, at(1), CHECKOUT)


def test_repo_name_and_forced_component_map_files_that_name_no_target(store: Store, tmp_path: Path) -> None:
    from tests.sources.findings.documents import PIP_AUDIT_CURRENT

    path = write_json(tmp_path / "pip-audit.json", PIP_AUDIT_CURRENT)
    by_repo = imported(store, path, FindingImportOptions(repository_name="payments", matcher=MATCHER, now=at(1)))
    assert [(scan.target, scan.unmapped) for scan in by_repo.scans] == [("payments", 0)]
    forced = imported(store, path, FindingImportOptions(component=CHECKOUT, matcher=MATCHER, scanned_at=at(2)))
    assert forced.scans[0].target == "pip-audit.json"
    assert sorted(finding.component for finding in stored(store).values()) == [CHECKOUT, "component:default/payments"]
