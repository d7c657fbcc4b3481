"""The metric values the latest snapshot holds, as standards and the scorecard read them."""

from __future__ import annotations

from charter.analysis.checks.standards import MetricValues
from charter.model.refs import EntityRef, ReferenceError_, parse_ref
from charter.services.context import Context


def latest_metric_values(context: Context) -> MetricValues:
    """The latest stored value of each metric per entity (none until `charter sync` has run)."""
    snapshot = context.store.latest_snapshot() if context.store else None
    if snapshot is None:
        return {}
    values: dict[tuple[str, EntityRef], float] = {}
    for item in snapshot.values:
        if item.value is None:
            continue
        try:
            values[(item.metric, parse_ref(item.scope_ref, default_kind=item.scope_kind))] = item.value
        except ReferenceError_:
            continue
    return values
