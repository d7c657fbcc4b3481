"""SLO attainment and error budget left at the end of the period, per component, team and the
organisation (the worst SLO of each)."""

from __future__ import annotations

from typing import ClassVar

from charter.analysis.metrics import Domain
from charter.model.metric_values import MetricValue
from charter.services.context import Context
from charter.services.metrics.interface import MetricProvider
from charter.services.metrics.shared import Period, SharedFacts
from charter.services.slo_status import slo_metric_values


class SloMetrics(MetricProvider):
    domain: ClassVar[Domain] = Domain.SLOS

    def measure(self, context: Context, period: Period, shared: SharedFacts) -> list[MetricValue]:
        return slo_metric_values(context, context.required_store(), period.until, shared.incidents)
