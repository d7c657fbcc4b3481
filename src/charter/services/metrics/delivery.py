"""The delivery (DORA) metrics of the period per component, team, system and the organisation."""

from __future__ import annotations

from typing import ClassVar

from charter.analysis.metrics import Domain
from charter.model.metric_values import MetricValue
from charter.services.context import Context
from charter.services.delivery import delivery_metric_values_per_scope
from charter.services.metrics.interface import MetricProvider
from charter.services.metrics.shared import Period, SharedFacts


class DeliveryMetrics(MetricProvider):
    domain: ClassVar[Domain] = Domain.DELIVERY

    def measure(self, context: Context, period: Period, shared: SharedFacts) -> list[MetricValue]:
        return delivery_metric_values_per_scope(context, shared.delivery_inputs, period.since, period.until)
