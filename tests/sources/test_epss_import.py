"""Importing FIRST's EPSS CSV: the comment line with the score date, plain and gzipped files, a bad
row an IMP002 with its line, a file that is not EPSS an IMP041, and every import replacing the
scores as a whole (a bad file changes nothing). On SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from charter.model.diagnostics import Severity
from charter.model.security_facts import EpssScore
from charter.services.imports_security import import_epss
from charter.store.database import Store, open_store
from charter.store.security_facts import count_epss_scores, read_epss_scores

HEADER = "#model_version:v2023.03.01,score_date:2025-02-20T00:00:00+0000\ncve,epss,percentile\n"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'epss.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    with open_store(tmp_path, url) as opened:
        yield opened


def stored(store: Store, cves: list[str] | None = None) -> dict[str, EpssScore]:
    with store.engine.connect() as connection:
        return read_epss_scores(connection, cves)


def test_the_published_file_with_its_score_date(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "epss.csv"
    path.write_text(HEADER + "CVE-2021-44228,0.97565,0.99996\nCVE-2024-0001,0.00043,0.09\n", encoding="utf-8")
    report = import_epss(store, path)
    assert (report.imported, report.diagnostics) == (2, [])
    assert stored(store) == {
        "CVE-2021-44228": EpssScore("CVE-2021-44228", 0.97565, 0.99996, date(2025, 2, 20)),
        "CVE-2024-0001": EpssScore("CVE-2024-0001", 0.00043, 0.09, date(2025, 2, 20)),
    }


def test_a_gzipped_file_is_streamed_in_batches_and_replaces_the_scores(store: Store, tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_text(HEADER + "CVE-1999-0001,0.5,0.5\n", encoding="utf-8")
    import_epss(store, old)
    rows = "".join(f"CVE-2024-{number:05d},{number / 20000:.5f},{number / 20000:.5f}\n" for number in range(12_001))
    path = tmp_path / "epss_scores-2025-02-20.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(HEADER + rows)
    report = import_epss(store, path)
    assert (report.imported, report.diagnostics) == (12_001, [])
    with store.engine.connect() as connection:
        assert count_epss_scores(connection) == 12_001
    assert stored(store, ["CVE-2024-10000", "CVE-1999-0001"]) == {
        "CVE-2024-10000": EpssScore("CVE-2024-10000", 0.5, 0.5, date(2025, 2, 20))
    }


def test_without_the_comment_line_the_scores_have_no_date(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "epss.csv"
    path.write_text("cve,epss,percentile\nCVE-2021-44228,0.97565,0.99996\n", encoding="utf-8")
    report = import_epss(store, path)
    assert report.imported == 1 and not report.failed
    assert [(item.code, item.severity) for item in report.diagnostics] == [("IMP044", Severity.INFO)]
    assert stored(store)["CVE-2021-44228"].score_date is None


def test_bad_rows_name_their_line_and_nothing_changes(store: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "CVE-1999-0001,0.5,0.5\n", encoding="utf-8")
    import_epss(store, good)
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER + "CVE-2021-44228,0.9,0.9\nCVE-2021-1,0.1,0.1\n\nCVE-2022-0001,1.5,0.9\nCVE-2022-0002,high,0.9\n",
        encoding="utf-8",
    )
    report = import_epss(store, path)
    assert report.failed and report.imported == 0
    assert [(item.code, item.location.line if item.location else 0) for item in report.diagnostics] == [
        ("IMP002", 4),
        ("IMP002", 6),
        ("IMP002", 7),
    ]
    assert "'CVE-2021-1' is not a CVE id" in report.diagnostics[0].message
    assert set(stored(store)) == {"CVE-1999-0001"}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("id,score\nCVE-2021-44228,0.9\n", "IMP041"),
        ("", "IMP041"),
        ("#model_version:v2023.03.01\n", "IMP041"),
    ],
)
def test_a_file_that_is_not_epss(store: Store, tmp_path: Path, content: str, code: str) -> None:
    path = tmp_path / "other.csv"
    path.write_text(content, encoding="utf-8")
    report = import_epss(store, path)
    assert [item.code for item in report.diagnostics] == [code] and report.failed


def test_a_truncated_gzip_file_is_imp001(store: Store, tmp_path: Path) -> None:
    whole = gzip.compress((HEADER + "".join(f"CVE-2021-{number},0.9,0.9\n" for number in range(10000, 12000))).encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    report = import_epss(store, path)
    assert [item.code for item in report.diagnostics] == ["IMP001"] and report.imported == 0
    assert "gzip" in report.diagnostics[0].message


def test_firsts_own_file(store: Store, shared_fixtures: Path) -> None:
    report = import_epss(store, shared_fixtures / "vulns" / "epss" / "example-1.csv")
    assert (report.imported, report.diagnostics) == (5, [])
    assert stored(store, ["CVE-1999-0005"]) == {
        "CVE-1999-0005": EpssScore("CVE-1999-0005", 0.91963, 0.99214, date(2025, 2, 20))
    }
