"""The sample organisation before it is written: plain records of teams, people, systems and
components that the writers of each folder share, and the register of deliberately planted flaws."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(slots=True)
class Team:
    name: str
    department: str
    domain: str
    members: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Person:
    name: str  # first.last
    display_name: str
    team: str


@dataclass(slots=True)
class System:
    name: str
    domain: str
    owner: str  # team name
    external: bool = False  # written outside catalog/, reached through a Location


@dataclass(slots=True)
class Component:
    name: str
    type: str  # service | website | library
    lifecycle: str  # production | experimental | deprecated
    tier: int
    system: str
    domain: str
    team: str  # the accountable team, also when `owner` names a person or a missing group
    owner: str  # as written in spec.owner
    word: str
    annotations: dict[str, str] = field(default_factory=dict)
    provides_apis: list[str] = field(default_factory=list)
    consumes_apis: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)

    @property
    def is_tier1_service(self) -> bool:
        return self.type == "service" and self.tier == 1 and self.lifecycle == "production"


@dataclass(slots=True)
class Api:
    name: str
    type: str
    system: str
    owner: str  # team name
    provider: str | None


@dataclass(slots=True)
class Resource:
    name: str
    type: str
    system: str
    owner: str  # team name


@dataclass(slots=True)
class Catalog:
    departments: list[str]
    teams: list[Team]
    people: list[Person]
    domains: dict[str, str]  # domain -> owning department
    systems: list[System]
    components: list[Component]
    apis: list[Api]
    resources: list[Resource]

    def team_names(self) -> list[str]:
        return [team.name for team in self.teams]


@dataclass
class Planted:
    """What the generator planted on purpose. `flaws` maps the diagnostic code `charter check`
    should report to the entities (short references) it should report it for; `acceptable` maps a
    named edge case to entities that look suspicious but must not be reported."""

    flaws: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    acceptable: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def flaw(self, code: str, entity: str) -> None:
        self.flaws[code].append(entity)

    def accept(self, case: str, entity: str) -> None:
        self.acceptable[case].append(entity)

    def frozen(self) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        return (
            {code: tuple(items) for code, items in sorted(self.flaws.items())},
            {case: tuple(items) for case, items in sorted(self.acceptable.items())},
        )
