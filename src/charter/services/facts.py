"""The metric values every `charter sync` snapshots: delivery per component, team, system and the
organisation, incidents, SLOs, security findings and code health."""

from __future__ import annotations

from datetime import datetime

from charter.analysis.metrics import Scope
from charter.services.codehealth import code_health_metric_values
from charter.services.context import Context
from charter.services.delivery import DeliveryQuery, delivery_inputs, delivery_metric_values_per_scope
from charter.services.incident_facts import incident_metric_values
from charter.services.security_facts import security_metric_values
from charter.services.sli_facts import slo_metric_values
from charter.services.workspace import Workspace
from charter.store.snapshots import MetricValue


def snapshot_values(workspace: Workspace, since: datetime, until: datetime) -> list[MetricValue]:
    """Every metric value `charter sync` records: delivery per component, team, system and the
    organisation over [since, until), incidents per component, team and organisation, SLO attainment
    and error budget at `until` (the worst SLO of each scope), security findings per component, team and
    organisation, and code health per component."""
    store = workspace.store
    assert store is not None
    context = Context(workspace.root, workspace.estate, store)
    with store.engine.connect() as connection:
        inputs = delivery_inputs(context, connection, DeliveryQuery(since, until))  # the same for every scope
    values = [
        MetricValue(item.metric, item.scope_kind, item.scope_ref, item.value, item.unit)
        for item in delivery_metric_values_per_scope(context, inputs, since, until)
    ]
    values += incident_metric_values(workspace, inputs.incidents, since, until)  # read once, with the deployments
    with store.engine.connect() as connection:
        values += security_metric_values(workspace, connection, until)
    values += slo_metric_values(workspace, store, until, inputs.incidents)
    values += [
        MetricValue(item.metric, Scope.COMPONENT.value, item.scope_ref, item.value, item.unit)
        for item in code_health_metric_values(context, until)
    ]
    return values
