"""The metric values the latest snapshot holds, as standards and the scorecard read them."""

from __future__ import annotations

from charter.analysis.checks.standards import MetricValues
from charter.model.metric_values import Snapshot
from charter.services.context import Context


def latest_metric_values(context: Context) -> MetricValues:
    """The latest stored value of each metric per scope (none until `charter sync` has run); values
    the scope had no data for are left out."""
    return snapshot_metric_values(context.store.latest_snapshot() if context.store else None)


def snapshot_metric_values(snapshot: Snapshot | None) -> MetricValues:
    """A snapshot's value of each metric per scope; values the scope had no data for are left out."""
    if snapshot is None:
        return {}
    return {(item.metric, item.scope): item.value for item in snapshot.values if item.value is not None}
