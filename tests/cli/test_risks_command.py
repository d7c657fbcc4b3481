"""`charter risks` end to end on a strategy repository written by the test: the terminal view with
its heat map, JSON with changes since the register a snapshot recorded, Markdown, and
`--export poam`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from charter.model.risk_states import RiskState
from charter.store.database import open_store
from charter.store.risk_register import write_risk_states
from charter.store.snapshots import insert_snapshot
from tests.analysis.test_risk_register import FILES
from tests.conftest import run_charter
from tests.strategy import write_repo


def test_table_shows_the_heat_map_and_the_lists(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)

    code, out, _ = run_charter("risks", "--repo", str(root), "--as-of", "2026-11-01").streams

    assert code == 0
    assert "Risk heat map" in out
    heat_rows = [line for line in out.splitlines() if line.startswith("│") and line.count("│") == 7]
    # likelihood 5 row: (5,1) one risk and (5,5) one risk.
    assert [cell.strip() for cell in heat_rows[0].split("│")[1:7]] == [
        "5",
        "1 · medium",
        "· high",
        "· high",
        "· critical",
        "1 · critical",
    ]
    assert "Review overdue (1)" in out and "risk:one-by-five: due 2026-10-01" in out
    assert "Mitigating initiatives not committed to a quarter (1)" in out
    assert "no snapshot has recorded the register yet" in out
    assert "\x1b[" not in out  # no colour codes when not writing to a terminal


def test_json_reports_changes_since_the_register_of_the_last_snapshot(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    with open_store(root) as store, store.transaction() as connection:
        snapshot = insert_snapshot(connection, datetime(2026, 10, 15, tzinfo=UTC), None, [])
        write_risk_states(
            connection,
            snapshot,
            [RiskState("risk:one-by-one", "low", "open"), RiskState("risk:five-by-one", "high", "open")],
        )

    code, out, _ = run_charter("risks", "--repo", str(root), "--as-of", "2026-11-01", "--format", "json").streams

    assert code == 0
    data = json.loads(out)
    since = data["sinceLastSnapshot"]
    assert since["snapshot"] == snapshot
    assert since["closed"] == ["risk:one-by-one"]
    assert since["levelChanges"] == [{"risk": "risk:five-by-one", "from": "high", "to": "medium"}]
    assert len(since["new"]) == 6
    assert data["risks"][0]["risk"] == "risk:critical-accepted"
    assert data["overdueReviews"] == ["risk:one-by-five"]
    assert sum(cell["count"] for cell in data["heatMap"]) == 7


def test_as_of_before_the_snapshot_does_not_use_it(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    with open_store(root) as store, store.transaction() as connection:
        snapshot = insert_snapshot(connection, datetime(2026, 10, 15, tzinfo=UTC), None, [])
        write_risk_states(connection, snapshot, [RiskState("risk:one-by-one", "low", "open")])

    code, out, _ = run_charter("risks", "--repo", str(root), "--as-of", "2026-10-01", "--format", "json").streams

    assert code == 0
    data = json.loads(out)
    assert data["sinceLastSnapshot"] is None
    assert data["overdueReviews"] == []  # one-by-five is due 2026-10-01, not before it


def test_markdown_has_the_heat_map_table(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)

    code, out, _ = run_charter("risks", "--repo", str(root), "--as-of", "2026-11-01", "--format", "markdown").streams

    assert code == 0
    assert "| 5 | 1 · medium | · high | · high | · critical | 1 · critical |" in out
    assert "## Above appetite (5)" in out


def test_export_poam_writes_the_oscal_document(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)
    target = tmp_path / "poam.json"

    code, _, err = run_charter("risks", "--repo", str(root), "--export", "poam", "--output", str(target)).streams

    assert code == 0, err
    poam = json.loads(target.read_text(encoding="utf-8"))["plan-of-action-and-milestones"]
    assert len(poam["poam-items"]) == 7
    assert poam["metadata"]["title"] == "Plan of action and milestones: acme"


def test_export_poam_carries_the_open_findings_of_the_store(tmp_path: Path) -> None:
    from charter.model.finding import Finding
    from charter.store.findings import write_scan

    root = write_repo(tmp_path, FILES)
    found = [
        Finding(
            key="CVE-2021-44228|log4j-core|component:default/payments",
            scanner="Trivy",
            target="registry.example/payments:1.4",
            severity="critical",
            title="Log4Shell",
            vulnerability_id="CVE-2021-44228",
            package="log4j-core",
        )
    ]
    with open_store(root) as store, store.transaction() as connection:
        write_scan(connection, "Trivy", "registry.example/payments:1.4", datetime(2026, 10, 1, tzinfo=UTC), found, "t")
    target = tmp_path / "poam.json"

    code, _, err = run_charter("risks", "--repo", str(root), "--export", "poam", "--output", str(target)).streams

    assert code == 0, err
    poam = json.loads(target.read_text(encoding="utf-8"))["plan-of-action-and-milestones"]
    assert len(poam["poam-items"]) == 7 + 1
    assert [item["title"] for item in poam["observations"]] == ["Trivy: CVE-2021-44228"]


def test_an_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)

    code, _, err = run_charter("risks", "--repo", str(root), "--format", "csv").streams

    assert code == 2
    assert "csv" in err


def test_the_heat_map_names_each_cells_matrix_level_in_the_terminal(tmp_path: Path) -> None:
    root = write_repo(tmp_path, FILES)

    code, out, _ = run_charter("risks", "--repo", str(root), "--as-of", "2026-11-01").streams

    assert code == 0
    heat_rows = [line for line in out.splitlines() if line.startswith("│") and line.count("│") == 7]
    # cell (5,5) is critical and holds one risk; cell (1,1) is low and holds none.
    assert heat_rows[0].split("│")[6].strip() == "1 · critical"
    assert heat_rows[4].split("│")[2].strip() == "· low"
    assert "levels: low, medium, high, critical" in out
