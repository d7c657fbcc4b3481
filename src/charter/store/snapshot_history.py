"""Every value a run of snapshots recorded, in one query: what `charter review` reads to tell what
moved between the start and the end of a period, and how much each metric moves from one snapshot to
the next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from charter.store.schema import metric_values

_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class SeriesKey:
    metric: str
    scope_kind: str
    scope_ref: str


@dataclass(frozen=True, slots=True)
class SnapshotSeries:
    """Each (metric, scope)'s value at every snapshot given, in their order (None: no number then),
    and its unit."""

    values: dict[SeriesKey, list[float | None]]
    units: dict[SeriesKey, str]


def read_snapshot_series(connection: Connection, snapshot_ids: Sequence[int]) -> SnapshotSeries:
    """The values of the snapshots `snapshot_ids` (in that order), by metric and scope."""
    position = {snapshot_id: index for index, snapshot_id in enumerate(snapshot_ids)}
    values: dict[SeriesKey, list[float | None]] = {}
    units: dict[SeriesKey, str] = {}
    columns = (
        metric_values.c.snapshot_id,
        metric_values.c.metric,
        metric_values.c.scope_kind,
        metric_values.c.scope_ref,
        metric_values.c.value,
        metric_values.c.unit,
    )
    ordered = list(position)
    for start in range(0, len(ordered), _IN_CHUNK):
        chunk = ordered[start : start + _IN_CHUNK]
        for snapshot_id, metric, scope_kind, scope_ref, value, unit in connection.execute(
            select(*columns).where(metric_values.c.snapshot_id.in_(chunk))
        ):
            key = SeriesKey(metric, scope_kind, scope_ref)
            row = values.get(key)
            if row is None:
                row = values[key] = [None] * len(ordered)
                units[key] = unit
            row[position[snapshot_id]] = value
    return SnapshotSeries(values, units)
