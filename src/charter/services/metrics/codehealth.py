"""Code health at the end of the period (hotspots, bus factor, knowledge concentration, author
turnover) of every component mapped to a mined repository."""

from __future__ import annotations

from typing import ClassVar

from charter.analysis.metrics import METRICS, Domain
from charter.model.metric_values import MetricValue
from charter.services.context import Context
from charter.services.facts import code_health
from charter.services.metrics.interface import MetricProvider
from charter.services.metrics.shared import Period, SharedFacts
from charter.services.metrics.workspace_bridge import workspace_of


class CodeHealthMetrics(MetricProvider):
    domain: ClassVar[Domain] = Domain.CODE_HEALTH

    def measure(self, context: Context, period: Period, shared: SharedFacts) -> list[MetricValue]:
        return [
            MetricValue(metric, item.source.ref, value, METRICS[metric].unit.value)
            for item in code_health(workspace_of(context), context.required_store(), period.until)
            for metric, value in item.health.metric_values().items()
        ]
