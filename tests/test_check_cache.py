"""A check result is reused only while everything it depended on is unchanged: files (including
ones reached through Locations), new files, the paths rules asked about, the date, Charter's code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import charter.services.check
from charter.services.check import checked_repository
from charter.store.database import open_store
from tests.strategy import write_repo

TODAY = date(2026, 11, 24)

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
    with open_store(repo, f"sqlite:///{repo / 'c.db'}") as store:
        return sorted(d.code for d in checked_repository(repo, store, today).diagnostics)


def forbid_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the repository was loaded although nothing changed")

    monkeypatch.setattr(charter.services.check, "load_context", refuse)


def test_unchanged_repository_is_answered_from_the_store(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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
    real = charter.services.check.load_context
    monkeypatch.setattr(charter.services.check, "load_context", lambda *a, **k: loads.append(1) or real(*a, **k))
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
    real = charter.services.check.load_context
    monkeypatch.setattr(charter.services.check, "load_context", lambda *a, **k: loads.append(1) or real(*a, **k))
    codes(repo)
    assert loads == [1]


def test_result_survives_a_round_trip_on_postgresql(
    repo: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(repo, postgres_url) as store:
        first = checked_repository(repo, store, TODAY)
    forbid_loading(monkeypatch)
    with open_store(repo, postgres_url) as store:
        assert checked_repository(repo, store, TODAY) == first
