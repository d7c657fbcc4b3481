"""A check result is reused only while everything it depended on is unchanged: files (including
ones reached through Locations), new files, the paths rules asked about, the date, Charter's code.
It is kept in the repository's local cache, and a check never opens the store."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import charter.load.parallel_parse
import charter.services.check
from charter.services.check import CheckOptions, check_repository, checked_repository
from charter.store.local_cache import LocalCache
from tests.strategy import write_repo

TODAY = date(2026, 11, 24)
CHECK_AND_LIST_IMPORTS = (
    "import sys; from pathlib import Path; from charter.services.check import CheckOptions, check_repository; "
    "check_repository(Path(sys.argv[1]), CheckOptions()); print(*sorted({m.split('.')[0] for m in sys.modules}))"
)

GROUP = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: payments}\nspec: {type: team, children: []}\n"
LOCATION = (
    "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: more}\nspec: {target: ../extra/svc.yaml}\n"
)
SERVICE = (
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n"
    "  annotations: {{charter.dev/tier: '{tier}', charter.dev/on-call: x, charter.dev/runbook: r}}\n"
    "spec: {{type: service, lifecycle: production, owner: payments}}\n"
)
MIGRATION = (
    "apiVersion: charter.dev/v1\nkind: Initiative\nmetadata: {name: move}\n"
    "spec:\n  type: migration\n  owner: payments\n  migration:\n    rollbackPlan: docs/rollback.md\n"
    "    successCriteria: [ok]\n    observability: [https://grafana.example.com/d/x]\n"
)
RISK = (
    "apiVersion: charter.dev/v1\nkind: Risk\nmetadata: {name: r}\nspec:\n  title: t\n  category: reliability\n"
    "  owner: payments\n  treatment: accept\n  likelihood: 1\n  impact: 1\n  reviewBy: 2026-11-30\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_repo(
        tmp_path,
        {
            "catalog/team.yaml": GROUP,
            "catalog/locations.yaml": LOCATION,
            "extra/svc.yaml": SERVICE.format(tier=1),
            "roadmap/move.yaml": MIGRATION,
            "risks/r.yaml": RISK,
        },
    )


def codes(repo: Path, today: date = TODAY) -> list[str]:
    return sorted(d.code for d in checked_repository(repo, LocalCache.open(repo), today).diagnostics)


def forbid_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the repository was loaded although nothing changed")

    monkeypatch.setattr(charter.services.check, "load_checked_context", refuse)


def test_unchanged_repository_is_answered_from_the_cache(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = codes(repo)
    assert first == ["MIG004", "REL001"]
    forbid_loading(monkeypatch)
    assert codes(repo) == first


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda repo: (repo / "extra" / "svc.yaml").write_text(SERVICE.format(tier=3)), id="location-target"
        ),
        pytest.param(
            lambda repo: (repo / "docs").mkdir() or (repo / "docs" / "rollback.md").write_text("x"), id="probe"
        ),
        pytest.param(
            lambda repo: (repo / "risks" / "new.yaml").write_text(
                RISK.replace("name: r", "name: s").replace("  owner: payments\n", "")
            ),
            id="new-file",
        ),
    ],
)
def test_any_changed_input_recomputes(repo: Path, change: object) -> None:
    before = codes(repo)
    change(repo)  # type: ignore[operator]
    assert codes(repo) != before


def test_an_edit_is_loaded_again(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    codes(repo)
    (repo / "catalog" / "team.yaml").write_text(GROUP + "\n# edited\n")
    loads = []
    real = charter.services.check.load_checked_context
    monkeypatch.setattr(
        charter.services.check, "load_checked_context", lambda *a, **k: loads.append(1) or real(*a, **k)
    )
    codes(repo)
    codes(repo)
    assert loads == [1]


def test_a_new_day_recomputes(repo: Path) -> None:
    assert "RSK004" not in codes(repo, date(2026, 11, 24))
    assert "RSK004" in codes(repo, date(2026, 12, 1))


def test_other_code_recomputes(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    codes(repo)
    monkeypatch.setattr("charter.services.cached_check.code_stamp", lambda: "another build")
    loads = []
    real = charter.services.check.load_checked_context
    monkeypatch.setattr(
        charter.services.check, "load_checked_context", lambda *a, **k: loads.append(1) or real(*a, **k)
    )
    codes(repo)
    assert loads == [1]


def test_only_the_edited_file_is_parsed_again(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = codes(repo)
    (repo / "risks" / "r.yaml").write_text(RISK.replace("title: t", "title: edited"))
    parsed: list[str] = []
    real = charter.load.parallel_parse.parse_yaml_documents
    monkeypatch.setattr(
        charter.load.parallel_parse, "parse_yaml_documents", lambda text: parsed.append(text) or real(text)
    )

    assert codes(repo) == first
    assert [text.count("title: edited") for text in parsed] == [1]


def test_a_check_never_opens_the_store(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTER_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")  # nothing listens there
    told: list[str] = []
    first = check_repository(repo, CheckOptions(as_of=TODAY), told.append)
    forbid_loading(monkeypatch)
    second = check_repository(repo, CheckOptions(as_of=TODAY), told.append)

    assert told == []
    assert second.report.diagnostics == first.report.diagnostics
    assert sorted(path.name for path in (repo / ".charter").iterdir()) == ["cache.sqlite"]
    (repo / ".charter" / "cache.sqlite").unlink()  # a cold check in a process of its own
    imported = subprocess.run(
        [sys.executable, "-c", CHECK_AND_LIST_IMPORTS, str(repo)], capture_output=True, text=True, check=True
    )
    assert "sqlalchemy" not in imported.stdout.split()


def test_no_cache_reads_and_writes_no_cache(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    codes(repo)
    loads = []
    real = charter.services.check.load_checked_context
    monkeypatch.setattr(
        charter.services.check, "load_checked_context", lambda *a, **k: loads.append(a) or real(*a, **k)
    )
    (repo / ".charter" / "cache.sqlite").unlink()

    check_repository(repo, CheckOptions(as_of=TODAY, use_cache=False))

    assert [cache for _, cache in loads] == [None]
    assert not (repo / ".charter" / "cache.sqlite").exists()
