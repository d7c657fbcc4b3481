"""What a metric provider is: the domain whose registry metrics it measures, and one method measuring
them from a Context for one period."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from charter.analysis.metrics import Domain, Metric, metrics_of
from charter.model.metric_values import MetricValue
from charter.services.context import Context
from charter.services.metrics.shared import Period, SharedFacts


class MetricProvider(ABC):
    """Measures the registry metrics whose `domain` is the provider's: every value it gives names one
    of them, at a scope the registry allows for it, in the registry's unit."""

    domain: ClassVar[Domain]

    @property
    def metrics(self) -> tuple[Metric, ...]:
        """The registry metrics this provider measures."""
        return metrics_of(self.domain)

    @abstractmethod
    def measure(self, context: Context, period: Period, shared: SharedFacts) -> list[MetricValue]:
        """The values of this provider's metrics over `period`, for every scope that has them. `shared`
        holds what other providers read too, read once for the whole snapshot."""
