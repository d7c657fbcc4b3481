"""The sample organisation end to end, as `make demo` runs it: every fact imported, one `charter
sync`, and its snapshot holds a metric of every family (delivery, code health, incidents, SLOs,
security) that the commands show, and the risk register recorded with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.analysis.metrics import METRICS
from charter.store.database import open_store
from charter.store.risk_register import read_previous_register
from tests.integration.conftest import AS_OF, demo_output


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


def test_the_snapshot_holds_registry_metrics_at_the_scopes_the_registry_allows(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CHARTER_DATABASE_URL", raising=False)
    with open_store(demo) as store:
        snapshot = store.latest_snapshot()
    assert snapshot is not None
    for item in snapshot.values:
        metric = METRICS[item.metric]
        assert item.scope_kind in metric.scopes and item.unit == metric.unit, item
    assert {item.scope_ref for item in snapshot.values if item.scope_kind == "org"} == {"acme"}


def test_the_register_is_recorded_with_the_snapshot(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHARTER_DATABASE_URL", raising=False)
    with open_store(demo) as store, store.engine.connect() as connection:
        previous = read_previous_register(connection)
    assert previous is not None and previous.states


def test_each_report_reads_what_was_imported(demo: Path) -> None:
    assert "INC-" in demo_output("incidents", "--repo", str(demo), "--until", AS_OF)
    assert "CVE-2021-44228" in demo_output("security", "--repo", str(demo), "--as-of", AS_OF)
    assert "page" in demo_output("slo", "status", "--repo", str(demo), "--as-of", AS_OF)
