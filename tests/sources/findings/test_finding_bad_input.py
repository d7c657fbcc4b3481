"""Bad scanner files: each a clear error naming the file and the JSON path, and a file with an error
imports nothing (the others still import). On SQLite and PostgreSQL."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from charter.model.file_formats import FindingFormat
from charter.services.imports_findings import import_findings
from charter.sources.findings.importer import FindingImportOptions
from charter.sources.records import ERROR_CAP
from charter.store import Store
from charter.store.schema import finding_scans, findings
from tests.sources.findings.documents import (
    sarif_code_log,
    sarif_result,
    trivy_report,
    trivy_vulnerability,
    write_json,
)

pytestmark = pytest.mark.usefixtures("parse_mode")


def rows(store: Store) -> tuple[int, int]:
    with store.engine.connect() as connection:
        return (
            connection.execute(select(func.count()).select_from(findings)).scalar_one(),
            connection.execute(select(func.count()).select_from(finding_scans)).scalar_one(),
        )


def only_error(store: Store, path: Path, options: FindingImportOptions | None = None) -> tuple[str, str]:
    result = import_findings(store, path, options)
    assert result.report.failed
    (error,) = result.report.diagnostics
    assert error.location is not None and error.location.path == str(path)
    assert rows(store) == (0, 0)
    return error.code, error.message


def test_unknown_format(store: Store, tmp_path: Path) -> None:
    path = write_json(tmp_path / "other.json", {"name": "not a scan", "items": []})
    code, message = only_error(store, path)
    assert code == "IMP030"
    assert message == f"cannot tell which scanner wrote {path}: not a scanner format Charter knows"


def test_json_cut_before_its_format_shows_is_truncated_not_unknown(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "cut.sarif"
    path.write_text('{"runs": [', encoding="utf-8")
    code, message = only_error(store, path)
    assert (code, message) == ("IMP032", f"{path} is not complete JSON: Expecting value at line 1, column 11")


def test_a_file_that_is_not_json_at_all_is_of_unknown_format(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "scan.csv"
    path.write_text("id,severity\nCVE-2024-0001,high\n", encoding="utf-8")
    code, _message = only_error(store, path)
    assert code == "IMP030"


def test_sarif_of_another_version(store: Store, tmp_path: Path) -> None:
    log = sarif_code_log([sarif_result("py/sql-injection", 0, "app/db.py", 4)])
    log["version"] = "2.0.0"
    path = write_json(tmp_path / "old.sarif", log)
    code, message = only_error(store, path)
    assert (code, message) == ("IMP031", f"{path}: $.version: SARIF version '2.0.0': only 2.1.0 is read")


def test_truncated_json_names_where_reading_stopped(store: Store, tmp_path: Path) -> None:
    vulnerabilities = [trivy_vulnerability(f"CVE-2023-000{index}", "libssl3", "3.1") for index in range(3)]
    path = write_json(tmp_path / "cut.json", trivy_report(vulnerabilities))
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("CVE-2023-0002") + 5], encoding="utf-8")
    code, message = only_error(store, path)
    assert code == "IMP032"
    assert message.startswith(f"{path} is not complete JSON: ")
    assert message.endswith("(reading stopped at $.Results[0].Vulnerabilities[2])")


def test_a_field_of_the_wrong_type_names_its_json_path(store: Store, tmp_path: Path) -> None:
    results = [sarif_result("py/sql-injection", 0, "app/db.py", line) for line in (4, 5)]
    results[1]["level"] = 3
    path = write_json(tmp_path / "codeql.sarif", sarif_code_log(results))
    code, message = only_error(store, path)
    assert (code, message) == ("IMP033", f"{path}: $.runs[0].results[1].level: must be text, not a JSON number")


def test_an_array_of_the_wrong_type(store: Store, tmp_path: Path) -> None:
    report = trivy_report([])
    report["Results"] = {"Target": "x"}
    path = write_json(tmp_path / "trivy.json", report)
    assert only_error(store, path) == ("IMP033", f"{path}: $.Results: must be an array, not a JSON object")


def test_a_cvss_vector_that_does_not_parse(store: Store, tmp_path: Path) -> None:
    vulnerability = trivy_vulnerability("CVE-2023-0001", "libssl3", "3.1")
    vulnerability["CVSS"]["nvd"]["V3Vector"] = "CVSS:3.1/AV:Q/AC:L"
    path = write_json(tmp_path / "trivy.json", trivy_report([vulnerability]))
    assert only_error(store, path) == (
        "IMP034",
        f"{path}: $.Results[0].Vulnerabilities[0].CVSS.nvd.V3Vector: 'CVSS:3.1/AV:Q/AC:L' is not a CVSS vector",
    )


def test_bad_items_are_all_reported_up_to_the_cap(store: Store, tmp_path: Path) -> None:
    vulnerabilities = [trivy_vulnerability(f"CVE-2023-{index:04d}", "libssl3", "3.1") for index in range(30)]
    for item in vulnerabilities:
        item["Severity"] = "SEVERE"
    path = write_json(tmp_path / "trivy.json", trivy_report(vulnerabilities))
    result = import_findings(store, path)
    assert [item.code for item in result.report.diagnostics] == ["IMP033"] * (ERROR_CAP + 1)
    assert result.report.diagnostics[1].message == (
        f"{path}: $.Results[0].Vulnerabilities[1].Severity: 'SEVERE' is not a Trivy severity"
    )
    assert rows(store) == (0, 0)


def test_a_forced_format_that_does_not_fit_the_file(store: Store, tmp_path: Path) -> None:
    path = write_json(tmp_path / "trivy.json", trivy_report([]))
    code, message = only_error(store, path, FindingImportOptions(input_format=FindingFormat.PIP_AUDIT))
    assert (code, message) == ("IMP030", f"{path} was given as pip-audit, but its content is trivy")


def test_a_bad_file_imports_nothing_while_the_next_one_imports(store: Store, tmp_path: Path) -> None:
    good = trivy_report([trivy_vulnerability("CVE-2023-0001", "libssl3", "3.1")])
    bad = copy.deepcopy(good)
    bad["Results"][0]["Vulnerabilities"].append({"VulnerabilityID": 7})
    failed = import_findings(store, write_json(tmp_path / "bad.json", bad))
    assert [item.code for item in failed.report.diagnostics] == ["IMP033"]
    assert failed.report.imported == 0
    assert rows(store) == (0, 0)
    imported = import_findings(store, write_json(tmp_path / "good.json", good))
    assert not imported.report.failed
    assert rows(store) == (1, 1)


@pytest.mark.parametrize(("text", "expected"), [("", "IMP030"), ("   ", "IMP030"), ("[1, 2", "IMP032")])
def test_empty_or_broken_files(store: Store, tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "scan.json"
    path.write_text(text, encoding="utf-8")
    code, _message = only_error(store, path)
    assert code == expected
