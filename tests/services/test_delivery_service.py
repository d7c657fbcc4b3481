"""The delivery use cases over a store on SQLite and PostgreSQL: a fortnight of deployments of one
component (a rollback, a staging deployment, a failed one), the lead times of what they shipped and
a postmortem naming the deployment that caused it; the numbers are worked out by hand."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from charter.model.delivery import Deployment, DeploymentStatus, ShippedChange
from charter.model.errors import NotFound, UsageError
from charter.model.metric_values import organization_ref
from charter.model.refs import EntityRef
from charter.outputs.views.delivery import EnvironmentCount, FailureLink, LinkedIncident
from charter.services.context import Context, load_context
from charter.services.delivery import (
    DeliveryQuery,
    delivery_inputs,
    delivery_metric_values_per_scope,
    delivery_report,
    explain_deployment,
)
from charter.store import open_store
from charter.store.deployments import write_deployments
from charter.store.shipped import replace_shipped_changes
from tests.delivery_strategy import FILES
from tests.strategy import write_repo

SINCE = datetime(2026, 9, 28, tzinfo=UTC)  # a Monday
UNTIL = datetime(2026, 10, 12, tzinfo=UTC)  # two whole ISO weeks later
HOUR, DAY = 3600.0, 86400.0
SHA = "b" * 40


def deployment(
    deployment_id: str,
    finished: datetime,
    environment: str = "production",
    status: DeploymentStatus = DeploymentStatus.SUCCESS,
    rollback_of: str | None = None,
) -> Deployment:
    return Deployment(deployment_id, "payments", environment, SHA, finished, status, rollback_of=rollback_of)


DEPLOYMENTS = [
    deployment("d1", datetime(2026, 10, 1, 10, tzinfo=UTC)),
    deployment("d2", datetime(2026, 10, 2, 10, tzinfo=UTC)),
    deployment("d3", datetime(2026, 10, 8, 10, tzinfo=UTC), rollback_of="d2"),
    deployment("d4", datetime(2026, 10, 3, 10, tzinfo=UTC), environment="staging"),
    deployment("d5", datetime(2026, 10, 9, 10, tzinfo=UTC), status=DeploymentStatus.FAILURE),
]


def shipped(deployment_id: str, sha: str, lead_seconds: float) -> ShippedChange:
    finished = next(item.finished for item in DEPLOYMENTS if item.id == deployment_id)
    return ShippedChange(deployment_id, sha, finished - timedelta(seconds=lead_seconds), lead_seconds)


SHIPPED = [shipped("d1", "1" * 40, HOUR), shipped("d1", "2" * 40, 2 * HOUR), shipped("d3", "3" * 40, DAY)]


@pytest.fixture
def context(database_url: str, tmp_path: Path) -> Iterator[Context]:
    (tmp_path / "org").mkdir()
    root = write_repo(tmp_path / "org", FILES)
    with open_store(root, database_url) as store:
        with store.transaction() as connection:
            write_deployments(connection, DEPLOYMENTS)
            replace_shipped_changes(connection, "payments", "fingerprint", SHIPPED)
        yield load_context(root, store)


def test_the_report_holds_the_five_metrics_the_failures_and_the_weekly_trend(context: Context) -> None:
    report = delivery_report(context, DeliveryQuery(SINCE, UNTIL, by="org"))
    assert (report.since, report.until, report.by, report.dora) == (SINCE, UNTIL, "org", "2023")
    [org] = report.scopes
    assert (org.scope, org.deployments) == ("acme", 3)  # d4 is staging, d5 failed: shown, not counted
    assert org.deployment_frequency_per_day == 3 / 14
    assert org.deployment_days_per_week == 1.5  # week of Sep 28: 2 days; week of Oct 5: 1 day
    assert (org.change_failure_rate, org.deployment_rework_rate) == (2 / 3, 1 / 3)  # d3 rolled d2 back
    # d1 recovered when INC-1 was resolved (2 h after it started, 3 h after d1); d2 when d3 rolled it back
    assert org.recovery_time_p50_seconds == (3 * HOUR + 6 * DAY) / 2
    assert (org.changes, org.lead_time_p50_seconds) == (3, 2 * HOUR)
    assert org.lead_time_p90_seconds == pytest.approx(2 * HOUR + 0.8 * (DAY - 2 * HOUR))
    assert org.bands["delivery.change_failure_rate"] == "low"
    assert org.metrics["delivery.deployment_rework_rate"] == 1 / 3
    assert [(week["week"], week["deployments"], week["failed_deployments"]) for week in org.weeks] == [
        ("2026-W40", 2, 2),
        ("2026-W41", 1, 0),
    ]
    assert report.failures == {
        "d1": [FailureLink(rule="caused-by-deployment", incident="INC-1", by_deployment=None)],
        "d2": [FailureLink(rule="rolled-back", incident=None, by_deployment="d3")],
    }
    assert report.environments == [
        EnvironmentCount(environment="production", production=True, successful=3, unsuccessful=1),
        EnvironmentCount(environment="staging", production=False, successful=1, unsuccessful=0),
    ]
    assert (report.unrecovered, report.unmatched_incidents) == ([], [])


def test_the_report_json_keeps_the_names_scripts_read(context: Context) -> None:
    data = delivery_report(context, DeliveryQuery(SINCE, UNTIL, by="org")).as_data()
    assert (data["since"], data["until"]) == ("2026-09-28T00:00:00+00:00", "2026-10-12T00:00:00+00:00")
    scope = data["scopes"][0]
    assert scope["leadTimeP50Seconds"] == 7200.0 and scope["deploymentFrequencyPerDay"] == 3 / 14
    assert scope["weeks"][0]["weekStart"] == "2026-09-28"
    assert data["failures"]["d2"] == [{"rule": "rolled-back", "incident": None, "byDeployment": "d3"}]
    assert data["unmatchedIncidents"] == []


@pytest.mark.parametrize(
    ("by", "scope"), [("component", "payments"), ("team", "group:team-a"), ("system", "system:shop")]
)
def test_the_report_groups_by_component_team_or_system(context: Context, by: str, scope: str) -> None:
    report = delivery_report(context, DeliveryQuery(SINCE, UNTIL, by=by, edition="2024"))
    assert [(item.scope, item.deployments) for item in report.scopes] == [(scope, 3)]
    assert report.dora == "2024"


def test_explain_says_what_a_deployment_shipped_why_it_failed_and_what_recovered_it(context: Context) -> None:
    explained = explain_deployment(context, DeliveryQuery(SINCE, UNTIL), "d1")
    assert (explained.deployment.id, explained.deployment.commit, explained.deployment.status) == ("d1", SHA, "success")
    assert (explained.counted, explained.rework) == (True, False)
    assert [(change.sha, change.lead_time_seconds) for change in explained.shipped] == [
        ("2" * 40, 2 * HOUR),  # oldest lead start first
        ("1" * 40, HOUR),
    ]
    assert explained.failure == [
        LinkedIncident(
            rule="caused-by-deployment", incident="INC-1", incident_title="Payments fail", by_deployment=None
        )
    ]
    assert explained.recovery is not None
    assert (explained.recovery.seconds, explained.recovery.by_incident) == (3 * HOUR, "INC-1")


def test_explain_widens_the_period_to_hold_the_deployment(context: Context) -> None:
    rollback = explain_deployment(context, DeliveryQuery(SINCE, SINCE + timedelta(days=1)), "d3")
    assert (rollback.counted, rollback.rework, rollback.failure, rollback.recovery) == (True, True, [], None)
    assert explain_deployment(context, DeliveryQuery(SINCE, UNTIL), "d4").counted is False  # staging


def test_explain_of_an_unknown_deployment_is_not_found(context: Context) -> None:
    with pytest.raises(NotFound, match="no deployment `nope` in the store"):
        explain_deployment(context, DeliveryQuery(SINCE, UNTIL), "nope")


def test_a_query_that_is_no_period_or_names_no_scope_is_refused() -> None:
    with pytest.raises(UsageError, match=r"--since 2026-10-12 is not before --until 2026-10-11"):
        DeliveryQuery(UNTIL, UNTIL)
    with pytest.raises(UsageError, match="cannot group delivery by 'week'"):
        DeliveryQuery(SINCE, UNTIL, by="week")
    with pytest.raises(UsageError, match="no DORA edition '2019'"):
        DeliveryQuery(SINCE, UNTIL, edition="2019")


def test_metric_values_are_scoped_by_entity_reference_and_stored_as_before(context: Context) -> None:
    with context.required_store().engine.connect() as connection:
        inputs = delivery_inputs(context, connection, DeliveryQuery(SINCE, UNTIL))
    values = delivery_metric_values_per_scope(context, inputs, SINCE, UNTIL)
    scopes = {value.scope: (value.scope_kind, value.scope_ref) for value in values}
    assert scopes == {
        EntityRef("component", "default", "payments"): ("component", "component:payments"),
        EntityRef("group", "default", "team-a"): ("team", "group:team-a"),
        EntityRef("system", "default", "shop"): ("system", "system:shop"),
        organization_ref("acme"): ("org", "acme"),
    }
    assert len(values) == 4 * 8
    failure_rates = {value.value for value in values if value.metric == "delivery.change_failure_rate"}
    assert failure_rates == {2 / 3}


# When the period has no deployment DORA counts, the report says why and what to try --------------


def test_a_period_after_the_last_deployment_names_the_latest_and_suggests_since(context: Context) -> None:
    now = datetime(2027, 3, 1, tzinfo=UTC)
    clocked = replace(context, clock=lambda: now)

    report = delivery_report(clocked, DeliveryQuery(now - timedelta(days=90), now))

    assert [scope.deployments for scope in report.scopes] == [0]  # d1 is read: INC-1 names it
    # d5 (Oct 9) failed: the latest successful production deployment is d3, Oct 8.
    assert (
        report.no_deployments
        == "no deployments in the last 90 days (the latest was 2026-10-08; try `--since 2026-10-08`)"
    )


def test_a_period_before_the_first_deployment_names_the_next_and_suggests_until(context: Context) -> None:
    report = delivery_report(context, DeliveryQuery(datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)))

    assert report.no_deployments == (
        "no deployments from 2026-06-01 to 2026-06-30 (the next was 2026-10-01; try `--until 2026-10-01`)"
    )


def test_a_period_with_only_other_environments_says_where_its_deployments_went(context: Context) -> None:
    day = datetime(2026, 10, 3, tzinfo=UTC)

    report = delivery_report(context, DeliveryQuery(day, day + timedelta(days=1)))

    [org] = report.scopes  # d1 and d2, just before the period, keep the scope: with no deployment in it
    assert org.deployments == 0
    assert report.no_deployments == (
        "no successful deployment to production from 2026-10-03 to 2026-10-03: 1 successful to staging "
        "(production is what `policies.productionEnvironments` matches: prod(uction)?)"
    )


def test_a_period_with_deployments_has_no_advice(context: Context) -> None:
    assert delivery_report(context, DeliveryQuery(SINCE, UNTIL)).no_deployments is None


def test_an_empty_store_says_to_sync_when_release_tags_are_mapped(database_url: str, tmp_path: Path) -> None:
    tagged = FILES["catalog/all.yaml"].replace(
        "metadata: {name: payments}",
        "metadata: {name: payments, annotations: {charter.dev/repo: payments, charter.dev/release-tags: 'v.*'}}",
    )
    (tmp_path / "org").mkdir()
    root = write_repo(tmp_path / "org", {**FILES, "catalog/all.yaml": tagged})
    with open_store(root, database_url) as store:
        report = delivery_report(load_context(root, store), DeliveryQuery(SINCE, UNTIL))
    assert report.no_deployments is not None
    assert report.no_deployments.startswith("no deployments stored, though 1 components map release tags")
    assert "run `charter sync`" in report.no_deployments
