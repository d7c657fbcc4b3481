"""Open findings counted per scope: by severity and SSVC priority, overdue, exposed to known
exploitation and excepted, for each component (counted over the assessment's columns at once),
rolled up to teams and the organisation, and ordered most urgent first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from charter.analysis.metrics import Scope
from charter.analysis.security.components import ComponentContext
from charter.analysis.security.ssvc import Priority
from charter.model.finding import SEVERITY_ORDER

PRIORITY_NAMES = [priority.value for priority in Priority]  # lowest first, as the priority codes
UNMAPPED = None  # the scope of findings that map to no component (or components with no team)

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass
class ScopeCounts:
    """Open findings of one scope (a component, a team, the organisation)."""

    scope: str | None
    by_severity: Counter[str] = field(default_factory=Counter)
    by_priority: Counter[str] = field(default_factory=Counter)
    overdue: int = 0
    kev_exposed: int = 0
    excepted: int = 0

    @property
    def open(self) -> int:
        return sum(self.by_severity.values())

    def add(self, other: ScopeCounts) -> None:
        self.by_severity.update(other.by_severity)
        self.by_priority.update(other.by_priority)
        self.overdue += other.overdue
        self.kev_exposed += other.kev_exposed
        self.excepted += other.excepted


@dataclass(frozen=True, slots=True)
class RowFacts:
    """What is known of each assessed row, as codes: its scope (index into the scope names), its
    severity (index into SEVERITY_ORDER) and priority (index into PRIORITY_NAMES), and whether it
    is open as of the assessment, overdue, exposed to known exploitation and excused."""

    scope: Ints
    severity: Ints
    priority: Ints
    kept: Bools
    overdue: Bools
    exposed: Bools
    excused: Bools


def component_counts(scope_names: Sequence[str | None], rows: RowFacts) -> dict[str | None, ScopeCounts]:
    """The counts of every scope with an open finding, by scope name."""
    size = len(scope_names)
    kept, scope = rows.kept, rows.scope
    kept_scope = scope[kept]
    severities = len(SEVERITY_ORDER)
    priorities = len(PRIORITY_NAMES)
    by_severity = np.bincount(kept_scope * severities + rows.severity[kept], minlength=size * severities)
    by_priority = np.bincount(kept_scope * priorities + rows.priority[kept], minlength=size * priorities)
    totals = [
        np.bincount(scope[mask], minlength=size).tolist()
        for mask in (kept, rows.overdue, rows.exposed, rows.excused & kept)
    ]
    counts: dict[str | None, ScopeCounts] = {}
    for name, severity_counts, priority_counts, opened, overdue, exposed, excused in zip(
        scope_names,
        by_severity.reshape(size, severities).tolist(),
        by_priority.reshape(size, priorities).tolist(),
        *totals,
        strict=True,
    ):
        if opened:
            counts[name] = ScopeCounts(
                name,
                Counter({item: value for item, value in zip(SEVERITY_ORDER, severity_counts, strict=True) if value}),
                Counter({item: value for item, value in zip(PRIORITY_NAMES, priority_counts, strict=True) if value}),
                overdue,
                exposed,
                excused,
            )
    return counts


def organization_counts(components: Mapping[str | None, ScopeCounts]) -> ScopeCounts:
    """Every component's counts added up."""
    total = ScopeCounts("org")
    for counts in components.values():
        total.add(counts)
    return total


def counts_by(
    scope: Scope, components: Mapping[str | None, ScopeCounts], contexts: Mapping[str, ComponentContext]
) -> list[ScopeCounts]:
    """Counts per component or per team (others: one row for the organisation), most urgent first."""
    if scope is Scope.COMPONENT:
        rows = list(components.values())
    elif scope is Scope.TEAM:
        teams: dict[str | None, ScopeCounts] = {}
        for component, counts in components.items():
            context = contexts.get(component) if component else None
            team = context.team if context else UNMAPPED
            teams.setdefault(team, ScopeCounts(team)).add(counts)
        rows = list(teams.values())
    else:
        rows = [organization_counts(components)]
    return sorted(rows, key=_urgency_key)


def _urgency_key(counts: ScopeCounts) -> tuple[object, ...]:
    """Most findings of the highest priority first, then of the highest severity; unmapped last."""
    by_priority = tuple(-counts.by_priority[name] for name in reversed(PRIORITY_NAMES))
    by_severity = tuple(-counts.by_severity[item] for item in SEVERITY_ORDER)
    return (*by_priority, *by_severity, counts.scope is None, counts.scope or "")
