"""Every metric provider, in the order a snapshot records their values: the one place a provider is
registered."""

from __future__ import annotations

from charter.services.metrics.assessment import AssessmentMetrics
from charter.services.metrics.codehealth import CodeHealthMetrics
from charter.services.metrics.delivery import DeliveryMetrics
from charter.services.metrics.incidents import IncidentMetrics
from charter.services.metrics.interface import MetricProvider
from charter.services.metrics.security import SecurityMetrics
from charter.services.metrics.slos import SloMetrics

PROVIDERS: tuple[MetricProvider, ...] = (
    DeliveryMetrics(),
    IncidentMetrics(),
    SecurityMetrics(),
    SloMetrics(),
    CodeHealthMetrics(),
    AssessmentMetrics(),  # last: it scores the values of the providers before it
)
