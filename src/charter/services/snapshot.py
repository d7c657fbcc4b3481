"""The snapshot use case: every metric provider's values for one period, and a snapshot recording
them in one transaction; a snapshot equal to the one before it (the same strategy commit, values and
risk register) is not added again, so a re-sync that changed nothing leaves history as it was."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from charter.analysis.metrics import METRICS
from charter.model.metric_values import MetricValue, stored_scope
from charter.model.risk_states import RiskState
from charter.services.context import Context
from charter.services.metrics.interface import MetricProvider
from charter.services.metrics.providers import PROVIDERS
from charter.services.metrics.shared import Period, SeriesFacts, SharedFacts
from charter.store.risk_register import read_risk_states, write_risk_states
from charter.store.snapshots import insert_snapshot, read_latest_snapshot

# The period every snapshot's metrics cover, ending when it is taken, as `charter delivery` does by default.
SNAPSHOT_PERIOD = timedelta(days=90)


class UnregisteredMetric(ValueError):
    """A provider gave a value the metric registry does not allow it: a programming error."""


def snapshot_values(
    context: Context,
    since: datetime,
    until: datetime,
    providers: Sequence[MetricProvider] = PROVIDERS,
    series: SeriesFacts | None = None,
) -> list[MetricValue]:
    """Every value the providers measure over [since, until), provider after provider; `series`: the
    facts a backfill reads once for all its dates. Raises
    `StoreUnavailable` without a store, and `UnregisteredMetric` when a provider gives a value that
    is not one of its registry metrics, at a scope and in the unit the registry has for it."""
    context.required_store()
    period = Period(since, until)
    shared = SharedFacts(context, period, series)
    for provider in providers:
        shared.record([_registered(provider, value) for value in provider.measure(context, period, shared)])
    return list(shared.measured)


def take_snapshot(
    context: Context, since: datetime, until: datetime, providers: Sequence[MetricProvider] = PROVIDERS
) -> int:
    """Record the providers' values over [since, until) as a snapshot taken now, at the repository's
    commit, in one transaction; returns the snapshot id."""
    values = snapshot_values(context, since, until, providers)
    return context.required_store().write_snapshot(context.clock(), context.estate.commit, values)


@dataclass(frozen=True, slots=True)
class RecordedSnapshot:
    """The snapshot that holds a sync's values: a new one, or (`added` False) the one before it,
    which already held the same."""

    snapshot_id: int
    added: bool


def record_snapshot(
    connection: Connection,
    taken_at: datetime,
    repo_commit: str | None,
    values: Sequence[MetricValue],
    register: Sequence[RiskState],
) -> RecordedSnapshot:
    """In the caller's transaction: a snapshot taken at `taken_at` of the values and the risk
    register, unless the latest snapshot taken at or before then holds the same commit, values and
    register; that one is kept instead."""
    previous = read_latest_snapshot(connection, until=taken_at)
    if (
        previous is not None
        and previous.repo_commit == repo_commit
        and _comparable(previous.values) == _comparable(values)
        and read_risk_states(connection, previous.id) == {state.risk: state for state in register}
    ):
        return RecordedSnapshot(previous.id, added=False)
    snapshot_id = insert_snapshot(connection, taken_at, repo_commit, values)
    write_risk_states(connection, snapshot_id, register)
    return RecordedSnapshot(snapshot_id, added=True)


def _comparable(values: Iterable[MetricValue]) -> set[tuple[str, tuple[str, str], float | None, str]]:
    """Values as the store keeps them: scopes by kind and reference, NaN as no value."""
    return {
        (
            item.metric,
            stored_scope(item.scope),
            None if item.value is None or math.isnan(item.value) else item.value,
            item.unit,
        )
        for item in values
    }


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
