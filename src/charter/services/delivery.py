"""`delivery`: DORA's five metrics over a period per component, team, system or the organisation,
and one deployment explained, read from the store and computed by `analysis.delivery`; plus the
delivery metric values a snapshot records."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy.engine import Connection

from charter.analysis.component_sources import component_scopes
from charter.analysis.delivery import explain, report
from charter.analysis.delivery.bands import DoraEdition
from charter.analysis.delivery.inputs import DeliveryInputs, DeliveryOptions
from charter.analysis.metrics import Scope
from charter.model.errors import NotFound, UsageError
from charter.model.metric_values import MetricValue
from charter.services.context import Context
from charter.services.delivery_advice import no_deployments_advice
from charter.services.incidents import all_incidents
from charter.store.deployments import read_deployments, read_deployments_by_id
from charter.store.shipped import read_lead_times, read_shipped_of, read_shippers

if TYPE_CHECKING:
    from charter.outputs.views import delivery as view

# Deployments read around the period: the latest one before an incident early in the period, and
# rollbacks or hotfixes that came after it.
_CONTEXT_BEFORE = timedelta(days=30)
_SCOPES = ", ".join(scope.value for scope in Scope)
_EDITIONS = ", ".join(edition.value for edition in DoraEdition)


@dataclass(frozen=True, slots=True)
class DeliveryQuery:
    """The period [since, until), what to group by (`component`, `team`, `system` or `org`) and the
    DORA edition whose bands to use (`2023` or `2024`). Raises UsageError for an empty period or an
    unknown name."""

    since: datetime
    until: datetime
    by: str = Scope.COMPONENT.value
    edition: str = DoraEdition.DORA_2023.value

    def __post_init__(self) -> None:
        if self.until <= self.since:  # in the command's words: `--until` names the last day, the one before
            last_day = (self.until - timedelta(days=1)).date()
            raise UsageError(f"--since {self.since.date()} is not before --until {last_day}")
        if self.by not in {scope.value for scope in Scope}:
            raise UsageError(f"cannot group delivery by {self.by!r} (one of {_SCOPES})")
        if self.edition not in {edition.value for edition in DoraEdition}:
            raise UsageError(f"no DORA edition {self.edition!r} (one of {_EDITIONS})")


def delivery_options(context: Context, query: DeliveryQuery) -> DeliveryOptions:
    """The analysis options of a query: the period, grouping and edition, and the policies."""
    policies = context.policies
    return DeliveryOptions(
        since=query.since,
        until=query.until,
        production_patterns=tuple(policies.production_environments),
        hotfix_window_hours=policies.hotfix_window_hours,
        by=Scope(query.by),
        edition=DoraEdition(query.edition),
        organization=context.organization_name,
    )


def delivery_inputs(context: Context, connection: Connection, query: DeliveryQuery) -> DeliveryInputs:
    """Everything the delivery metrics of [since, until) need, read from the store in a few queries:
    the period's deployments with some context around it, and every deployment an incident names."""
    window = timedelta(hours=context.policies.hotfix_window_hours)
    deployments = read_deployments(connection, since=query.since - _CONTEXT_BEFORE, until=query.until + window)
    if context.only_components is not None:
        deployments = [item for item in deployments if context.counts_component(item.component)]
    in_period = [item.id for item in deployments if query.since <= item.finished < query.until]
    lead_times = read_lead_times(connection, in_period)
    incidents = all_incidents(context, connection)  # postmortems merged with imported incidents
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
        scopes=component_scopes(context.estate),
    )


def delivery_inputs_within(context: Context, wide: DeliveryInputs, query: DeliveryQuery) -> DeliveryInputs:
    """What `delivery_inputs` reads for `query`, cut from `wide`, read once by `delivery_inputs` for
    a period holding the query's: a backfill of many snapshots reads the store once, not per date.
    The same deployments (those around the period, then those incidents name, by id), the lead times
    of the deployments in the period, and every incident."""
    window = timedelta(hours=context.policies.hotfix_window_hours)
    first, last = query.since - _CONTEXT_BEFORE, query.until + window
    around = [item for item in wide.deployments if first <= item.finished < last]
    loaded = {item.id for item in around}
    named = {incident.caused_by_deployment for incident in wide.incidents if incident.caused_by_deployment}
    named.update(deployment_id for shipped_by in wide.change_shippers.values() for deployment_id in shipped_by)
    by_id = {item.id: item for item in wide.deployments}
    deployments = around + [by_id[item] for item in sorted(named - loaded) if item in by_id]
    in_period = {item.id for item in around if query.since <= item.finished < query.until}
    runs = wide.lead_times
    kept_runs = np.fromiter((item in in_period for item in runs.deployment_ids), bool, len(runs.deployment_ids))
    kept_changes = np.repeat(kept_runs, runs.change_counts)
    lead_times = type(runs)(
        [item for item, kept in zip(runs.deployment_ids, kept_runs, strict=True) if kept],
        runs.change_counts[kept_runs],
        np.asarray(runs.seconds)[kept_changes],
    )
    return replace(wide, deployments=deployments, lead_times=lead_times)


def delivery_report(context: Context, query: DeliveryQuery) -> view.DeliveryReport:
    """The five metrics per scope over the query's period, with bands, weekly trend and failures; when
    the period has no deployment DORA counts, why, and what to try."""
    from charter.services.delivery_views import delivery_view

    with context.required_store().engine.connect() as connection:
        inputs = delivery_inputs(context, connection, query)
        computed = report.delivery_report(inputs, delivery_options(context, query))
        advice = None
        if not any(scope.deployments for scope in computed.scopes):
            advice = no_deployments_advice(context, connection, query.since, query.until, inputs.deployments)
    return delivery_view(computed, advice)


def explain_deployment(context: Context, query: DeliveryQuery, deployment_id: str) -> view.DeploymentExplanation:
    """One deployment: what it shipped and why it counts as failed. The period is widened to hold
    it. Raises NotFound when the store has no deployment with this id."""
    from charter.services.delivery_views import explanation_view

    with context.required_store().engine.connect() as connection:
        matches = read_deployments_by_id(connection, [deployment_id])
        if matches:
            found = matches[0]
            around = DeliveryQuery(
                min(query.since, found.finished), max(query.until, found.finished + timedelta(seconds=1))
            )
            inputs = delivery_inputs(context, connection, around)
            shipped = list(read_shipped_of(connection, [deployment_id]))
            explained = explain.explain_deployment(deployment_id, inputs, delivery_options(context, around), shipped)
            if explained is not None:
                return explanation_view(explained)
    raise NotFound(f"no deployment `{deployment_id}` in the store (ids: `tag:<component>/<tag>` or the imported id)")


def delivery_metric_values_per_scope(
    context: Context, inputs: DeliveryInputs, since: datetime, until: datetime
) -> list[MetricValue]:
    """Every delivery metric over [since, until) per component, team, system and the organisation,
    from inputs read once for the period (`delivery_inputs`)."""
    values: list[MetricValue] = []
    for by in (Scope.COMPONENT, Scope.TEAM, Scope.SYSTEM, Scope.ORG):
        scoped = report.delivery_report(inputs, delivery_options(context, DeliveryQuery(since, until, by)))
        values += report.delivery_metric_values(scoped)
    return values
