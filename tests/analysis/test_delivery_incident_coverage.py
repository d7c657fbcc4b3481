"""Change failure rate rests on incident records: a component no incident record covers has no data
(not 0%, banded elite), a team's rate is over the deployments of its covered components, and the
report names the incident sources and what they hold of the period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from charter.analysis.component_sources import ComponentScope
from charter.analysis.delivery.incident_coverage import IncidentSource, incident_sources
from charter.analysis.delivery.inputs import DeliveryInputs, DeliveryOptions
from charter.analysis.delivery.report import ScopeMetrics, delivery_report
from charter.analysis.metrics import Scope
from charter.model.delivery import Deployment
from charter.model.diagnostics import Location
from charter.model.incident import Incident

SINCE = datetime(2026, 3, 2, tzinfo=UTC)
UNTIL = datetime(2026, 3, 30, tzinfo=UTC)
CFR = "delivery.change_failure_rate"


def deploy(deployment_id: str, day: int, component: str, **links: str) -> Deployment:
    return Deployment(deployment_id, component, "production", None, SINCE + timedelta(days=day, hours=12), **links)  # type: ignore[arg-type]


def incident(incident_id: str, day: int, *services: str, deployment: str | None = None, **extra: str) -> Incident:
    return Incident(
        incident_id,
        incident_id,
        "SEV2",
        services=services,
        started=SINCE + timedelta(days=day),
        caused_by_deployment=deployment,
        extra=extra,
    )


def scope(name: str, team: str) -> ComponentScope:
    return ComponentScope(name, f"group:{team}", None)


DEPLOYMENTS = [
    deploy("p1", 1, "payments"),
    deploy("p2", 8, "payments"),
    deploy("s1", 2, "search"),
    deploy("s2", 9, "search"),
    deploy("s3", 16, "search"),
    deploy("r1", 3, "reports"),
    deploy("r2", 4, "reports", rollback_of="r1"),
]


def report(incidents: list[Incident], by: Scope = Scope.COMPONENT) -> dict[str | None, ScopeMetrics]:
    scopes = {name: scope(name, "pay" if name == "payments" else "find") for name in ("payments", "search", "reports")}
    inputs = DeliveryInputs(DEPLOYMENTS, incidents=incidents, scopes=scopes)
    return {item.scope: item for item in delivery_report(inputs, DeliveryOptions(SINCE, UNTIL, by=by)).scopes}


def test_a_component_no_incident_record_covers_has_no_change_failure_rate_not_zero() -> None:
    scopes = report([incident("INC-1", 20, "payments")])  # names payments; causes no failure

    payments, search, reports = scopes["payments"], scopes["search"], scopes["reports"]
    assert (payments.change_failure_rate, payments.bands[CFR]) == (0.0, "elite")
    assert (search.change_failure_rate, search.bands[CFR]) == (None, None)
    assert search.incident_covered_deployments == 0 and search.deployments == 3
    # A rollback is a failure record of its own: reports is measured without any incident.
    assert reports.change_failure_rate == 0.5


def test_a_team_rate_is_over_the_deployments_of_its_covered_components() -> None:
    scopes = report([incident("INC-1", 20, "search", deployment="s1")], by=Scope.TEAM)

    find = scopes["group:find"]  # search (covered, 1 of 3 failed) and reports (a rollback: 1 of 2)
    assert find.incident_covered_deployments == 5
    assert find.change_failure_rate == 2 / 5
    pay = scopes["group:pay"]
    assert pay.change_failure_rate is None and pay.failed_deployments == 0


def test_the_report_names_the_incident_sources_and_the_components_without_records() -> None:
    incidents = [
        incident("PD-1", 5, "search", source="pagerduty"),
        incident("PD-0", -40, "search", source="pagerduty"),
        incident("io-7", 40, "search", source="incident-io"),
    ]
    inputs = DeliveryInputs(DEPLOYMENTS, incidents=incidents)
    found = delivery_report(inputs, DeliveryOptions(SINCE, UNTIL))

    assert found.incident_sources == (
        IncidentSource("incident-io", 0, SINCE + timedelta(days=40), SINCE + timedelta(days=40)),
        IncidentSource("pagerduty", 1, SINCE - timedelta(days=40), SINCE + timedelta(days=5)),
    )
    assert found.without_incident_records == ("payments",)


def test_a_postmortem_merged_with_an_export_counts_for_both_sources() -> None:
    merged = Incident(
        "INC-9",
        "merged",
        "SEV1",
        started=SINCE,
        location=Location("incidents/inc-9.md", 1),
        extra={"source": "opsgenie"},
    )
    assert [item.source for item in incident_sources([merged], SINCE, UNTIL)] == ["opsgenie", "postmortems"]
