"""The security, risks and controls use cases called directly on a Context, on SQLite and PostgreSQL:
each returns its view model (and the SEC and CTL gates their verdict), the POA&M export its OSCAL
document, and the security metric values carry entity references as scopes.

The security store holds four open findings written as scans: Log4Shell on the internet-facing
tier-1 shop (first seen Jan 1, in KEV), CVE-2024-0003 on the ledger (Dec 1; its exception expired
Feb 1), and on the batch job CVE-2024-0004 (Oct 1; excepted by an accepted risk) and CVE-2024-0002
(Feb 20). The shop's repository scored 3 on Branch-Protection (policy minimum 8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from charter.model.diagnostics import Severity
from charter.model.errors import InputError, NotFound, StoreFailure, UsageError
from charter.model.finding import Finding, VexStatement
from charter.model.refs import parse_ref
from charter.model.risk_states import RiskState
from charter.model.security_facts import EpssScore, KevEntry, ScorecardCheck
from charter.outputs.report_registry import render_report
from charter.outputs.views.controls import ControlsReport
from charter.outputs.views.risks import RiskRegisterReport
from charter.outputs.views.security import SecurityReport
from charter.services.context import Context, load_context
from charter.services.controls import ControlsQuery, controls_report
from charter.services.findings import read_findings
from charter.services.risks import REGISTER_FOLDERS, RisksQuery, poam_export, risk_register_report
from charter.services.security import SECURITY_FOLDERS, SecurityFiles, SecurityQuery, security_report
from charter.services.security_metrics import security_metric_values
from charter.store import Store, open_store
from charter.store.findings import replace_vex_statements, write_scan
from charter.store.risk_register import write_risk_states
from charter.store.security_facts import replace_scorecard_checks, write_epss_scores, write_kev_entries
from charter.store.snapshots import insert_snapshot
from tests.analysis import test_controls, test_risk_register
from tests.security_strategy import write_security_repo
from tests.strategy import write_repo

NETWORK = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
PRIVILEGED = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"
MARCH = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _finding(cve: str, component: str, severity: str, vector: str | None = None) -> Finding:
    return Finding(
        key=f"{cve}|libexample|component:default/{component}",
        scanner="Trivy",
        target=f"acme/{component}:1",
        severity=severity,  # type: ignore[arg-type]
        vulnerability_id=cve,
        package="libexample",
        cvss_vector=vector,
        component=f"component:default/{component}",
    )


SCANS = [
    ("shop", datetime(2026, 1, 1, 8, tzinfo=UTC), [_finding("CVE-2021-44228", "shop", "critical", NETWORK)]),
    ("ledger", datetime(2025, 12, 1, 8, tzinfo=UTC), [_finding("CVE-2024-0003", "ledger", "high")]),
    ("batch", datetime(2025, 10, 1, 8, tzinfo=UTC), [_finding("CVE-2024-0004", "batch", "medium")]),
    (
        "batch",
        datetime(2026, 2, 20, 8, tzinfo=UTC),
        [_finding("CVE-2024-0004", "batch", "medium"), _finding("CVE-2024-0002", "batch", "high", PRIVILEGED)],
    ),
]


def _fill(store: Store) -> None:
    with store.transaction() as connection:
        for component, scanned_at, found in SCANS:
            write_scan(connection, "Trivy", f"acme/{component}:1", scanned_at, found, "test")
        log4shell = KevEntry("CVE-2021-44228", "Apache", "Log4j2", "Log4Shell", date(2021, 12, 10), None, True)
        write_kev_entries(connection, [log4shell])
        write_epss_scores(connection, [EpssScore("CVE-2024-0002", 0.5, 0.97), EpssScore("CVE-2021-44228", 0.97)])
        scored = datetime(2026, 2, 28, 10, tzinfo=UTC)
        replace_scorecard_checks(
            connection, [ScorecardCheck("github.com/acme/shop", "Branch-Protection", 3, "not protected", scored)]
        )


@pytest.fixture
def security_store(tmp_path: Path, database_url: str) -> Iterator[tuple[Path, Store]]:
    root = write_security_repo(tmp_path / "strategy")
    with open_store(root, database_url) as store:
        _fill(store)
        yield root, store


def _security_context(root: Path, store: Store) -> Context:
    return load_context(root, store, SECURITY_FOLDERS, SecurityFiles.of(root).read, clock=lambda: NOW)


def test_the_security_report_lists_overdue_and_exposed_findings(security_store: tuple[Path, Store]) -> None:
    context = _security_context(*security_store)

    report = security_report(context, SecurityQuery(as_of=MARCH, fail_on=Severity.ERROR))

    view = report.view
    assert isinstance(view, SecurityReport)
    assert (view.total.open, view.overdue_total, view.total.kev_exposed) == (4, 2, 1)
    assert {counts.scope: counts.by_priority["act"] for counts in view.scopes} == {"shop": 1, "ledger": 0, "batch": 0}
    assert [(item.vulnerability_id, item.owner, item.days_over) for item in view.overdue] == [
        ("CVE-2024-0003", "group:team-a", 60),
        ("CVE-2021-44228", "group:team-a", 45),
    ]
    exposure = view.kev_exposure[0]
    assert (exposure.component, exposure.exposed_since, exposure.exposed_days) == ("shop", date(2026, 1, 1), 59)
    assert [(gap.check, gap.components) for gap in view.scorecard_gaps] == [("Branch-Protection", ["shop"])]
    assert [item.code for item in view.diagnostics] == ["SEC001", "SEC002", "SEC002", "SEC003", "SEC005"]
    assert [item.code for item in report.diagnostics] == [item.code for item in view.diagnostics]
    assert report.gate_met


def test_the_security_report_keeps_its_json_names(security_store: tuple[Path, Store]) -> None:
    context = _security_context(*security_store)

    data = security_report(context, SecurityQuery(as_of=MARCH, by="team", limit=1)).view.as_data()

    assert data["by"] == "team" and data["overdueTotal"] == 2 and len(data["overdue"]) == 1
    assert data["asOf"] == "2026-03-01T23:59:59.999999+00:00"
    first = data["mostUrgent"][0]
    assert (first["vulnerabilityId"], first["ssvc"]["humanImpact"], first["slaRule"], first["due"]) == (
        "CVE-2021-44228",
        "very high",
        "kev",
        "2026-01-15",
    )
    assert data["kevExposure"][0]["knownRansomware"] is True
    assert [scope["scope"] for scope in data["scopes"]] == ["group:team-a", "group:team-b"]


def test_before_anything_was_due_the_gate_is_not_met(security_store: tuple[Path, Store]) -> None:
    context = _security_context(*security_store)

    report = security_report(context, SecurityQuery(as_of=date(2025, 12, 1), fail_on=Severity.WARNING))

    assert not report.gate_met and report.view.overdue_total == 0


def test_a_finding_suppressed_by_vex_is_not_open(security_store: tuple[Path, Store]) -> None:
    root, store = security_store
    statement = VexStatement("CVE-2024-0002", "not_affected", "vulnerable_code_not_in_execute_path", None, "batch")
    with store.transaction() as connection:
        replace_vex_statements(connection, "batch.openvex.json", [statement], datetime(2026, 2, 21, tzinfo=UTC))

    view = security_report(_security_context(root, store), SecurityQuery(as_of=MARCH)).view
    with store.engine.connect() as connection:
        everything = {item.vulnerability_id: item for item in read_findings(connection, open_only=False)}
        still_open = [item.vulnerability_id for item in read_findings(connection)]

    assert view.total.open == 3
    suppressed_by = everything["CVE-2024-0002"].suppressed_by
    assert suppressed_by is not None and (suppressed_by.state, suppressed_by.product) == ("not_affected", "batch")
    assert "CVE-2024-0002" not in still_open and len(still_open) == 3


def test_an_unknown_scope_is_a_usage_error(security_store: tuple[Path, Store]) -> None:
    with pytest.raises(UsageError, match="known: component, team, org"):
        security_report(_security_context(*security_store), SecurityQuery(by="system"))


def test_a_store_that_cannot_be_read_is_a_store_failure(security_store: tuple[Path, Store]) -> None:
    root, store = security_store
    with store.transaction() as connection:
        connection.exec_driver_sql("DROP TABLE finding_sightings")
        connection.exec_driver_sql("DROP TABLE findings")

    with pytest.raises(StoreFailure, match="the store cannot be read"):
        security_report(_security_context(root, store), SecurityQuery(as_of=MARCH))


def test_security_metric_values_have_entity_scopes_and_feed_the_trend(security_store: tuple[Path, Store]) -> None:
    root, store = security_store
    context = _security_context(root, store)
    february = datetime(2026, 2, 1, tzinfo=UTC)
    with store.engine.connect() as connection:
        values = security_metric_values(context, connection, february)
    store.write_snapshot(february, None, values)

    by_scope = {(item.metric, item.scope): item.value for item in values}
    # Feb 1: the shop finding (due Jan 15) is late; the ledger one too, but its exception runs to Feb 1.
    assert by_scope[("security.findings.overdue", parse_ref("component:shop"))] == 1.0
    assert by_scope[("security.findings.open", parse_ref("group:team-b"))] == 1.0
    assert by_scope[("security.access_control_gaps", parse_ref("component:ledger"))] == 0.0
    stored = {(item.scope_kind, item.scope_ref) for item in values}
    assert {("component", "component:shop"), ("team", "group:team-a"), ("org", "acme")} <= stored

    trend = security_report(context, SecurityQuery(as_of=MARCH)).view.trend
    assert [(point.taken_at, point.values["security.findings.overdue"]) for point in trend] == [(february, 1.0)]


def test_the_security_report_renders_in_every_format(security_store: tuple[Path, Store]) -> None:
    view = security_report(_security_context(*security_store), SecurityQuery(as_of=MARCH, limit=1)).view

    assert "## Past remediation SLA: 2 (the 1 most overdue)" in render_report("markdown", view)
    assert "shop,priority.act,1" in render_report("csv", view)
    assert "Security as of 2026-03-01 by component" in render_report("table", view)


# Risks -------------------------------------------------------------------------------------------


@pytest.fixture
def register_store(tmp_path: Path, database_url: str) -> Iterator[tuple[Path, Store]]:
    (tmp_path / "strategy").mkdir()
    root = write_repo(tmp_path / "strategy", test_risk_register.FILES)
    with open_store(root, database_url) as store:
        yield root, store


def _register_context(root: Path, store: Store | None) -> Context:
    return load_context(root, store, REGISTER_FOLDERS, clock=lambda: NOW)


def test_the_register_reports_changes_since_the_last_snapshot(register_store: tuple[Path, Store]) -> None:
    root, store = register_store
    with store.transaction() as connection:
        snapshot = insert_snapshot(connection, datetime(2026, 10, 15, tzinfo=UTC), None, [])
        write_risk_states(
            connection,
            snapshot,
            [RiskState("risk:one-by-one", "low", "open"), RiskState("risk:five-by-one", "high", "open")],
        )

    view = risk_register_report(_register_context(root, store), RisksQuery(date(2026, 11, 1)))
    earlier = risk_register_report(_register_context(root, store), RisksQuery(date(2026, 10, 1)))

    assert isinstance(view, RiskRegisterReport)
    changes = view.since_last_snapshot
    assert changes is not None and changes.snapshot == snapshot
    assert changes.closed == ["risk:one-by-one"]
    assert view.as_data()["sinceLastSnapshot"]["levelChanges"] == [
        {"risk": "risk:five-by-one", "from": "high", "to": "medium"}
    ]
    assert view.risks[0].risk == "risk:critical-accepted" and view.overdue_reviews == ["risk:one-by-five"]
    assert sum(cell.count for cell in view.heat_map) == 7
    assert earlier.since_last_snapshot is None


def test_the_poam_export_carries_the_open_findings(register_store: tuple[Path, Store]) -> None:
    root, store = register_store
    with store.transaction() as connection:
        write_scan(connection, "Trivy", "acme/shop:1", datetime(2026, 10, 1, tzinfo=UTC), [SCANS[0][2][0]], "t")

    poam = poam_export(_register_context(root, store), RisksQuery()).plan_of_action_and_milestones

    assert len(poam.poam_items) == 7 + 1
    assert [item.title for item in poam.observations or []] == ["Trivy: CVE-2021-44228"]
    assert poam.metadata.last_modified == NOW and poam.metadata.version == "2026-03-01"


def test_nothing_to_export_is_an_input_error(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {})

    with pytest.raises(InputError, match="nothing to export"):
        poam_export(_register_context(root, None), RisksQuery())


# Controls ----------------------------------------------------------------------------------------


@pytest.fixture
def controls_context(tmp_path: Path) -> Context:
    root = write_repo(tmp_path, test_controls.FILES, organization=test_controls.ORGANIZATION)
    return _register_context(root, None)


def test_controls_report_coverage_and_the_ctl_gate(controls_context: Context) -> None:
    report = controls_report(controls_context, ControlsQuery(as_of=date(2026, 11, 1), fail_on=Severity.ERROR))

    view = report.view
    assert isinstance(view, ControlsReport)
    obligations = {item.obligation: item for item in view.obligations}
    assert list(obligations) == ["soc2", "nist-800-53-low", "iso27001"]
    assert obligations["soc2"].gaps == ["CC7.1"] and obligations["soc2"].stale == ["CC6.2"]
    assert [item.id for item in obligations["soc2"].requirements if item.gap] == ["CC7.1"]
    assert {item.code for item in report.diagnostics} >= {"CTL001"}
    assert report.gate_met


def test_controls_for_one_obligation_and_an_unknown_one(controls_context: Context) -> None:
    report = controls_report(controls_context, ControlsQuery(obligation="soc2", as_of=date(2026, 11, 1)))

    assert [item.obligation for item in report.view.obligations] == ["soc2"] and not report.gate_met
    with pytest.raises(NotFound, match="known: soc2, nist-800-53-low, iso27001"):
        controls_report(controls_context, ControlsQuery(obligation="pci-dss"))


def test_the_register_day_defaults_to_the_clocks(register_store: tuple[Path, Store]) -> None:
    view = risk_register_report(_register_context(*register_store), RisksQuery())

    assert view.as_of == NOW.astimezone().date()  # today where Charter runs
