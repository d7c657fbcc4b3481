"""The snapshot use case: every metric provider's values for one period, and a snapshot recording
them in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from charter.analysis.metrics import METRICS
from charter.model.metric_values import MetricValue
from charter.services.context import Context
from charter.services.metrics.interface import MetricProvider
from charter.services.metrics.providers import PROVIDERS
from charter.services.metrics.shared import Period, SharedFacts


class UnregisteredMetric(ValueError):
    """A provider gave a value the metric registry does not allow it: a programming error."""


def snapshot_values(
    context: Context, since: datetime, until: datetime, providers: Sequence[MetricProvider] = PROVIDERS
) -> list[MetricValue]:
    """Every value the providers measure over [since, until), provider after provider. Raises
    `StoreUnavailable` without a store, and `UnregisteredMetric` when a provider gives a value that
    is not one of its registry metrics, at a scope and in the unit the registry has for it."""
    context.required_store()
    period = Period(since, until)
    shared = SharedFacts(context, period)
    return [
        _registered(provider, value) for provider in providers for value in provider.measure(context, period, shared)
    ]


def take_snapshot(
    context: Context, since: datetime, until: datetime, providers: Sequence[MetricProvider] = PROVIDERS
) -> int:
    """Record the providers' values over [since, until) as a snapshot taken now, at the repository's
    commit, in one transaction; returns the snapshot id."""
    values = snapshot_values(context, since, until, providers)
    return context.required_store().write_snapshot(context.clock(), context.estate.commit, values)


def _registered(provider: MetricProvider, value: MetricValue) -> MetricValue:
    metric = METRICS.get(value.metric)
    name = type(provider).__name__
    if metric is None or metric.domain is not provider.domain:
        raise UnregisteredMetric(f"{name} gave {value.metric}, which is not a {provider.domain} metric of the registry")
    if value.scope_kind not in metric.scopes:
        raise UnregisteredMetric(f"{name} gave {value.metric} for a {value.scope_kind}, which it does not exist for")
    if value.unit != metric.unit:
        raise UnregisteredMetric(f"{name} gave {value.metric} in {value.unit}, not in {metric.unit}")
    return value
