"""Metric values and snapshots: what a metric measured for one scope, and every value one
`charter sync` recorded. The scope is an entity reference: a component, a team (its Group), a
system, or the organisation (`organization:<name>`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from charter.model.refs import DEFAULT_NAMESPACE, EntityRef, parse_ref

ORGANIZATION_KIND = "organization"

# The scope names the metric registry and the store use, by the kind of the scope's entity.
SCOPE_OF_KIND = {"component": "component", "group": "team", "system": "system", ORGANIZATION_KIND: "org"}
KIND_OF_SCOPE = {scope: kind for kind, scope in SCOPE_OF_KIND.items()}


def organization_ref(name: str) -> EntityRef:
    """The organisation as a scope. Its name keeps the case charter.yaml gives it: snapshots have
    always stored it that way, and a metric's history is read by it."""
    return EntityRef(ORGANIZATION_KIND, DEFAULT_NAMESPACE, name)


def stored_scope(scope: EntityRef) -> tuple[str, str]:
    """The (`scope_kind`, `scope_ref`) strings a snapshot stores for a scope: the registry's name for
    the scope (`component`, `team`, `system`, `org`), and the reference's short form, or the
    organisation's name."""
    scope_ref = scope.name if scope.kind == ORGANIZATION_KIND else scope.short
    return SCOPE_OF_KIND.get(scope.kind, scope.kind), scope_ref


@dataclass(frozen=True, slots=True)
class MetricValue:
    """One metric's value for one scope, e.g. (`delivery.lead_time_for_changes.p50`,
    `component:payments`, 26.5, `hours`). `value` is None when the scope had no data."""

    metric: str
    scope: EntityRef
    value: float | None
    unit: str

    @property
    def scope_kind(self) -> str:
        """`component`, `team`, `system` or `org`, as the registry names scopes."""
        return stored_scope(self.scope)[0]

    @property
    def scope_ref(self) -> str:
        """The scope as stored and shown: the reference's short form, or the organisation's name."""
        return stored_scope(self.scope)[1]


def scope_from_stored(scope_kind: str, scope_ref: str) -> EntityRef:
    """The scope a stored (`scope_kind`, `scope_ref`) pair names: the inverse of
    `stored_scope`. Raises `ReferenceError_` when `scope_ref` is not a reference."""
    if scope_kind == "org":
        return organization_ref(scope_ref)
    return parse_ref(scope_ref, default_kind=KIND_OF_SCOPE.get(scope_kind, scope_kind))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A recorded sync: when, at which strategy repository commit, by which Charter, and its values."""

    id: int
    taken_at: datetime
    repo_commit: str | None
    charter_version: str
    values: tuple[MetricValue, ...]


@dataclass(frozen=True, slots=True)
class MetricPoint:
    """One point of a metric's history for one scope."""

    snapshot_id: int
    taken_at: datetime
    value: float | None


@dataclass(frozen=True, slots=True)
class ScopedPoint:
    """One point of a metric's history at one scope, the scope as stored (`team`, `group:payments`)."""

    metric: str
    scope_kind: str
    scope_ref: str
    point: MetricPoint
