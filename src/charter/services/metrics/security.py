"""The open findings at the end of the period (by severity, overdue, KEV-exposed, by SSVC priority) per
component, team and the organisation, and each component's access-control gaps."""

from __future__ import annotations

from typing import ClassVar

from charter.analysis.metrics import Domain
from charter.model.metric_values import MetricValue
from charter.services.context import Context
from charter.services.metrics.interface import MetricProvider
from charter.services.metrics.shared import Period, SharedFacts
from charter.services.security_metrics import security_metric_values


class SecurityMetrics(MetricProvider):
    domain: ClassVar[Domain] = Domain.SECURITY

    def measure(self, context: Context, period: Period, shared: SharedFacts) -> list[MetricValue]:
        with context.required_store().engine.connect() as connection:
            return security_metric_values(context, connection, period.until)
