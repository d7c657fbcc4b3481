"""`charter sync` keeps the last snapshot without measuring anything when nothing the snapshot and
the escalations read changed since the last sync of the same day, and measures again after any
change: a new commit, a new deployment, an edited strategy file, another snapshot taken between."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import charter.services.escalations
import charter.services.snapshot
from tests.conftest import charter_output
from tests.integration.test_sync_delivery import Clone, database, history

AS_OF = "2026-10-13"
# A tier-1 component no Group owns: ESC007, an escalation in the ledger.
CRITICAL_WITHOUT_GROUP = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  annotations: {charter.dev/tier: "1"}
spec: {type: service, lifecycle: production, owner: nobody}
"""
KEPT = "kept (nothing changed since it was taken), not measured again: nothing it reads changed"

__all__ = [
    "database",
    "history",
]  # fixtures: a clone with release tags beside the strategy in tmp_path/org; the store on SQLite or PostgreSQL


class Measured:
    """Counts the snapshots' measurements and the escalation runs, letting each run."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.snapshots = 0
        self.escalation_runs = 0
        measure, escalate = charter.services.snapshot.snapshot_values, charter.services.escalations.record_escalations

        def counted_measure(*arguments: Any, **keywords: Any) -> Any:
            self.snapshots += 1
            return measure(*arguments, **keywords)

        def counted_escalations(*arguments: Any, **keywords: Any) -> Any:
            self.escalation_runs += 1
            return escalate(*arguments, **keywords)

        monkeypatch.setattr(charter.services.snapshot, "snapshot_values", counted_measure)
        monkeypatch.setattr(charter.services.escalations, "record_escalations", counted_escalations)

    def both(self) -> tuple[int, int]:
        return self.snapshots, self.escalation_runs


def sync(repo: Path) -> str:
    return charter_output("sync", "--repo", str(repo), "--quiet", "--as-of", AS_OF)


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> Measured:
    return Measured(monkeypatch)


def test_an_unchanged_resync_keeps_the_snapshot_and_measures_nothing(
    tmp_path: Path, history: dict[str, str], database: str, measured: Measured
) -> None:
    repo = tmp_path / "org"
    assert "snapshot 1\n" in sync(repo)
    assert measured.both() == (1, 1)
    again = sync(repo)
    assert f"snapshot 1 {KEPT}" in again
    assert "escalations: 0 opened, 0 resolved" in again
    assert measured.both() == (1, 1)  # neither the providers nor the escalation rules ran
    assert f"snapshot 1 {KEPT}" in sync(repo)
    assert measured.both() == (1, 1)


def add_commit(tmp_path: Path, history: dict[str, str]) -> None:
    Clone(tmp_path / "clones" / "payments", create=False).commit("c7", 10)


def import_deployment(tmp_path: Path, history: dict[str, str]) -> None:
    record = {
        "id": "hotfix-1",
        "component": "payments",
        "environment": "production",
        "sha": history["c5"],
        "finished": "2026-10-12T10:00:00Z",
    }
    deployments = tmp_path / "deployments.jsonl"
    deployments.write_text(json.dumps(record) + "\n", encoding="utf-8")
    charter_output("import", "deployments", "--repo", str(tmp_path / "org"), str(deployments))


def edit_strategy(tmp_path: Path, history: dict[str, str]) -> None:
    catalog = tmp_path / "org" / "catalog" / "all.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n# reviewed\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "snapshot"),
    [
        (add_commit, "snapshot 2\n"),
        (import_deployment, "snapshot 2\n"),
        # Measured again; the values are the same, so the snapshot before holds them.
        (edit_strategy, "snapshot 1 kept (nothing changed since it was taken)\n"),
    ],
    ids=["new commit", "new deployment", "edited strategy file"],
)
def test_any_change_is_measured_and_then_kept_again(
    tmp_path: Path,
    history: dict[str, str],
    database: str,
    measured: Measured,
    change: Callable[[Path, dict[str, str]], None],
    snapshot: str,
) -> None:
    repo = tmp_path / "org"
    sync(repo)
    change(tmp_path, history)
    assert snapshot in sync(repo)
    assert measured.both() == (2, 2)
    assert KEPT in sync(repo)
    assert measured.both() == (2, 2)


def test_another_day_or_a_snapshot_taken_between_is_measured(
    tmp_path: Path, history: dict[str, str], database: str, measured: Measured
) -> None:
    repo = tmp_path / "org"
    sync(repo)
    charter_output("sync", "--repo", str(repo), "--quiet", "--as-of", "2026-10-14")
    assert measured.both() == (2, 2)
    sync(repo)  # 2026-10-13 again: the record is the other day's
    assert measured.both() == (3, 3)
    charter_output("snapshot", "--repo", str(repo), "--since", "2026-10-12", "--until", "2026-10-12")
    before = measured.snapshots
    sync(repo)  # a snapshot was taken since the last sync: measured again
    assert measured.snapshots == before + 1


def test_an_escalations_run_recorded_between_is_measured_again(
    tmp_path: Path, history: dict[str, str], database: str, measured: Measured
) -> None:
    repo = tmp_path / "org"
    (repo / "catalog" / "critical.yaml").write_text(CRITICAL_WITHOUT_GROUP, encoding="utf-8")
    assert "escalations: 1 opened" in sync(repo)
    sync(repo)
    assert measured.both() == (1, 1)
    charter_output("escalations", "--repo", str(repo))  # records its own run in the ledger
    assert KEPT not in sync(repo)
    assert measured.both() == (2, 2)


def test_importing_the_same_incidents_again_keeps_the_snapshot(
    tmp_path: Path, history: dict[str, str], database: str, measured: Measured
) -> None:
    """An incident export read again sets only when each incident was imported, which nothing reads
    (revision 0017): the next sync measures nothing; a changed incident is measured."""
    repo = tmp_path / "org"
    incident = {
        "id": "Q1", "incident_number": 1, "title": "Payments 5xx", "created_at": "2026-10-11T11:02:00Z",
        "status": "resolved", "urgency": "high", "service": {"id": "PPAY", "summary": "Payments API"},
        "resolved_at": "2026-10-11T14:00:00Z",
    }  # fmt: skip
    export = tmp_path / "pagerduty.json"
    export.write_text(json.dumps({"incidents": [incident]}), encoding="utf-8")
    charter_output("import", "incidents", "--repo", str(repo), str(export))
    assert "snapshot 1\n" in sync(repo)
    charter_output("import", "incidents", "--repo", str(repo), str(export))
    assert f"snapshot 1 {KEPT}" in sync(repo)
    assert measured.both() == (1, 1)
    changed = {**incident, "resolved_at": "2026-10-11T16:00:00Z"}
    export.write_text(json.dumps({"incidents": [changed]}), encoding="utf-8")
    charter_output("import", "incidents", "--repo", str(repo), str(export))
    assert KEPT not in sync(repo)
    assert measured.both() == (2, 2)
