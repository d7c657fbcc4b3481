"""The sample organisation end to end, as `make demo` runs it: every fact imported, one `charter
sync`, and its snapshot holds a metric of every family (delivery, code health, incidents, SLOs,
security) that the commands show, and the risk register recorded with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter.cli.app import app
from charter.store.database import open_store
from charter.store.risk_register import read_previous_register

AS_OF = "2026-11-01"


def _run(*arguments: str) -> str:
    result = CliRunner().invoke(app, list(arguments), env={"CHARTER_DATABASE_URL": ""})  # the demo's own SQLite
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "org"
    _run("demo", str(root), "--size", "small")
    facts = root / "facts"
    _run("import", "deployments", "--repo", str(root), str(facts / "deployments.jsonl"))
    _run("import", "incidents", "--repo", str(root), *map(str, sorted(facts.glob("incidents-*"))))
    _run("import", "sli", "--repo", str(root), str(facts / "sli.csv"))
    _run("import", "findings", "--repo", str(root), *map(str, sorted((facts / "scans").iterdir())))
    _run("import", "kev", "--repo", str(root), str(facts / "kev.json"))
    _run("import", "epss", "--repo", str(root), str(facts / "epss.csv"))
    _run("import", "scorecard", "--repo", str(root), *map(str, sorted((facts / "scorecard").glob("*.json"))))
    _run("sync", "--repo", str(root), "--as-of", AS_OF, "--quiet")
    return root


def test_the_snapshot_holds_every_family_of_metrics(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHARTER_DATABASE_URL", raising=False)
    with open_store(demo) as store:
        snapshot = store.latest_snapshot()
    assert snapshot is not None
    measured = {item.metric for item in snapshot.values if item.value is not None}
    for metric in (
        "delivery.lead_time_for_changes.p50",
        "code_health.bus_factor",
        "reliability.incidents.count",
        "reliability.mttr.p50",
        "reliability.error_budget_remaining",
        "reliability.slo_attainment",
        "security.findings.open",
        "security.findings.open_critical",
    ):
        assert metric in measured, metric


def test_the_register_is_recorded_with_the_snapshot(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHARTER_DATABASE_URL", raising=False)
    with open_store(demo) as store, store.engine.connect() as connection:
        previous = read_previous_register(connection)
    assert previous is not None and previous.states


def test_each_report_reads_what_was_imported(demo: Path) -> None:
    assert "INC-" in _run("incidents", "--repo", str(demo), "--until", AS_OF)
    assert "CVE-2021-44228" in _run("security", "--repo", str(demo), "--as-of", AS_OF)
    assert "page" in _run("slo", "status", "--repo", str(demo), "--as-of", AS_OF)
