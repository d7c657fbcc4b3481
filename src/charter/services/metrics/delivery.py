"""The delivery (DORA) metrics of the period per component, team, system and the organisation."""

from __future__ import annotations

from typing import ClassVar

from charter.analysis.delivery.dora import delivery_metric_values, delivery_report
from charter.analysis.metrics import Domain, Scope
from charter.model.metric_values import MetricValue, scope_from_stored
from charter.services.context import Context
from charter.services.facts import DeliveryQuery, delivery_options
from charter.services.metrics.interface import MetricProvider
from charter.services.metrics.shared import Period, SharedFacts
from charter.services.metrics.workspace_bridge import workspace_of

# Every scope the registry's delivery metrics exist for, each a report of its own over the same inputs.
_SCOPES = (Scope.COMPONENT, Scope.TEAM, Scope.SYSTEM, Scope.ORG)


class DeliveryMetrics(MetricProvider):
    domain: ClassVar[Domain] = Domain.DELIVERY

    def measure(self, context: Context, period: Period, shared: SharedFacts) -> list[MetricValue]:
        workspace = workspace_of(context)
        values: list[MetricValue] = []
        for by in _SCOPES:
            options = delivery_options(workspace, DeliveryQuery(period.since, period.until, by))
            values += [
                MetricValue(item.metric, scope_from_stored(item.scope_kind, item.scope_ref), item.value, item.unit)
                for item in delivery_metric_values(delivery_report(shared.delivery_inputs, options))
            ]
        return values
