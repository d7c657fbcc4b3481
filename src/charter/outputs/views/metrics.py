"""`charter metrics`' view: the metric registry, one entry per metric, as a JSON array."""

from __future__ import annotations

from typing import Any, ClassVar

from charter.outputs.views.base import ReportView, View


class MetricEntry(View):
    metric: str
    unit: str
    direction: str  # "higher is better" | "lower is better"
    scopes: str  # comma-separated, sorted: component,org,system,team
    description: str


class MetricsReport(ReportView):
    report: ClassVar[str] = "metrics"

    metrics: list[MetricEntry]

    def as_data(self) -> Any:
        return super().as_data()["metrics"]
