"""`charter demo`'s git repositories: which components get a clone, what each history looks like
(the owning team's people, the component's language, the team's cadence and merge habits, release tags
or deployment records), the catalog annotations that map the components to them, and writing them
under `clones/` with `charter.demo.history`. Histories span the year before the reference date."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from charter.demo.catalog_files import component_language
from charter.demo.history import Author, FileLayout, HistoryFacts, HistorySpec, MergeStyles, write_history
from charter.demo.plan import Catalog, Component, Person
from charter.demo.profiles import SizeProfile
from charter.model.catalog import (
    RELEASE_TAGS_ANNOTATION,
    REPO_ANNOTATION,
    REPO_PATH_ANNOTATION,
    SOURCE_LOCATION_ANNOTATION,
)

CLONES_FOLDER = "clones"
# The share of components with a clone (12 of the small profile's 60), and a cap for large profiles.
REPOSITORY_SHARE = 0.2
MAX_REPOSITORIES = 200
BARE_REPOSITORIES = 2
TAG_BASED_SHARE = 0.4
HISTORY_DAYS = 365
# Many clones (the large profile) get shorter histories, so that writing them stays under a minute.
MANY_REPOSITORIES = 24
SHORTER_HISTORIES = 0.25


@dataclass(frozen=True, slots=True)
class Cadence:
    """How a team ships: the size of a year of history, the mainline commits between release tags
    (for tag-based components) and production deployments per week (for imported records)."""

    name: str
    commits: tuple[int, int]
    release_every: int
    deploys_per_week: float


CADENCES = (
    Cadence("elite", (900, 1400), 3, 10.0),
    Cadence("high", (400, 700), 8, 3.0),
    Cadence("medium", (220, 400), 16, 0.7),
    Cadence("low", (120, 220), 25, 0.25),
)
_CADENCE_WEIGHTS = (0.25, 0.35, 0.25, 0.15)
_MERGE_HABITS = (MergeStyles(0.7, 0.1, 0.2), MergeStyles(0.1, 0.8, 0.1), MergeStyles(0.2, 0.3, 0.5))
_TIMEZONES = ("+0000", "+0100", "+0200", "-0500", "+0530", "-0800")
_LAYOUTS = {
    "go": FileLayout(
        directories=("internal/api", "internal/store", "cmd/server", "internal/platform"),
        extension=".go",
        lockfile="go.sum",
        vendored="vendor/github.com/acme/retry",
    ),
    "python": FileLayout(
        directories=("src/app/api", "src/app/core", "src/app/storage", "tests"), extension=".py", vendored=None
    ),
    "kotlin": FileLayout(
        directories=("src/main/kotlin/api", "src/main/kotlin/domain", "src/main/kotlin/data", "src/test/kotlin"),
        extension=".kt",
        lockfile="gradle.lockfile",
        vendored=None,
    ),
    "java": FileLayout(
        directories=("src/main/java/api", "src/main/java/domain", "src/main/java/data", "src/test/java"),
        extension=".java",
        lockfile="gradle.lockfile",
        vendored=None,
    ),
    "typescript": FileLayout(
        directories=("src/lib", "src/routes", "src/components", "tests"),
        extension=".ts",
        lockfile="package-lock.json",
        vendored=None,
    ),
    "react": FileLayout(
        directories=("src/components", "src/pages", "src/hooks", "tests"),
        extension=".tsx",
        lockfile="package-lock.json",
        vendored=None,
    ),
}
_BOTS = (
    Author("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
    Author("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com"),
)
# A contractor whose old tooling wrote a latin-1 name: mining must survive bytes that are not UTF-8.
_CONTRACTOR = Author("José Müller", "jose.muller@contractor.example", encoding="latin-1", timezone="+0100", weight=0.5)


@dataclass(frozen=True, slots=True)
class RepositoryPlan:
    """One clone to write: its name, the components it holds (with their path in a monorepo), whether
    they deploy from release tags (else from imported records), the team's cadence, and the history."""

    name: str
    components: tuple[str, ...]
    prefixes: tuple[str, ...]
    tag_based: bool
    cadence: Cadence
    spec: HistorySpec

    @property
    def directory(self) -> str:
        return f"{self.name}.git" if self.spec.bare else self.name

    def prefix_of(self, component: str) -> str | None:
        return self.prefixes[self.components.index(component)] if self.prefixes else None


