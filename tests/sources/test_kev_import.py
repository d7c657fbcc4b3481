"""Importing CISA's KEV catalog: the published wrapper and a bare list, CISA's own file, every bad
entry an IMP002 naming its JSON path, an unknown shape IMP040, and a bad file changing nothing (the
catalog stored before stays). On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from charter.model.security_facts import KevEntry
from charter.services.imports_security import import_kev
from charter.store.database import Store, open_store
from charter.store.security_facts import read_kev_entries


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'kev.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    with open_store(tmp_path, url) as opened:
        yield opened


def entry(cve: str, **changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "cveID": cve,
        "vendorProject": "Apache",
        "product": "Log4j2",
        "vulnerabilityName": "Apache Log4j2 Remote Code Execution Vulnerability",
        "dateAdded": "2021-12-10",
        "shortDescription": "...",
        "requiredAction": "Apply updates per vendor instructions.",
        "dueDate": "2021-12-24",
        "knownRansomwareCampaignUse": "Known",
        "notes": "",
        "cwes": ["CWE-20"],
    }
    fields.update(changes)
    return fields


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def stored(store: Store) -> dict[str, KevEntry]:
    with store.engine.connect() as connection:
        return read_kev_entries(connection)


def test_the_catalog_wrapper_is_read_and_replaces_the_stored_catalog(store: Store, tmp_path: Path) -> None:
    first = write(tmp_path / "old.json", [entry("CVE-2020-0001")])
    assert import_kev(store, first).imported == 1
    catalog = {
        "title": "CISA Catalog",
        "catalogVersion": "2025.02.19",
        "count": 2,
        "vulnerabilities": [
            entry("CVE-2021-44228"),
            entry("CVE-2024-3400", knownRansomwareCampaignUse="Unknown", dueDate=None),
        ],
    }
    report = import_kev(store, write(tmp_path / "kev.json", catalog))
    assert (report.imported, report.diagnostics) == (2, [])
    assert stored(store) == {
        "CVE-2021-44228": KevEntry(
            "CVE-2021-44228",
            "Apache",
            "Log4j2",
            "Apache Log4j2 Remote Code Execution Vulnerability",
            date(2021, 12, 10),
            date(2021, 12, 24),
            True,
        ),
        "CVE-2024-3400": KevEntry(
            "CVE-2024-3400",
            "Apache",
            "Log4j2",
            "Apache Log4j2 Remote Code Execution Vulnerability",
            date(2021, 12, 10),
            None,
            False,
        ),
    }


def test_bad_entries_name_their_json_path_and_nothing_changes(store: Store, tmp_path: Path) -> None:
    import_kev(store, write(tmp_path / "good.json", [entry("CVE-2020-0001")]))
    catalog = {
        "vulnerabilities": [
            entry("CVE-2021-44228"),
            entry("CVE-2021-1", dateAdded=20211210),
            entry("not-a-cve"),
            entry("CVE-2022-0001", dateAdded="10/12/2021"),
            entry("CVE-2022-0002", knownRansomwareCampaignUse="Maybe"),
            "text",
        ]
    }
    report = import_kev(store, write(tmp_path / "bad.json", catalog))
    assert report.failed and report.imported == 0
    assert [(item.code, item.message.split(":")[0]) for item in report.diagnostics] == [
        ("IMP002", "$.vulnerabilities[1].cveID"),
        ("IMP002", "$.vulnerabilities[2].cveID"),
        ("IMP002", "$.vulnerabilities[3].dateAdded"),
        ("IMP002", "$.vulnerabilities[4].knownRansomwareCampaignUse"),
        ("IMP002", "$.vulnerabilities[5]"),
    ]
    assert all(
        item.location is not None and item.location.path == str(tmp_path / "bad.json") for item in report.diagnostics
    )
    assert "`dateAdded` is not a date: '10/12/2021'" in report.diagnostics[2].message
    assert set(stored(store)) == {"CVE-2020-0001"}


def test_a_field_of_the_wrong_type_is_named(store: Store, tmp_path: Path) -> None:
    report = import_kev(store, write(tmp_path / "typed.json", [entry("CVE-2021-44228", vendorProject=["Apache"])]))
    assert [item.message for item in report.diagnostics] == [
        "$[0].vendorProject: `vendorProject` must be text, not a JSON array"
    ]


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ({"title": "CISA Catalog", "catalogVersion": "1"}, "no `vulnerabilities` array"),
        ({"vulnerabilities": {"CVE-2021-44228": {}}}, "`$.vulnerabilities` is not an array"),
        ("CVE-2021-44228", "neither a KEV catalog object nor an array"),
    ],
)
def test_a_file_of_another_shape_is_imp040(store: Store, tmp_path: Path, document: object, reason: str) -> None:
    report = import_kev(store, write(tmp_path / "other.json", document))
    assert [item.code for item in report.diagnostics] == ["IMP040"] and reason in report.diagnostics[0].message


def test_truncated_json_is_imp001_with_its_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('{"vulnerabilities": [\n  {"cveID": "CVE-2021-44228",\n', encoding="utf-8")
    report = import_kev(store, path)
    assert [item.code for item in report.diagnostics] == ["IMP001"]
    assert report.diagnostics[0].location is not None and report.diagnostics[0].location.line == 3


def test_cisas_own_catalog_file(store: Store, shared_fixtures: Path) -> None:
    report = import_kev(store, shared_fixtures / "vulns" / "kev" / "valid-catalog-1.json")
    assert (report.imported, report.diagnostics) == (3, [])
    found = stored(store)
    assert sorted(found) == ["CVE-2024-53704", "CVE-2024-57727", "CVE-2025-0108"]
    assert found["CVE-2024-57727"] == KevEntry(
        "CVE-2024-57727",
        "SimpleHelp",
        "SimpleHelp",
        "SimpleHelp Path Traversal Vulnerability",
        date(2025, 2, 13),
        date(2025, 3, 6),
        False,
    )
