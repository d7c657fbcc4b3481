"""Which entities a target's `scope` selects, and how their values read as one.

- No scope: the organisation. Only `team`, only `system` or only `component`: that one entity, whose
  own stored value is the target's value (a team's or system's value is the provider's rollup over
  its components, never an average of averages).
- A `tier`, or several fields at once (`{tier: 1, team: payments}`): every component that matches
  all of them (its `charter.dev/tier`, its owning team, its system). Each is evaluated on its own
  (the count meeting the target is shown), and their values read as one by the target's
  `aggregate`: `median` (default: the typical component), `worst` (the least favourable one: met
  only when every component meets it) or `sum` (for counts: the total over them)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from charter.analysis.metrics import Direction, Metric, Scope
from charter.analysis.ownership import system_of, team_of
from charter.model.estate import Estate
from charter.model.metric_values import SCOPE_OF_KIND, organization_ref
from charter.model.organization import TargetAggregate, TargetScope
from charter.model.refs import EntityRef


@dataclass(frozen=True, slots=True)
class Selection:
    """The entities a scope selects. `single`: one entity whose own value is the target's; else
    components read one by one and aggregated. `problem` says why nothing is selected."""

    entities: tuple[EntityRef, ...]
    single: bool
    description: str
    problem: str | None = None

    @property
    def scope(self) -> Scope:
        """The registry scope the stored values are read at."""
        if not self.single:
            return Scope.COMPONENT
        return Scope(SCOPE_OF_KIND[self.entities[0].kind]) if self.entities else Scope.COMPONENT


def describe_scope(scope: TargetScope) -> str:
    """The scope as written: `org`, `tier 1`, `tier 1, team:payments`."""
    parts = []
    if scope.tier is not None:
        parts.append(f"tier {scope.tier}")
    parts += [
        f"{kind}:{name}"
        for kind, name in (("team", scope.team), ("system", scope.system), ("component", scope.component))
        if name
    ]
    return ", ".join(parts) or "org"


def select(estate: Estate, scope: TargetScope, organization: str) -> Selection:
    """The entities `scope` selects in the estate (see the module's rule)."""
    description = describe_scope(scope)
    named = [
        (kind, name)
        for kind, name in (("group", scope.team), ("system", scope.system), ("component", scope.component))
        if name
    ]
    resolved: dict[str, EntityRef] = {}
    for kind, name in named:
        ref = estate.resolve(name, default_kind=kind)
        if ref is None or ref.kind != kind or ref not in estate.entities:
            label = "Group" if kind == "group" else kind.capitalize()
            return Selection((), False, description, f"{name!r} is not a declared {label}")
        resolved[kind] = ref
    if scope.tier is None and len(resolved) <= 1:
        only = next(iter(resolved.values()), organization_ref(organization))
        return Selection((only,), True, description)
    # Filtered first and sorted after: the order is the same, and only the components that match are
    # written out as text to be sorted (not every entity of the estate, once per target).
    selected = [
        ref
        for ref, entity in estate.components()
        if (scope.tier is None or entity.tier == scope.tier)
        and ("group" not in resolved or team_of(estate, ref) == resolved["group"].short)
        and ("system" not in resolved or system_of(estate, ref) == resolved["system"].short)
        and ("component" not in resolved or ref == resolved["component"])
    ]
    matching = tuple(sorted(selected, key=str))
    problem = None if matching else f"no component matches {description}"
    return Selection(matching, False, description, problem)


def aggregate(values: Sequence[float], how: TargetAggregate, metric: Metric) -> float | None:
    """The entities' values read as one, by the target's `aggregate`; None when none has a value."""
    if not values:
        return None
    if how == "sum":
        return float(sum(values))
    if how == "worst":
        return max(values) if metric.direction is Direction.LOWER_IS_BETTER else min(values)
    return float(statistics.median(values))