def repository_count(profile: SizeProfile) -> int:
    return min(MAX_REPOSITORIES, max(1, round(profile.components * REPOSITORY_SHARE)))


def plan_repositories(rng: random.Random, profile: SizeProfile, catalog: Catalog) -> list[RepositoryPlan]:
    """Choose the components with a clone (production services first, one monorepo of two services of
    one system) and annotate them: `charter.dev/repo`, `charter.dev/path` and `charter.dev/release-tags`."""
    groups = _choose_groups(rng, profile, catalog)
    monorepo = bool(groups) and len(groups[0]) > 1
    teams = _Teams(
        people={person.name: person for person in catalog.people},
        members={team.name: team.members for team in catalog.teams},
        cadences={team.name: rng.choices(CADENCES, weights=_CADENCE_WEIGHTS)[0] for team in catalog.teams},
        habits={team.name: rng.choice(_MERGE_HABITS) for team in catalog.teams},
        zones={team.name: rng.choice(_TIMEZONES) for team in catalog.teams},
    )
    first_single = 1 if monorepo else 0  # the monorepo stays a working copy and deploys from its tags
    bare = set(rng.sample(range(first_single, len(groups)), min(BARE_REPOSITORIES, len(groups) - first_single)))
    tag_based = [(index == 0 and monorepo) or rng.random() < TAG_BASED_SHARE for index in range(len(groups))]
    if len(groups) > 2:  # both ways of deploying are shown
        tag_based[-1] = tag_based[-1] and not all(tag_based)
        tag_based[1] = tag_based[1] or not any(tag_based[1:])
    start = datetime.combine(profile.reference_date, datetime.min.time(), UTC) - timedelta(days=HISTORY_DAYS)
    plans = []
    for index, group in enumerate(groups):
        shorter = len(groups) > MANY_REPOSITORIES
        spec = _history(rng, profile, teams, group, start, index in bare, tag_based[index], index % 4 == 1, shorter)
        prefixes = spec.path_prefixes
        name = group[0].system if prefixes else group[0].name
        cadence = teams.cadences[group[0].team]
        plan = RepositoryPlan(name, tuple(c.name for c in group), prefixes, tag_based[index], cadence, spec)
        _annotate(profile, plan, group)
        plans.append(plan)
    return plans


@dataclass(frozen=True, slots=True)
class _Teams:
    """What each team's repositories share: its people, cadence, merge habit and time zone."""

    people: dict[str, Person]
    members: dict[str, list[str]]
    cadences: dict[str, Cadence]
    habits: dict[str, MergeStyles]
    zones: dict[str, str]


def _choose_groups(rng: random.Random, profile: SizeProfile, catalog: Catalog) -> list[list[Component]]:
    """The components of each clone: a monorepo pair first (when there are three clones or more),
    then single components, tier 1 and 2 production services before the other deployables."""
    deployable = [c for c in catalog.components if c.lifecycle == "production" and c.type != "library"]
    services = [c for c in deployable if c.type == "service" and c.tier <= 2]
    chosen_services = {id(c) for c in services}
    others = [c for c in deployable if id(c) not in chosen_services]
    wanted = min(repository_count(profile), len(deployable))
    pair = _monorepo_pair(rng, services) if wanted >= 3 else []
    rest = [c for c in services if all(c is not member for member in pair)]
    singles = rng.sample(rest, min(len(rest), wanted - (1 if pair else 0)))
    singles += rng.sample(others, min(len(others), wanted - (1 if pair else 0) - len(singles)))
    return ([pair] if pair else []) + [[component] for component in singles]


