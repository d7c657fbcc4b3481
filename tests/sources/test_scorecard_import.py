"""Importing OpenSSF Scorecard results: checks with scores (-1 kept as no score), a result replacing
its repository's checks, a bad check an IMP002 naming its JSON path, another file IMP042, and a
repository no component names IMP043. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from charter.model.security_facts import ScorecardCheck
from charter.services.imports_security import import_scorecard
from charter.store.database import Store, open_store
from charter.store.security_facts import read_scorecard_checks


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'sc.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    with open_store(tmp_path, url) as opened:
        yield opened


def result(repository: str, checks: list[object], date: object = "2026-11-01T09:00:00Z") -> dict[str, object]:
    return {
        "date": date,
        "repo": {"name": repository, "commit": "a" * 40},
        "scorecard": {"version": "v5.0.0", "commit": "b" * 40},
        "score": 5.2,
        "checks": checks,
        "metadata": None,
    }


def check(name: str, score: object, details: object = None) -> dict[str, object]:
    return {
        "name": name,
        "score": score,
        "reason": f"{name} reason",
        "details": details,
        "documentation": {"url": "https://example.test", "short": "x"},
    }


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def stored(store: Store) -> list[ScorecardCheck]:
    with store.engine.connect() as connection:
        return read_scorecard_checks(connection)


AT = datetime(2026, 11, 1, 9, tzinfo=UTC)


def test_a_result_replaces_the_checks_of_its_repository(store: Store, tmp_path: Path) -> None:
    import_scorecard(store, write(tmp_path / "a1.json", result("github.com/acme/shop", [check("SAST", 2)])))
    import_scorecard(store, write(tmp_path / "b.json", result("github.com/acme/pay", [check("Code-Review", 10)])))
    second = result(
        "github.com/acme/shop", [check("Branch-Protection", 3, ["Warn: no protection"]), check("Fuzzing", -1)]
    )
    report = import_scorecard(store, write(tmp_path / "a2.json", second), known_repositories={"shop", "pay"})
    assert (report.imported, report.diagnostics) == (2, [])
    assert stored(store) == [
        ScorecardCheck("github.com/acme/pay", "Code-Review", 10, "Code-Review reason", AT, (), "a" * 40),
        ScorecardCheck(
            "github.com/acme/shop",
            "Branch-Protection",
            3,
            "Branch-Protection reason",
            AT,
            ("Warn: no protection",),
            "a" * 40,
        ),
        ScorecardCheck("github.com/acme/shop", "Fuzzing", None, "Fuzzing reason", AT, (), "a" * 40),
    ]
    assert stored(store)[0].repository_name == "pay"


def test_bad_checks_name_their_json_path_and_nothing_changes(store: Store, tmp_path: Path) -> None:
    import_scorecard(store, write(tmp_path / "ok.json", result("github.com/acme/shop", [check("SAST", 2)])))
    bad = result(
        "github.com/acme/shop",
        [
            check("SAST", 11),
            check("Code-Review", "8"),
            check("Pinned", 3, "x"),
            {"score": 1},
            check("Token-Permissions", True),
        ],
    )
    report = import_scorecard(store, write(tmp_path / "bad.json", bad))
    assert report.failed and report.imported == 0
    assert [item.message.split(":")[0] for item in report.diagnostics] == [
        "$.checks[0].score",
        "$.checks[1].score",
        "$.checks[2].details",
        "$.checks[3].name",
        "$.checks[4].score",
    ]
    assert [item.check for item in stored(store)] == ["SAST"] and stored(store)[0].score == 2


def test_a_bad_date_or_repository_is_named(store: Store, tmp_path: Path) -> None:
    report = import_scorecard(store, write(tmp_path / "d.json", result("github.com/a/b", [], date="yesterday")))
    assert [item.message.split(":")[0] for item in report.diagnostics] == ["$.date"]
    report = import_scorecard(store, write(tmp_path / "r.json", {**result("x", []), "repo": {"name": 7}}))
    assert [item.message for item in report.diagnostics] == ["$.repo.name: `repo.name` must be text, not a JSON number"]


def test_another_json_file_is_imp042(store: Store, tmp_path: Path) -> None:
    report = import_scorecard(store, write(tmp_path / "sarif.json", {"version": "2.1.0", "runs": []}))
    assert [item.code for item in report.diagnostics] == ["IMP042"]


def test_a_repository_no_component_names_is_imported_with_a_warning(store: Store, tmp_path: Path) -> None:
    report = import_scorecard(
        store, write(tmp_path / "x.json", result("github.com/acme/other", [check("SAST", 1)])), {"shop"}
    )
    assert report.imported == 1 and not report.failed
    assert [item.code for item in report.diagnostics] == ["IMP043"] and "'other'" in report.diagnostics[0].message


def test_scorecards_own_result_file(store: Store, shared_fixtures: Path) -> None:
    report = import_scorecard(store, shared_fixtures / "scorecard" / "check3.json")
    assert (report.imported, report.diagnostics) == (3, [])
    scored = datetime(2023, 3, 2, 16, 30, 43, tzinfo=UTC)  # 10:30:43-06:00
    assert [(item.repository, item.check, item.score, item.scored_at) for item in stored(store)] == [
        ("org/name", "Check-Name", 0, scored),
        ("org/name", "Check-Name2", 0, scored),
        ("org/name", "Check-Name3", None, scored),
    ]
    assert stored(store)[2].details == ("Info: info message: some/path.js:3", "Warn: warn message: some/path.py:3")
