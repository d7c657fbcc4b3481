"""The five DORA metrics, the rules that mark a deployment failed, the weekly trend and `--explain`,
on small scenarios whose numbers are worked out by hand in each test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from charter.analysis.component_sources import ComponentScope
from charter.analysis.delivery.bands import DoraEdition, band
from charter.analysis.delivery.explain import explain_deployment
from charter.analysis.delivery.failures import (
    FailureLink,
    FailureRule,
    Recovery,
    counted_deployments,
    link_failures,
    service_components,
)
from charter.analysis.delivery.inputs import DeliveryInputs, DeliveryOptions, change_shippers
from charter.analysis.delivery.percentiles import grouped_percentiles
from charter.analysis.delivery.report import EnvironmentCount, delivery_metric_values, delivery_report
from charter.analysis.metrics import Scope
from charter.model.delivery import Deployment, DeploymentStatus, LeadTimes, ShippedChange
from charter.model.incident import Incident
from charter.model.metric_values import MetricValue, organization_ref
from charter.model.refs import EntityRef

SINCE = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
UNTIL = datetime(2026, 3, 30, tzinfo=UTC)  # four whole ISO weeks later
HOUR = 3600.0
SHA_A = "abc1234" + "0" * 33
SHA_F = "f" * 40
PRODUCTION = ("prod(uction)?",)


def moment(day: float, hour: float = 12) -> datetime:
    return SINCE + timedelta(days=day, hours=hour)


def deploy(
    deployment_id: str,
    day: float,
    hour: float = 12,
    *,
    component: str = "payments",
    environment: str = "production",
    status: DeploymentStatus = DeploymentStatus.SUCCESS,
    sha: str | None = None,
    rollback_of: str | None = None,
    hotfix_for: str | None = None,
    incident: str | None = None,
) -> Deployment:
    return Deployment(
        deployment_id,
        component,
        environment,
        sha,
        moment(day, hour),
        status,
        rollback_of=rollback_of,
        hotfix_for=hotfix_for,
        incident=incident,
    )


def incident(
    incident_id: str,
    *,
    started: datetime | None = None,
    resolved: datetime | None = None,
    cause: str | None = None,
    deployment: str | None = None,
    change: str | None = None,
    services: tuple[str, ...] = ("payments",),
) -> Incident:
    return Incident(
        incident_id,
        incident_id,
        "SEV2",
        services=services,
        started=started,
        resolved=resolved,
        cause=cause,
        caused_by_deployment=deployment,
        caused_by_change=change,
    )


def options(**changes: object) -> DeliveryOptions:
    return DeliveryOptions(SINCE, UNTIL, **changes)  # type: ignore[arg-type]


def links_of(
    deployments: list[Deployment],
    incidents: list[Incident] = [],  # noqa: B006 (never mutated)
    shippers: dict[str, list[str]] | None = None,
    window_hours: float = 72,
) -> tuple[dict[str, list[FailureLink]], dict[str, Recovery], tuple[str, ...]]:
    analysis = link_failures(
        counted_deployments(deployments, PRODUCTION), incidents, shippers or {}, timedelta(hours=window_hours)
    )
    return analysis.links, analysis.recoveries, analysis.unmatched_incidents


# Deployment frequency ----------------------------------------------------------------------------


def test_deployment_frequency_counts_successful_production_deployments_only() -> None:
    deployments = [
        deploy("a", 0, 9),
        deploy("b", 0, 15),  # the same day as a
        deploy("c", 1),
        deploy("d", 9),
        deploy("e", 21),
        deploy("f", 22),
        deploy("g", 23),
        deploy("h", 24, environment="PROD"),  # environments match case-insensitively
        deploy("staging", 3, environment="staging"),
        deploy("broken", 4, status=DeploymentStatus.FAILURE),
        deploy("before", -1),
        deploy("at-until", 28, 0),  # the period is [since, until)
    ]
    report = delivery_report(DeliveryInputs(deployments), options())
    (payments,) = report.scopes
    assert payments.scope == "payments"
    assert payments.deployments == 8
    assert payments.deployment_frequency_per_day == pytest.approx(8 / 28)
    # Deployment days per week [2, 1, 0, 4]: median 1.5. Days in March (the only, partial, month): 7.
    assert payments.deployment_days_per_week == 1.5
    assert payments.deployment_days_per_month == 7.0
    assert payments.bands["delivery.deployment_days_per_week"] == "high"
    assert [(week.week_start.isoformat(), week.deployments, week.deployment_days) for week in payments.weeks] == [
        ("2026-03-02", 3, 2),
        ("2026-03-09", 1, 1),
        ("2026-03-16", 0, 0),
        ("2026-03-23", 4, 4),
    ]
    assert [week.iso_week for week in payments.weeks] == ["2026-W10", "2026-W11", "2026-W12", "2026-W13"]
    assert report.environments == (
        EnvironmentCount("PROD", True, 1, 0),
        EnvironmentCount("production", True, 7, 1),
        EnvironmentCount("staging", False, 1, 0),
    )


def test_deployment_days_per_week_is_the_median_over_the_whole_weeks_of_the_period() -> None:
    since, until = datetime(2026, 3, 4, tzinfo=UTC), datetime(2026, 3, 25, tzinfo=UTC)  # Wednesday to Wednesday
    days = ["2026-03-04", "2026-03-05", "2026-03-10", "2026-03-17", "2026-03-18", "2026-03-19", "2026-03-24"]
    deployments = [
        Deployment(f"d{index}", "payments", "production", None, datetime.fromisoformat(day + "T12:00:00+00:00"))
        for index, day in enumerate(days)
    ]
    report = delivery_report(DeliveryInputs(deployments), DeliveryOptions(since, until))
    (payments,) = report.scopes
    # Whole weeks of 9 and 16 March: 1 and 3 days -> 2.0 (with the partial weeks it would be 1.5).
    assert payments.deployment_days_per_week == 2.0
    assert [(week.partial, week.deployment_days) for week in payments.weeks] == [
        (True, 2),
        (False, 1),
        (False, 3),
        (True, 1),
    ]
    assert payments.deployment_frequency_per_day == pytest.approx(7 / 21)


def test_a_period_without_a_whole_week_uses_its_partial_week() -> None:
    since, until = datetime(2026, 3, 4, tzinfo=UTC), datetime(2026, 3, 7, tzinfo=UTC)
    deployments = [deploy("a", 2), deploy("b", 3)]  # 4 and 5 March
    (payments,) = delivery_report(DeliveryInputs(deployments), DeliveryOptions(since, until)).scopes
    assert payments.deployment_days_per_week == 2.0
    assert payments.deployment_frequency_per_day == pytest.approx(2 / 3)


def test_deployment_days_per_month_is_the_median_over_whole_calendar_months() -> None:
    since, until = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)
    days = ["2026-03-02", "2026-03-02", "2026-03-10", "2026-03-20", "2026-04-07"]
    deployments = [
        Deployment(f"d{index}", "payments", "production", None, datetime.fromisoformat(day + "T08:00:00+00:00"))
        for index, day in enumerate(days)
    ]
    (payments,) = delivery_report(DeliveryInputs(deployments), DeliveryOptions(since, until)).scopes
    assert payments.deployment_days_per_month == 2.0  # March 3 days, April 1 day
    # The 8 whole weeks (2 March to 26 April) have 1, 1, 1, 0, 0, 1, 0, 0 deployment days: median 0.5.
    assert payments.deployment_days_per_week == 0.5
    # Below one day a week the band is the month figure's, and is carried beside it.
    assert payments.bands["delivery.deployment_days_per_week"] is None
    assert payments.bands["delivery.deployment_days_per_month"] == "medium"


def test_every_band_is_computed_from_the_figure_it_is_shown_beside() -> None:
    """Two components that both deploy on 0.0 days a week (median) are banded apart by the figure
    shown with their band, the month median, not by a value the report hides."""
    since, until = datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 5, 25, tzinfo=UTC)  # 12 whole weeks
    monthly = ["2026-03-03", "2026-03-17", "2026-04-07", "2026-04-21", "2026-05-05"]
    deployments = [
        *(deploy_on("monthly", day) for day in monthly),
        deploy_on("rarely", "2026-03-10"),
        *(
            deploy_on("weekly", f"2026-{month:02d}-{day:02d}")
            for month, days in ((3, (3, 10, 17, 24, 31)), (4, (7, 14, 21, 28)), (5, (5, 12, 19)))
            for day in days
        ),
    ]
    report = delivery_report(DeliveryInputs(deployments), DeliveryOptions(since, until))
    scopes = {scope.scope: scope for scope in report.scopes}
    assert scopes["monthly"].deployment_days_per_week == scopes["rarely"].deployment_days_per_week == 0.0
    assert scopes["monthly"].bands["delivery.deployment_days_per_month"] == "medium"  # 2 days in March and April
    assert scopes["rarely"].bands["delivery.deployment_days_per_month"] == "low"
    assert scopes["weekly"].bands["delivery.deployment_days_per_week"] == "high"
    for scope in report.scopes:
        values = scope.metric_values()
        for metric, shown_band in scope.bands.items():
            if shown_band is not None:
                assert band(metric, values[metric]) == shown_band, (scope.scope, metric)


def deploy_on(component: str, day: str) -> Deployment:
    return Deployment(
        f"{component}-{day}", component, "production", None, datetime.fromisoformat(day + "T08:00:00+00:00")
    )


# Lead time for changes ---------------------------------------------------------------------------


def shipped(deployment_id: str, *hours: float) -> list[ShippedChange]:
    return [
        ShippedChange(deployment_id, f"{deployment_id}-{index}", SINCE, value * HOUR)
        for index, value in enumerate(hours)
    ]


def test_lead_time_percentiles_are_over_the_changes_of_the_periods_production_deployments() -> None:
    deployments = [deploy("d1", 1), deploy("d2", 2), deploy("old", -3), deploy("s1", 1, environment="staging")]
    changes = {
        "d1": shipped("d1", 1, 2, 3),
        "d2": shipped("d2", 10),
        "old": shipped("old", 100),
        "s1": shipped("s1", 50),
    }
    report = delivery_report(DeliveryInputs(deployments, LeadTimes.from_shipped(changes)), options())
    (payments,) = report.scopes
    # Changes of 1, 2, 3 and 10 hours: p50 between 2 and 3 = 2.5 h; p90 at rank 2.7 = 3 + 0.7 * 7 = 7.9 h.
    assert payments.changes == 4
    assert payments.lead_time_p50 == pytest.approx(2.5 * HOUR)
    assert payments.lead_time_p90 == pytest.approx(7.9 * HOUR)
    assert payments.bands["delivery.lead_time_for_changes.p50"] == "elite"
    assert payments.weeks[0].changes == 4
    assert payments.weeks[0].lead_time_p50 == pytest.approx(2.5 * HOUR)
    assert payments.weeks[1].lead_time_p50 is None


def test_no_changes_means_no_lead_time_and_no_band() -> None:
    (payments,) = delivery_report(DeliveryInputs([deploy("d1", 1)]), options()).scopes
    assert (payments.changes, payments.lead_time_p50, payments.lead_time_p90) == (0, None, None)
    assert payments.bands["delivery.lead_time_for_changes.p50"] is None


# Failure rules -----------------------------------------------------------------------------------


def test_an_incident_naming_a_deployment_fails_it_and_its_resolution_recovers_it() -> None:
    deployments = [deploy("d1", 1)]
    incidents = [incident("INC-1", started=moment(1, 13), resolved=moment(1, 14), deployment="d1")]
    links, recoveries, unmatched = links_of(deployments, incidents)
    assert links == {"d1": [FailureLink(FailureRule.CAUSED_BY_DEPLOYMENT, "INC-1")]}
    assert recoveries == {"d1": Recovery(moment(1, 14), 2 * HOUR, by_incident="INC-1")}
    assert unmatched == ()


def test_an_incident_naming_a_change_fails_the_deployment_that_first_shipped_it() -> None:
    deployments = [deploy("d2", 2, sha="1" * 40), deploy("redeploy", 5, sha=SHA_A)]
    incidents = [incident("INC-2", resolved=moment(2, 12.5), change="ABC1234")]  # abbreviated, upper-case
    links, recoveries, _ = links_of(deployments, incidents, {SHA_A: ["d2"]})
    assert links == {"d2": [FailureLink(FailureRule.CAUSED_BY_CHANGE, "INC-2")]}
    assert recoveries["d2"].seconds == 1800.0


def test_an_incident_naming_a_deployed_commit_that_shipped_nothing_new_fails_that_deployment() -> None:
    deployments = [deploy("v1", 1, sha=SHA_F), deploy("v2", 2, sha="2" * 40), deploy("back-to-v1", 3, sha=SHA_F)]
    links, _, _ = links_of(deployments, [incident("INC-3", change=SHA_F)], {SHA_F: ["v1"]})
    assert links == {"v1": [FailureLink(FailureRule.CAUSED_BY_CHANGE, "INC-3")]}  # the earliest of the component


def test_a_change_shipped_by_two_components_fails_the_one_the_incident_names() -> None:
    deployments = [deploy("pay", 1, sha=SHA_A), deploy("find", 1, component="search", sha=SHA_A)]
    named = incident("INC-4", change=SHA_A, services=("component:search",))
    assert links_of(deployments, [named], {SHA_A: ["pay", "find"]})[0] == {
        "find": [FailureLink(FailureRule.CAUSED_BY_CHANGE, "INC-4")]
    }
    unnamed = incident("INC-5", change=SHA_A, services=())
    assert set(links_of(deployments, [unnamed], {SHA_A: ["pay", "find"]})[0]) == {"pay", "find"}


def test_a_rollback_fails_its_target_and_recovers_it_when_it_finishes() -> None:
    deployments = [deploy("d1", 1), deploy("r1", 1, 12.75, rollback_of="d1", incident="INC-9")]
    # INC-9 has cause `change` and started after the rollback: the rollback record explains it, so the
    # naive rule must not also blame r1, the latest deployment before it.
    incidents = [incident("INC-9", started=moment(1, 13), resolved=moment(1, 15), cause="change")]
    links, recoveries, _ = links_of(deployments, incidents)
    assert links == {"d1": [FailureLink(FailureRule.ROLLED_BACK, "INC-9", "r1")]}
    assert recoveries == {"d1": Recovery(moment(1, 12.75), 2700.0, by_deployment="r1")}


def test_a_hotfix_fails_its_target_only_within_the_hotfix_window() -> None:
    deployments = [
        deploy("d1", 0),
        deploy("h1", 3, hotfix_for="d1"),  # exactly 72 hours later: inside
        deploy("d2", 5),
        deploy("h2", 8, 13, hotfix_for="d2"),  # 73 hours later: outside
    ]
    links, recoveries, _ = links_of(deployments)
    assert links == {"d1": [FailureLink(FailureRule.HOTFIXED, None, "h1")]}
    assert recoveries["d1"].seconds == 72 * HOUR
    assert links_of(deployments, window_hours=73)[0].keys() == {"d1", "d2"}


def test_the_latest_deployment_before_an_incident_is_blamed_only_when_its_cause_is_a_change() -> None:
    deployments = [
        deploy("p1", 1, 10),
        deploy("p2", 1, 11),
        deploy("s1", 1, 11.5, component="search"),
        deploy("p3", 1, 14),  # after the incident started
        deploy("staging", 1, 11.9, environment="staging"),
        deploy("other", 1, 11.8, component="billing"),  # not one of the incident's services
    ]
    services = ("component:payments", "search")
    blamed = incident("INC-4", started=moment(1, 12), resolved=moment(1, 13), cause="change", services=services)
    links, recoveries, _ = links_of(deployments, [blamed])
    assert links == {"s1": [FailureLink(FailureRule.LATEST_BEFORE_INCIDENT, "INC-4")]}
    assert recoveries["s1"].seconds == 1.5 * HOUR
    for cause in ("config", "dependency", "unknown", None):
        other = incident("INC-5", started=moment(1, 12), cause=cause, services=services)
        assert links_of(deployments, [other])[0] == {}


def test_an_incident_naming_an_unknown_deployment_is_unmatched_and_never_falls_back() -> None:
    deployments = [deploy("d1", 1), deploy("s1", 1, environment="staging")]
    incidents = [
        incident("INC-7", started=moment(2), cause="change", deployment="nope"),
        incident("INC-8", started=moment(2), cause="change", deployment="s1"),  # not a production deployment
    ]
    links, _, unmatched = links_of(deployments, incidents)
    assert links == {}
    assert unmatched == ("INC-7", "INC-8")


def test_service_references_name_components() -> None:
    named = incident("INC", services=("component:Payments", "default/search", "system:shop", "resource:db", " "))
    assert service_components(named) == {"payments", "search"}


# The report --------------------------------------------------------------------------------------


def failing_month() -> tuple[list[Deployment], list[Incident]]:
    """Nine deployments d0..d8 at noon on days 0..8 and a rollback r4 of d4 45 minutes after it; an
    incident names d2 (resolved 2 h later), another names d7's commit (unresolved); d8 was made because
    of an incident."""
    deployments = [
        deploy(f"d{day}", day, sha=f"{day}" * 40, incident="INC-3" if day == 8 else None) for day in range(9)
    ]
    deployments.append(deploy("r4", 4, 12.75, rollback_of="d4"))
    incidents = [
        incident("INC-1", started=moment(2, 13), resolved=moment(2, 14), deployment="d2"),
        incident("INC-2", started=moment(7, 13), change="7" * 40),
    ]
    return deployments, incidents


def test_change_failure_rate_recovery_time_and_rework_rate() -> None:
    deployments, incidents = failing_month()
    report = delivery_report(DeliveryInputs(deployments, incidents=incidents), options())
    (payments,) = report.scopes
    assert payments.deployments == 10
    assert (payments.failed_deployments, payments.change_failure_rate) == (3, 0.3)  # d2, d4, d7
    # Recovered: d2 after 2 h (its incident), d4 after 45 min (r4). p50 = (7200 + 2700) / 2;
    # p90 = 2700 + 0.9 * 4500. d7 is unrecovered and reported, not dropped.
    assert (payments.recovered_deployments, payments.unrecovered_deployments) == (2, 1)
    assert payments.recovery_time_p50 == 4950.0
    assert payments.recovery_time_p90 == pytest.approx(6750.0)
    assert report.unrecovered == ("d7",)
    assert (payments.rework_deployments, payments.deployment_rework_rate) == (2, 0.2)  # r4 and d8
    assert report.failures == {
        "d2": (FailureLink(FailureRule.CAUSED_BY_DEPLOYMENT, "INC-1"),),
        "d4": (FailureLink(FailureRule.ROLLED_BACK, None, "r4"),),
        "d7": (FailureLink(FailureRule.CAUSED_BY_CHANGE, "INC-2"),),
    }
    # Deployment days per week [7, 2, 0, 0]: median 1.0.
    assert payments.deployment_days_per_week == 1.0
    assert payments.bands == {
        "delivery.deployment_days_per_week": "high",
        "delivery.deployment_days_per_month": None,
        "delivery.lead_time_for_changes.p50": None,
        "delivery.change_failure_rate": "low",
        "delivery.failed_deployment_recovery_time.p50": "high",
        "delivery.deployment_rework_rate": None,
    }
    first, second = payments.weeks[0], payments.weeks[1]
    assert (first.deployments, first.failed_deployments, first.change_failure_rate) == (8, 2, 0.25)
    assert (first.rework_deployments, first.deployment_rework_rate, first.recovery_time_p50) == (1, 0.125, 4950.0)
    assert (second.deployments, second.failed_deployments, second.change_failure_rate) == (2, 1, 0.5)
    assert (second.recovery_time_p50, second.deployment_rework_rate) == (None, 0.5)


def test_the_2024_edition_bands_with_the_cluster_profiles() -> None:
    deployments, incidents = failing_month()
    report = delivery_report(DeliveryInputs(deployments, incidents=incidents), options(edition=DoraEdition.DORA_2024))
    assert report.scopes[0].bands["delivery.change_failure_rate"] == "high"  # 30%: nearest to high's 20%


def test_a_failure_just_before_the_period_is_not_counted_but_its_rollback_is() -> None:
    deployments = [deploy("before", -1, 23), deploy("rollback", 0, 1, rollback_of="before")]
    report = delivery_report(DeliveryInputs(deployments), options())
    (payments,) = report.scopes
    assert (payments.deployments, payments.failed_deployments, payments.rework_deployments) == (1, 0, 1)
    assert report.failures == {}


def scoped_deployments() -> tuple[list[Deployment], dict[str, ComponentScope]]:
    deployments = [
        deploy("p1", 1),
        deploy("p2", 2),
        deploy("s1", 3, component="search"),
        deploy("l1", 4, component="legacy"),
        deploy("s0", -5, component="search"),
    ]
    scopes = {
        "payments": ComponentScope("payments", "group:pay", "system:shop"),
        "search": ComponentScope("search", "group:find", "system:shop"),
    }
    return deployments, scopes


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        (Scope.COMPONENT, [("legacy", 1), ("payments", 2), ("search", 1)]),
        (Scope.TEAM, [("group:find", 1), ("group:pay", 2), (None, 1)]),
        (Scope.SYSTEM, [("system:shop", 3), (None, 1)]),
        (Scope.ORG, [("acme", 4)]),
    ],
)
def test_metrics_are_grouped_by_component_team_system_or_organization(
    by: Scope, expected: list[tuple[str | None, int]]
) -> None:
    deployments, scopes = scoped_deployments()
    report = delivery_report(DeliveryInputs(deployments, scopes=scopes), options(by=by, organization="acme"))
    assert [(scope.scope, scope.deployments) for scope in report.scopes] == expected


def test_metric_values_carry_the_registry_names_scopes_and_units() -> None:
    deployments, scopes = scoped_deployments()
    by_component = delivery_report(DeliveryInputs(deployments, scopes=scopes), options())
    values = {(value.scope_ref, value.metric): value for value in delivery_metric_values(by_component)}
    frequency = values[("component:payments", "delivery.deployment_frequency.per_day")]
    assert frequency == MetricValue(
        "delivery.deployment_frequency.per_day", EntityRef("component", "default", "payments"), 2 / 28, "per_day"
    )
    assert (frequency.scope_kind, frequency.scope_ref) == ("component", "component:payments")  # as stored
    assert values[("component:search", "delivery.change_failure_rate")].value is None  # no incident record
    assert values[("component:search", "delivery.lead_time_for_changes.p50")].unit == "seconds"
    assert len(values) == 3 * 8
    by_team = delivery_report(DeliveryInputs(deployments, scopes=scopes), options(by=Scope.TEAM))
    team_values = delivery_metric_values(by_team)
    assert {value.scope_ref for value in team_values} == {"group:find", "group:pay"}  # no team: left out
    assert {value.scope_kind for value in team_values} == {"team"}
    assert {value.scope for value in team_values} == {
        EntityRef("group", "default", "find"),
        EntityRef("group", "default", "pay"),
    }
    by_system = delivery_report(DeliveryInputs(deployments, scopes=scopes), options(by=Scope.SYSTEM))
    assert {(value.scope_kind, value.scope_ref) for value in delivery_metric_values(by_system)} == {
        ("system", "system:shop")
    }
    by_org = delivery_report(DeliveryInputs(deployments, scopes=scopes), options(by=Scope.ORG, organization="acme"))
    org_values = delivery_metric_values(by_org)
    assert {value.scope for value in org_values} == {organization_ref("acme")}
    assert {(value.scope_kind, value.scope_ref) for value in org_values} == {("org", "acme")}


def test_an_empty_period_is_refused() -> None:
    with pytest.raises(ValueError, match="period is empty"):
        delivery_report(DeliveryInputs([]), DeliveryOptions(UNTIL, UNTIL))


def test_no_deployments_at_all_gives_no_scopes() -> None:
    report = delivery_report(DeliveryInputs([]), options())
    assert report.scopes == ()
    assert report.environments == ()


# Explain -----------------------------------------------------------------------------------------


def test_explain_lists_the_shipped_commits_and_the_incidents_with_their_rule() -> None:
    deployments, incidents = failing_month()
    inputs = DeliveryInputs(deployments, incidents=incidents)
    changes = [
        ShippedChange("d2", "late", moment(2, 6), 6 * HOUR),
        ShippedChange("d2", "early", moment(1, 12), 24 * HOUR),
    ]
    explanation = explain_deployment("d2", inputs, options(), changes)
    assert explanation is not None
    assert explanation.deployment.id == "d2"
    assert explanation.counted and not explanation.rework
    assert [(change.sha, change.lead_seconds) for change in explanation.shipped] == [
        ("early", 24 * HOUR),
        ("late", 6 * HOUR),
    ]
    (linked,) = explanation.failure
    assert linked.link == FailureLink(FailureRule.CAUSED_BY_DEPLOYMENT, "INC-1")
    assert linked.incident is incidents[0]
    assert explanation.recovery == Recovery(moment(2, 14), 2 * HOUR, by_incident="INC-1")
    rollback = explain_deployment("r4", inputs, options(), [])
    assert rollback is not None and rollback.rework and rollback.failure == ()
    assert explain_deployment("missing", inputs, options(), []) is None


# Building blocks ---------------------------------------------------------------------------------


def test_grouped_percentiles_agree_with_numpy_percentile() -> None:
    generator = np.random.default_rng(7)
    groups = generator.integers(0, 6, 500).astype(np.int64)
    groups[groups == 3] = 2  # group 3 left empty
    values = generator.exponential(1000.0, 500)
    result = grouped_percentiles(groups, values, 7, (0.5, 0.9))
    for group in range(7):
        members = values[groups == group]
        if members.size == 0:
            assert np.isnan(result[group]).all()
        else:
            assert result[group] == pytest.approx(np.percentile(members, [50, 90]))


def test_lead_times_and_change_shippers_from_shipped_changes() -> None:
    changes = {"d1": shipped("d1", 1, 2), "empty": [], "d2": [ShippedChange("d2", "d1-0", SINCE, 5.0)]}
    lead_times = LeadTimes.from_shipped(changes)
    assert list(lead_times.deployment_ids) == ["d1", "empty", "d2"]
    assert lead_times.change_counts.tolist() == [2, 0, 1]
    assert lead_times.seconds.tolist() == [HOUR, 2 * HOUR, 5.0]
    assert change_shippers(changes) == {"d1-0": ["d1", "d2"], "d1-1": ["d1"]}


def test_lead_times_in_several_runs_of_one_deployment_all_count() -> None:
    rows = LeadTimes(["d1", "d2", "d1"], np.array([1, 1, 1]), np.array([HOUR, 5 * HOUR, 3 * HOUR]))
    report = delivery_report(DeliveryInputs([deploy("d1", 1), deploy("d2", 2)], rows), options())
    assert report.scopes[0].changes == 3
    assert report.scopes[0].lead_time_p50 == 3 * HOUR