def _history(
    rng: random.Random,
    profile: SizeProfile,
    teams: _Teams,
    group: list[Component],
    start: datetime,
    bare: bool,
    tag_based: bool,
    contractor: bool,
    shorter: bool,
) -> HistorySpec:
    """A year of the team's work on the group's repository, in the lead component's language."""
    lead = group[0]
    cadence = teams.cadences[lead.team]
    monorepo = len(group) > 1
    commits = rng.randint(*cadence.commits) * (3 if monorepo else 2) // 2
    if shorter:
        commits = max(60, int(commits * SHORTER_HISTORIES))
    return HistorySpec(
        commits=commits,
        seed=rng.getrandbits(32),
        start=start,
        end=start + timedelta(days=HISTORY_DAYS),
        authors=_authors(rng, profile, lead.team, teams, contractor),
        layout=_LAYOUTS[component_language(lead)],
        bare=bare,
        path_prefixes=tuple(f"services/{component.word}" for component in group) if monorepo else (),
        maintenance_branches=rng.choice((0, 1, 2)) if tag_based and cadence.name != "elite" else 0,
        release_every=cadence.release_every if tag_based else 30,
        merge_styles=teams.habits[lead.team],
        tag_pattern="{name}/v{major}.{minor}.{patch}" if monorepo else "v{major}.{minor}.{patch}",
        branch_pattern="release/{name}/{major}.{minor}" if monorepo else "release/{major}.{minor}",
    )


def _monorepo_pair(rng: random.Random, services: Sequence[Component]) -> list[Component]:
    by_system: dict[str, list[Component]] = {}
    for component in services:
        by_system.setdefault(component.system, []).append(component)
    systems = [members for members in by_system.values() if len(members) >= 2]
    return rng.sample(rng.choice(systems), 2) if systems else []


def _authors(
    rng: random.Random, profile: SizeProfile, team: str, teams: _Teams, contractor: bool
) -> tuple[Author, ...]:
    """The team's people, the first the main contributor (also committing from a GitHub no-reply
    address that `.mailmap` folds), one joining and one leaving during the year, a visitor from
    another team, sometimes a contractor, and the bots."""
    members, people, timezone = teams.members, teams.people, teams.zones[team]
    domain = f"{profile.organization}.example"
    own = list(members.get(team) or [])
    visitors = [name for other, names in members.items() if other != team for name in names]
    if visitors:
        own.append(rng.choice(visitors))
    authors = []
    for position, login in enumerate(own):
        person = people.get(login)
        display = person.display_name if person else login
        weight = 6.0 if position == 0 else 0.6 if position == len(own) - 1 and visitors else rng.uniform(1.5, 4)
        active = (0.0, 1.0)
        if position == 1 and len(own) > 3:
            active = (0.0, 0.65)  # leaves the team two thirds into the year
        elif position == 2 and len(own) > 3:
            active = (0.4, 1.0)  # joins it 40% into the year
        aliases = ((display, f"{login.replace('.', '-')}@users.noreply.github.com"),) if position == 0 else ()
        authors.append(Author(display, f"{login}@{domain}", aliases, "utf-8", timezone, weight, active))
    if contractor or not authors:
        authors.append(_CONTRACTOR)
    return (*authors, *_BOTS)


def _annotate(profile: SizeProfile, plan: RepositoryPlan, group: Sequence[Component]) -> None:
    for component in group:
        notes = component.annotations
        notes[REPO_ANNOTATION] = plan.name
        prefix = plan.prefix_of(component.name)
        if prefix is not None:
            notes[REPO_PATH_ANNOTATION] = prefix
            notes[SOURCE_LOCATION_ANNOTATION] = (
                f"url:https://github.com/{profile.organization}/{plan.name}/tree/main/{prefix}/"
            )
        if plan.tag_based:
            tag = r"v\d+\.\d+\.\d+"
            notes[RELEASE_TAGS_ANNOTATION] = f"{re.escape(prefix.rsplit('/', 1)[-1])}/{tag}" if prefix else tag


def write_repositories(destination: Path, plans: Sequence[RepositoryPlan]) -> dict[str, HistoryFacts]:
    """Write every planned clone under `destination/clones/`, two at a time (git does most of the
    work in its own process), and return their facts by repository name."""
    folder = destination / CLONES_FOLDER

    def one(plan: RepositoryPlan) -> HistoryFacts:
        return write_history(folder / plan.directory, plan.spec)

    with ThreadPoolExecutor(max_workers=2) as pool:
        written = list(pool.map(one, plans))
    return {plan.name: facts for plan, facts in zip(plans, written, strict=True)}
