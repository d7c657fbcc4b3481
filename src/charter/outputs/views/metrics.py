"""`charter metrics`' view: the metric registry, one entry per metric, as a JSON array (a root model)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import RootModel

from charter.outputs.views.base import ReportView, View


class MetricEntry(View):
    metric: str
    unit: str
    direction: str  # "higher is better" | "lower is better"
    scopes: str  # comma-separated, sorted: component,org,system,team
    description: str


class MetricsReport(RootModel[list[MetricEntry]], ReportView):
    report: ClassVar[str] = "metrics"
