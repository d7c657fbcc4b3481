"""The incident metrics of the period (count, SEV1s, MTTA, MTTR, repeats, postmortems, overdue action
items) per component, team and the organisation."""

from __future__ import annotations

from typing import ClassVar

from charter.analysis.metrics import Domain
from charter.model.metric_values import MetricValue
from charter.services.context import Context
from charter.services.incidents import incident_metric_values
from charter.services.metrics.interface import MetricProvider
from charter.services.metrics.shared import Period, SharedFacts


class IncidentMetrics(MetricProvider):
    domain: ClassVar[Domain] = Domain.INCIDENTS

    def measure(self, context: Context, period: Period, shared: SharedFacts) -> list[MetricValue]:
        return incident_metric_values(context, shared.incidents, period.since, period.until)
