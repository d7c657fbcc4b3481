"""Code health at the end of the period (hotspots, bus factor, knowledge concentration, author
turnover, agent change share) of every component mapped to a mined repository, on its default
branch; the agent change share also per team, system and the organisation."""

from __future__ import annotations

from typing import ClassVar

from charter.analysis.metrics import Domain
from charter.model.metric_values import MetricValue
from charter.services.codehealth import code_health_metric_values
from charter.services.context import Context
from charter.services.metrics.interface import MetricProvider
from charter.services.metrics.shared import Period, SharedFacts


class CodeHealthMetrics(MetricProvider):
    domain: ClassVar[Domain] = Domain.CODE_HEALTH

    def measure(self, context: Context, period: Period, shared: SharedFacts) -> list[MetricValue]:
        series = shared.series
        if series is not None and period.until in series.code_health:
            return list(series.code_health[period.until])
        return code_health_metric_values(context, period.until, series.code_history if series is not None else None)
