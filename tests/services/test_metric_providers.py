"""Each domain's metric provider measured directly over a Context, on SQLite and PostgreSQL: it gives
only the registry metrics of its domain, at scopes the registry allows them, in the registry's unit,
and the values the facts hold; the incidents several providers need are read once per snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from charter.analysis.metrics import METRICS, Domain
from charter.model.metric_values import MetricValue, organization_ref
from charter.model.refs import parse_ref
from charter.services.context import Context, load_context
from charter.services.metrics.interface import MetricProvider
from charter.services.metrics.providers import PROVIDERS
from charter.services.metrics.shared import Period, SharedFacts
from charter.store.database import open_store
from tests.services.metric_facts import SINCE, UNTIL, build_organization

PERIOD = Period(SINCE, UNTIL)
PAYMENTS = parse_ref("component:payments")
TEAM = parse_ref("group:team-a")
SHOP = parse_ref("system:shop")
ACME = organization_ref("Acme")


@pytest.fixture
def context(tmp_path: Path, database_url: str) -> Iterator[Context]:
    repo = build_organization(tmp_path, database_url)
    with open_store(repo, database_url) as store:
        yield load_context(repo, store)


def measured(context: Context) -> dict[MetricProvider, list[MetricValue]]:
    """Every provider's values over the period, sharing one computation's facts as a snapshot does."""
    shared = SharedFacts(context, PERIOD)
    found = {}
    for provider in PROVIDERS:
        found[provider] = provider.measure(context, PERIOD, shared)
        shared.record(found[provider])
    return found


def test_there_is_one_provider_per_measured_domain() -> None:
    domains = [provider.domain for provider in PROVIDERS]
    assert sorted(domains) == sorted(
        {Domain.DELIVERY, Domain.INCIDENTS, Domain.SLOS, Domain.SECURITY, Domain.CODE_HEALTH, Domain.ASSESSMENT}
    )
    for provider in PROVIDERS:
        assert provider.metrics and all(metric.domain is provider.domain for metric in provider.metrics)


def test_every_provider_gives_its_registry_metrics_at_the_scopes_the_registry_allows(context: Context) -> None:
    for provider, values in measured(context).items():
        names = {metric.name for metric in provider.metrics}
        assert {value.metric for value in values} == names, provider  # every metric of its domain, no other
        for value in values:
            metric = METRICS[value.metric]
            assert value.scope_kind in metric.scopes, (provider, value)
            assert value.unit == metric.unit, (provider, value)
        scopes = [(value.metric, value.scope) for value in values]
        assert len(scopes) == len(set(scopes)), provider  # one value per metric and scope


def test_the_providers_measure_the_imported_facts(context: Context) -> None:
    value = {(item.metric, item.scope): item.value for values in measured(context).values() for item in values}

    # three counted production deployments in 14 days; d1 caused INC-1 and d2 was rolled back by d3
    for scope in (PAYMENTS, TEAM, SHOP, ACME):
        assert value["delivery.deployment_frequency.per_day", scope] == 3 / 14
        assert value["delivery.change_failure_rate", scope] == 2 / 3
    # d1 recovered when INC-1 was resolved (3 h), d2 when d3 rolled it back (6 days)
    assert value["delivery.failed_deployment_recovery_time.p50", ACME] == (3 * 3600 + 6 * 86400) / 2
    assert value["delivery.lead_time_for_changes.p50", PAYMENTS] is None  # the deployed sha was never mined
    for scope in (PAYMENTS, TEAM, ACME):
        assert value["reliability.incidents.count", scope] == 1
        assert value["reliability.mttr.p50", scope] == 2 * 3600
        assert value["reliability.slo_attainment", scope] == pytest.approx(1 - 1 / 400)
        assert value["reliability.error_budget_remaining", scope] == pytest.approx(0.75)
        assert value["security.findings.open_critical", scope] == 1
    assert value["security.access_control_gaps", PAYMENTS] == 0
    assert value["code_health.bus_factor", PAYMENTS] == 1
    assert value["code_health.knowledge_concentration", PAYMENTS] == 1


def test_the_assessment_scores_the_values_the_providers_before_it_measured(context: Context) -> None:
    value = {(item.metric, item.scope): item.value for values in measured(context).values() for item in values}

    # The open critical finding fails `no-open-critical` (weight 2) of the 8 known security weight; the
    # repository has no Scorecard run, so access control (2) is unknown
    for scope in (PAYMENTS, TEAM, SHOP, ACME):
        assert value["assessment.security.score", scope] == pytest.approx(75)
        assert value["assessment.security.confidence", scope] == pytest.approx(0.8)
    # SLO defined and budget left, no SEV1, no repeat, postmortem published, no overdue action item
    assert value["assessment.reliability.score", PAYMENTS] == 100
    assert value["assessment.method_version", ACME] == 1


def test_the_incidents_are_read_once_for_every_provider_that_needs_them(context: Context) -> None:
    reads: list[str] = []

    def count_incident_reads(connection: object, cursor: object, statement: str, *rest: object) -> None:
        if "FROM incidents" in statement:
            reads.append(statement)

    store = context.required_store()
    event.listen(store.engine, "before_cursor_execute", count_incident_reads)
    try:
        measured(context)
    finally:
        event.remove(store.engine, "before_cursor_execute", count_incident_reads)

    assert len(reads) == 1
