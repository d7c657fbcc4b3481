"""`charter metrics` laid out: the metric registry as one table."""

from __future__ import annotations

from charter.outputs.document import Document
from charter.outputs.reports.listing import listing_document
from charter.outputs.views.metrics import MetricsReport


def metrics_document(view: MetricsReport) -> Document:
    rows = [[item.metric, item.unit, item.direction, item.scopes, item.description] for item in view.root]
    return listing_document("Metrics", ["metric", "unit", "direction", "scopes", "description"], rows, ["scopes"])
