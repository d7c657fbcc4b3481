"""Incident metrics, merging and reliability governance, on incidents built by hand with every
expected number worked out below."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from charter.analysis.checks.governance import CheckContext
from charter.analysis.checks.governance_reliability import RELIABILITY_RULES
from charter.analysis.component_sources import ComponentScope
from charter.analysis.reliability.incident_merge import merge_incidents
from charter.analysis.reliability.incidents import (
    IncidentGrouping,
    IncidentOptions,
    PostmortemState,
    incident_report,
)
from charter.analysis.reliability.metric_values import incident_metric_values
from charter.model.diagnostics import Location
from charter.model.estate import Estate
from charter.model.incident import ActionItem, Incident
from charter.model.refs import parse_ref
from charter.model.slo import Slo

T0 = datetime(2026, 3, 1, tzinfo=UTC)
SCOPES = {
    "payments": ComponentScope("payments", "group:team-a", None),
    "checkout": ComponentScope("checkout", "group:team-b", None),
}


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


def incident(
    identifier: str, severity: str, day: int, ack: float | None, fix: float | None, **changes: object
) -> Incident:
    started = T0 + timedelta(days=day)
    fields: dict[str, object] = {
        "id": identifier,
        "title": identifier,
        "severity": severity,
        "services": ("payments",),
        "started": started,
        "acknowledged": None if ack is None else started + minutes(ack),
        "resolved": None if fix is None else started + minutes(fix),
        **changes,
    }
    return Incident(**fields)  # type: ignore[arg-type]


OVERDUE_ITEM = ActionItem("A1", "Add a canary", "group:team-a", date(2026, 3, 20), "open", "prevent")
INCIDENTS = [
    # Before the period: the first of the dependency repeats, with an open overdue action item.
    incident("OLD", "SEV3", -20, 5, 60, cause="dependency", action_items=(OVERDUE_ITEM,)),
    # SEV1, postmortem published 2 days after resolution: on time (policy 5 days).
    incident("I1", "SEV1", 0, 10, 120, cause="dependency", postmortem_status="published",
             postmortem_date=date(2026, 3, 3)),
    # SEV2, no postmortem, resolved on day 2: due day 7, overdue on the 20th.
    incident("I2", "SEV2", 2, 20, 60, cause="change"),
    # SEV2 on checkout, postmortem published late (day 15 > due day 10).
    incident("I3", "SEV2", 5, 30, 240, services=("checkout",), postmortem_status="published",
             postmortem_date=date(2026, 3, 15), action_items=(
                 ActionItem("A2", "Fix retries", None, date(2026, 4, 30), "in-progress"),
                 ActionItem("A3", "Done already", "group:team-b", date(2026, 3, 10), "done"))),
    # SEV2 not-required: not counted for postmortems.
    incident("I4", "SEV2", 6, None, 30, postmortem_status="not-required"),
    # SEV3, still open: counts as open, no MTTA, no MTTR.
    incident("I5", "SEV3", 10, None, None, cause="change"),
    # After the period.
    incident("LATE", "SEV1", 40, 1, 2),
]  # fmt: skip
OPTIONS = IncidentOptions(
    since=T0, until=T0 + timedelta(days=20), today=date(2026, 3, 21), postmortem_within_days=5, repeat_window_days=30
)


def test_org_metrics_by_hand() -> None:
    report = incident_report(INCIDENTS, SCOPES, OPTIONS)
    [org] = report.groups
    assert [item.id for item in report.incidents] == ["I1", "I2", "I3", "I4", "I5"]
    assert org.incidents == 5 and org.open_incidents == 1
    assert org.by_severity == {"SEV1": 1, "SEV2": 3, "SEV3": 1, "SEV4": 0, "SEV5": 0}
    # MTTA over 10, 20, 30 minutes: p50 20, p90 at rank 1.8 = 20 + 0.8 * 10 = 28 minutes.
    assert (org.mtta_p50, org.mtta_p90) == (1200.0, 1680.0)
    # MTTR over 30, 60, 120, 240 minutes: p50 at rank 1.5 = 90; p90 at rank 2.7 = 120 + 0.7 * 120 = 204.
    assert org.mttr_p50 == 90 * 60
    assert org.mttr_p90 == pytest.approx(204 * 60)
    # SEV1: 120 minutes; SEV2: 60 + 240 + 30 minutes.
    assert org.seconds_in_severity == {"SEV1": 7200.0, "SEV2": 330 * 60.0}
    # I1 repeats OLD (payments, dependency, 20 days apart <= 30); I5 repeats I2 (payments, change, 8 days).
    assert org.repeats == 2
    assert [(item.incident_id, item.earlier_id) for item in report.repeats] == [("I1", "OLD"), ("I5", "I2")]
    # Postmortems: I1 on time, I2 overdue, I3 late, I4 not required -> 1 of 3 counted.
    states = {item.incident_id: item.state for item in report.postmortems}
    assert states == {"I1": PostmortemState.ON_TIME, "I2": PostmortemState.OVERDUE, "I3": PostmortemState.LATE,
                      "I4": PostmortemState.NOT_REQUIRED}  # fmt: skip
    assert (org.postmortems_needed, org.postmortems_on_time, org.postmortems_overdue) == (3, 1, 1)
    assert org.postmortem_completion == pytest.approx(1 / 3)
    # Action items of every incident: A1 (OLD, overdue 1 day) and A2 (open, not due); A3 is done.
    assert (org.action_items_open, org.action_items_overdue) == (2, 1)
    assert [(item.item.id, item.overdue_days) for item in report.action_items] == [("A1", 1), ("A2", 0)]


def test_grouped_by_service_team_and_severity() -> None:
    by_service = incident_report(INCIDENTS, SCOPES, _by(IncidentGrouping.SERVICE))
    assert [(group.scope, group.incidents) for group in by_service.groups] == [("checkout", 1), ("payments", 4)]
    by_team = incident_report(INCIDENTS, SCOPES, _by(IncidentGrouping.TEAM))
    team_a = next(group for group in by_team.groups if group.scope == "group:team-a")
    assert (team_a.incidents, team_a.action_items_overdue) == (4, 1)
    by_severity = incident_report(INCIDENTS, SCOPES, _by(IncidentGrouping.SEVERITY))
    assert [(group.scope, group.incidents) for group in by_severity.groups] == [("SEV1", 1), ("SEV2", 3), ("SEV3", 1)]


def _by(grouping: IncidentGrouping) -> IncidentOptions:
    return IncidentOptions(OPTIONS.since, OPTIONS.until, OPTIONS.today, 5, 30, "acme", grouping)


def test_metric_values_use_registry_names_per_scope() -> None:
    values = incident_metric_values(INCIDENTS, SCOPES, OPTIONS)
    rows = {(row.metric, row.scope_kind, row.scope_ref): row.value for row in values}
    scopes = ["component:payments", "component:checkout", "group:team-a", "group:team-b", "organization:org"]
    assert {row.scope for row in values} == {parse_ref(scope) for scope in scopes}
    assert rows[("reliability.incidents.count", "org", "org")] == 5
    assert rows[("reliability.incidents.sev1_count", "component", "component:payments")] == 1
    assert rows[("reliability.mttr.p50", "component", "component:checkout")] == 240 * 60
    assert rows[("reliability.repeat_incidents", "team", "group:team-a")] == 2
    assert rows[("reliability.action_items_overdue", "org", "org")] == 1


def test_merge_postmortem_wins_and_exports_fill_times() -> None:
    postmortem = incident("INC-7", "SEV1", 0, None, None, aliases=("pagerduty:Q1",), cause="config",
                          location=Location("incidents/inc-7.md", 2, 1))  # fmt: skip
    pagerduty = incident("Q1", "SEV2", 0, 4, 50, aliases=("pagerduty:Q1",), services=("Payments API",))
    incident_io = incident("INC-9", "SEV3", 1, 6, 70, aliases=("pagerduty:Q1",))  # linked through the same alias
    unrelated = incident("Q2", "SEV4", 3, 1, 2)
    merged = merge_incidents([postmortem], [pagerduty, unrelated, incident_io])
    assert [item.id for item in merged] == ["INC-7", "Q2"]
    one = merged[0]
    assert (one.severity, one.cause, one.services) == ("SEV1", "config", ("payments",))
    assert one.acknowledged == T0 + minutes(4) and one.resolved == T0 + minutes(50)
    assert set(one.aliases) == {"pagerduty:Q1", "Q1", "INC-9"}
    assert one.location == Location("incidents/inc-7.md", 2, 1)


def test_merge_by_the_other_records_id() -> None:
    postmortem = incident("INC-7", "SEV2", 0, None, None, aliases=("q1",))
    pagerduty = incident("Q1", "SEV3", 0, 4, 50)
    [one] = merge_incidents([postmortem], [pagerduty])
    assert one.resolved == T0 + minutes(50)


# Governance ----------------------------------------------------------------------------------------


def _estate(incidents: list[Incident], entities: dict | None = None, slos: dict | None = None) -> Estate:  # type: ignore[type-arg]
    return Estate.build("/repo", None, entities or {}, slos=slos, incidents=incidents)


def _codes(estate: Estate, today: date) -> list[tuple[str, str | None]]:
    context = CheckContext(today, lambda _path: True)
    return sorted((found.code, found.entity) for rule in RELIABILITY_RULES for found in rule(estate, context))


def test_incident_rules() -> None:
    where = Location("incidents/x.md", 2, 1)
    found = _codes(_estate([item if item.location else _located(item, where) for item in INCIDENTS]),
                   date(2026, 3, 21))  # fmt: skip
    assert ("REL005", "incident:I2") in found  # SEV2 without postmortem past due
    assert ("REL005", "incident:I3") not in found  # published, late: a number, not a missing postmortem
    assert ("REL006", "incident:OLD") in found  # A1 overdue
    assert ("REL009", "incident:I3") in found  # A2 has no owner
    assert ("REL007", "incident:I1") in found and ("REL007", "incident:I5") in found
    assert sum(code == "REL008" for code, _ in found) == len(INCIDENTS)  # no catalog: every service is unknown


def _located(item: Incident, where: Location) -> Incident:
    from dataclasses import replace

    return replace(item, location=where)


def test_slo_tighter_than_its_dependencies() -> None:
    from charter.model.catalog import ComponentEntity

    def component(name: str, depends: list[str]) -> ComponentEntity:
        return ComponentEntity.model_validate({
            "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": name},
            "spec": {"type": "service", "lifecycle": "production", "owner": "team-a", "dependsOn": depends},
        })  # fmt: skip

    entities = {
        parse_ref("component:api"): component("api", ["component:db", "component:queue"]),
        parse_ref("component:db"): component("db", []),
        parse_ref("component:queue"): component("queue", []),
        parse_ref("component:web"): component("web", ["component:api"]),
    }
    slos = {
        "api-availability": Slo("api-availability", "openslo", 0.999, component="api"),
        "db-availability": Slo("db-availability", "openslo", 0.9995, component="db"),
        "queue-availability": Slo("queue-availability", "openslo", 0.9999, component="queue"),
        "web-availability": Slo("web-availability", "openslo", 0.99, component="web"),
    }
    found = _codes(_estate([], entities, slos), date(2026, 3, 21))
    # api: 0.999 > 0.9995 * 0.9999 = 0.99940005? No: 0.999 < 0.9994, fine. web: 0.99 < 0.999, fine.
    assert [code for code, _ in found if code == "REL004"] == []
    tight = {**slos, "api-availability": Slo("api-availability", "openslo", 0.9995, component="api")}
    # api: 0.9995 > 0.99940005.
    assert [entity for code, entity in _codes(_estate([], entities, tight), date(2026, 3, 21)) if code == "REL004"] == [
        "slo:api-availability"
    ]
