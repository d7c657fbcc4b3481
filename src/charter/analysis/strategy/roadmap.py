"""The plan model: quarters of the horizon, each team's available team-weeks per quarter, and the
initiatives to schedule with their work per team, cost of delay, dependencies, commitments and due
quarters. Plain values, built from the strategy by `strategy.from_estate` or directly in tests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from charter.model.base import parse_quarter

RELIABILITY_KINDS = frozenset({"reliability", "debt", "security"})
"""Initiative types that count towards the policy `minReliabilityAllocation`."""


def quarter_index(quarter: str) -> int:
    """A quarter as a number that counts quarters: `2027Q1` and `2027Q2` are one apart."""
    year, number = parse_quarter(quarter)
    return year * 4 + number - 1


def quarter_name(index: int) -> str:
    return f"{index // 4}Q{index % 4 + 1}"


def quarter_range(first: str, last: str) -> list[str]:
    """Every quarter from `first` to `last`, both included."""
    return [quarter_name(index) for index in range(quarter_index(first), quarter_index(last) + 1)]


def quarters_in_order(quarters: Iterator[str] | list[str] | set[str]) -> list[str]:
    return sorted(set(quarters), key=quarter_index)


@dataclass(frozen=True, slots=True)
class PlanInitiative:
    """One initiative to schedule. `work` is team -> team-weeks still to do (all positive);
    `depends_on` names other initiatives of the roadmap; `committed` and `due` are quarters."""

    name: str
    work: Mapping[str, float]
    cost_of_delay: float
    depends_on: tuple[str, ...] = ()
    committed: str | None = None
    due: str | None = None
    kind: str = "product"  # the Initiative's type
    # The commitment an accepted decision record released (front matter `quarter` and `defers`):
    # the quarter it was committed to, and the record. `committed` is then None.
    deferred_from: str | None = None
    deferred_by: str | None = None

    @property
    def counts_as_reliability(self) -> bool:
        return self.kind in RELIABILITY_KINDS

    @property
    def deadline(self) -> str | None:
        """The earliest of its committed and due quarters: when it must be delivered by."""
        found = [quarter for quarter in (self.committed, self.due) if quarter]
        return min(found, key=quarter_index) if found else None


@dataclass(frozen=True, slots=True)
class Roadmap:
    """What the plan schedules: `quarters` of the horizon in order, `capacity[team][quarter]` the
    available team-weeks (after the reserve), and the initiatives by name. `min_reliability_allocation`
    is the share of each quarter's available team-weeks to plan on reliability, debt and security
    work at least (a soft constraint: what cannot be met is reported as a shortfall)."""

    quarters: tuple[str, ...]
    capacity: Mapping[str, Mapping[str, float]]
    initiatives: tuple[PlanInitiative, ...]
    reserve: Mapping[str, float] = field(default_factory=dict)  # quarter -> share held back
    min_reliability_allocation: float = 0.0

    def __post_init__(self) -> None:
        names = [item.name for item in self.initiatives]
        if len(set(names)) != len(names):
            raise ValueError("initiative names repeat")
        object.__setattr__(self, "initiatives", tuple(sorted(self.initiatives, key=lambda item: item.name)))

    @property
    def horizon(self) -> int:
        return len(self.quarters)

    def available(self, team: str, quarter: str) -> float:
        return self.capacity.get(team, {}).get(quarter, 0.0)

    @property
    def teams(self) -> list[str]:
        found = set(self.capacity)
        for item in self.initiatives:
            found.update(item.work)
        return sorted(found)

    def by_name(self) -> dict[str, PlanInitiative]:
        return {item.name: item for item in self.initiatives}

    def total_available(self, quarter: str) -> float:
        """Every team's available team-weeks in the quarter."""
        return sum(quarters.get(quarter, 0.0) for quarters in self.capacity.values())

    def reliability_target(self, quarter: str) -> float:
        """The team-weeks of reliability, debt and security work the policy asks for in the quarter."""
        return self.min_reliability_allocation * self.total_available(quarter)

    def position(self, quarter: str | None) -> int | None:
        """The 0-based index of a quarter in the horizon; None when outside it or None."""
        if quarter is None or quarter not in self.quarters:
            return None
        return self.quarters.index(quarter)
