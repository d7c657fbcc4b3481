"""Reports over the facts in the store: code health per component and the delivery metrics, read
from the store and computed by `analysis`, plus the metric values every `charter sync` snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from charter.analysis.codehealth.health import CodeHealth, CodeHealthOptions, analyze_code_health
from charter.analysis.component_sources import ComponentSource, component_scopes, component_sources
from charter.analysis.delivery.bands import DoraEdition
from charter.analysis.delivery.explain import DeploymentExplanation, explain_deployment
from charter.analysis.delivery.inputs import DeliveryInputs, DeliveryOptions
from charter.analysis.delivery.report import DeliveryReport, delivery_metric_values, delivery_report
from charter.analysis.metrics import METRICS, Scope
from charter.load.repository import collector_paused
from charter.services.incident_facts import all_incidents, incident_metric_values
from charter.services.security_facts import security_metric_values
from charter.services.sli_facts import slo_metric_values
from charter.services.workspace import Workspace
from charter.store.database import Store
from charter.store.deployments import read_deployments, read_deployments_by_id
from charter.store.git_history import read_file_changes
from charter.store.schema import git_repositories
from charter.store.shipped import read_lead_times, read_shipped_of, read_shippers
from charter.store.snapshots import MetricValue


@dataclass(frozen=True, slots=True)
class ComponentCodeHealth:
    source: ComponentSource
    health: CodeHealth


def code_health(
    workspace: Workspace, store: Store, today: datetime, component: str | None = None
) -> list[ComponentCodeHealth]:
    """Code health of every component mapped to a mined repository (or of the one named); components
    whose repository was never mined are left out rather than shown empty."""
    sources, _problems = component_sources(workspace.estate)
    if component is not None:
        sources = [source for source in sources if component in (source.component, source.ref.short, str(source.ref))]
    options = CodeHealthOptions(today=today, bots=workspace.policies.bots, exclude=workspace.git_source.exclude)
    found = []
    with store.engine.connect() as connection:
        mined = set(connection.execute(select(git_repositories.c.name)).scalars())
        for source in sources:
            if source.repository not in mined:
                continue
            rows = read_file_changes(connection, source.repository, path_prefix=source.path_prefix)
            health = analyze_code_health(rows, options)
            found.append(ComponentCodeHealth(source, health))
    return found


# Delivery ----------------------------------------------------------------------------------------

# Deployments read around the period: the latest one before an incident early in the period, and
# rollbacks or hotfixes that came after it.
_CONTEXT_BEFORE = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class DeliveryQuery:
    since: datetime
    until: datetime
    by: Scope = Scope.COMPONENT
    edition: DoraEdition = DoraEdition.DORA_2023


def _organization_name(workspace: Workspace) -> str:
    organization = workspace.estate.organization
    return organization.metadata.name if organization else "org"


def delivery_options(workspace: Workspace, query: DeliveryQuery) -> DeliveryOptions:
    policies = workspace.policies
    return DeliveryOptions(
        since=query.since,
        until=query.until,
        production_patterns=tuple(policies.production_environments),
        hotfix_window_hours=policies.hotfix_window_hours,
        by=query.by,
        edition=query.edition,
        organization=_organization_name(workspace),
    )


def delivery_inputs(workspace: Workspace, connection: Connection, query: DeliveryQuery) -> DeliveryInputs:
    """Everything the delivery metrics of [since, until) need, read from the store in a few queries:
    the period's deployments with some context around it, and every deployment an incident names."""
    window = timedelta(hours=workspace.policies.hotfix_window_hours)
    # A million deployments over years are a million long-lived objects: collections would find nothing.
    with collector_paused():
        deployments = read_deployments(connection, since=query.since - _CONTEXT_BEFORE, until=query.until + window)
        in_period = [item.id for item in deployments if query.since <= item.finished < query.until]
        lead_times = read_lead_times(connection, in_period)
    incidents = all_incidents(workspace, connection)  # postmortems merged with imported incidents
    shippers = read_shippers(
        connection, [incident.caused_by_change for incident in incidents if incident.caused_by_change]
    )
    named = {incident.caused_by_deployment for incident in incidents if incident.caused_by_deployment}
    named.update(deployment_id for shipped_by in shippers.values() for deployment_id in shipped_by)
    loaded = {deployment.id for deployment in deployments}
    deployments += read_deployments_by_id(connection, sorted(named - loaded))
    return DeliveryInputs(
        deployments=deployments,
        lead_times=lead_times,
        incidents=incidents,
        change_shippers=shippers,
        scopes=component_scopes(workspace.estate),
    )


def delivery(workspace: Workspace, store: Store, query: DeliveryQuery) -> DeliveryReport:
    with store.engine.connect() as connection:
        inputs = delivery_inputs(workspace, connection, query)
    return delivery_report(inputs, delivery_options(workspace, query))


def explain(
    workspace: Workspace, store: Store, query: DeliveryQuery, deployment_id: str
) -> DeploymentExplanation | None:
    """One deployment: what it shipped and why it counts as failed. The period is widened to hold it."""
    with store.engine.connect() as connection:
        matches = read_deployments_by_id(connection, [deployment_id])
        if not matches:
            return None
        found = matches[0]
        around = DeliveryQuery(
            min(query.since, found.finished), max(query.until, found.finished + timedelta(seconds=1))
        )
        inputs = delivery_inputs(workspace, connection, around)
        shipped = list(read_shipped_of(connection, [deployment_id]))
    return explain_deployment(deployment_id, inputs, delivery_options(workspace, around), shipped)


# Snapshot ----------------------------------------------------------------------------------------


def snapshot_values(workspace: Workspace, since: datetime, until: datetime) -> list[MetricValue]:
    """Every metric value `charter sync` records: delivery per component, team, system and the
    organisation over [since, until), incidents per component, team and organisation, SLO attainment
    and error budget at `until` (the worst SLO of each scope), security findings per component, team and
    organisation, and code health per component."""
    store = workspace.store
    assert store is not None
    values: list[MetricValue] = []
    with store.engine.connect() as connection:
        inputs = delivery_inputs(workspace, connection, DeliveryQuery(since, until))  # the same for every scope
    for by in (Scope.COMPONENT, Scope.TEAM, Scope.SYSTEM, Scope.ORG):
        report = delivery_report(inputs, delivery_options(workspace, DeliveryQuery(since, until, by)))
        values += [
            MetricValue(item.metric, item.scope_kind, item.scope_ref, item.value, item.unit)
            for item in delivery_metric_values(report)
        ]
    values += incident_metric_values(workspace, inputs.incidents, since, until)  # read once, with the deployments
    with store.engine.connect() as connection:
        values += security_metric_values(workspace, connection, until)
    values += slo_metric_values(workspace, store, until, inputs.incidents)
    for item in code_health(workspace, store, until):
        ref = item.source.ref.short
        for metric, value in item.health.metric_values().items():
            values.append(MetricValue(metric, Scope.COMPONENT.value, ref, value, METRICS[metric].unit.value))
    return values
