"""Building the sample's service catalog: departments, teams and their people, domains, systems,
components, APIs and resources, with tiers, annotations and relations, and the catalog flaws that
`charter check` is meant to find (missing SLO, on-call or runbook, people and missing groups as
owners, suppressions)."""

from __future__ import annotations

import random

from charter.demo.names import (
    API_TYPES,
    COMPONENT_WORDS,
    DEPARTMENTS,
    DOMAINS,
    RESOURCE_KINDS,
    SYSTEM_WORDS,
    TEAM_WORDS,
    cycle_pick,
    person_names,
    unique_names,
)
from charter.demo.plan import Api, Catalog, Component, Person, Planted, Resource, System, Team
from charter.demo.profiles import SizeProfile
from charter.model.catalog import (
    IGNORE_ANNOTATION,
    INTERNET_FACING_ANNOTATION,
    ON_CALL_ANNOTATION,
    RUNBOOK_ANNOTATION,
    TIER_ANNOTATION,
)

# Names of the planted cases that other folders' writers act on.
SUPPRESSED_IN_SETTINGS = "OWN002 suppressed by an entity entry in charter.yaml spec.ignore"
SUPPRESSED_BY_ANNOTATION = "REL003 suppressed by a charter.dev/ignore annotation with a reason"
VENDOR_RUNBOOK_REASON = "REL003: vendor-managed runbook, see ADR-0004"
INTERNET_FACING_WORDS = frozenset({"api", "gateway", "bff", "auth", "webhooks"})


def build_catalog(rng: random.Random, profile: SizeProfile, planted: Planted) -> Catalog:
    departments = unique_names(DEPARTMENTS, profile.departments)
    domain_names = unique_names(DOMAINS, profile.domains)
    teams = _teams(profile, departments, domain_names)
    people = _people(rng, profile, teams)
    domains = {
        domain: next((t.department for t in teams if t.domain == domain), departments[index % len(departments)])
        for index, domain in enumerate(domain_names)
    }
    systems = _systems(rng, profile, domain_names, teams)
    components = _components(rng, profile, systems, teams)
    resources = _resources(profile, systems)
    apis = _apis(profile, systems, components)
    catalog = Catalog(departments, teams, people, domains, systems, components, apis, resources)
    _relate(rng, catalog)
    _annotate(rng, profile, components)
    _plant_flaws(rng, profile, catalog, planted)
    return catalog


def _teams(profile: SizeProfile, departments: list[str], domains: list[str]) -> list[Team]:
    """Teams in contiguous blocks per domain and per department, named `<domain>-<word>`."""
    used: dict[str, set[str]] = {domain: set() for domain in domains}
    teams = []
    for index in range(profile.teams):
        domain = domains[index * len(domains) // profile.teams]
        department = departments[index * len(departments) // profile.teams]
        word = next(cycle_pick(TEAM_WORDS, used[domain]))
        teams.append(Team(f"{domain}-{word}", department, domain))
    return teams


def _people(rng: random.Random, profile: SizeProfile, teams: list[Team]) -> list[Person]:
    people = []
    for index, (first, last) in enumerate(person_names(rng, profile.users)):
        team = teams[index % len(teams)]
        person = Person(f"{first}.{last}", f"{first.capitalize()} {last.capitalize()}", team.name)
        team.members.append(person.name)
        people.append(person)
    return people


def _systems(rng: random.Random, profile: SizeProfile, domains: list[str], teams: list[Team]) -> list[System]:
    used: dict[str, set[str]] = {domain: set() for domain in domains}
    words = {domain: rng.sample(SYSTEM_WORDS, len(SYSTEM_WORDS)) for domain in domains}
    by_domain: dict[str, list[Team]] = {domain: [t for t in teams if t.domain == domain] for domain in domains}
    systems = []
    for index in range(profile.systems):
        domain = domains[index % len(domains)]
        local = by_domain[domain] or teams
        owner = local[(index // len(domains)) % len(local)].name
        systems.append(System(f"{domain}-{next(cycle_pick(words[domain], used[domain]))}", domain, owner))
    # The oldest system still lives in the catalog repository of the previous platform.
    systems[-1].external = True
    return systems


def _components(rng: random.Random, profile: SizeProfile, systems: list[System], teams: list[Team]) -> list[Component]:
    by_domain: dict[str, list[str]] = {}
    for team in teams:
        by_domain.setdefault(team.domain, []).append(team.name)
    components: list[Component] = []
    for index, system in enumerate(systems):
        count = (index + 1) * profile.components // len(systems) - index * profile.components // len(systems)
        used = {system.name.removeprefix(f"{system.domain}-")}  # no `search-scheduler-scheduler`
        shuffled = {kind: rng.sample(words, len(words)) for kind, words in COMPONENT_WORDS.items()}
        for _ in range(count):
            roll = rng.random()
            kind = "service" if roll < 0.65 else "website" if roll < 0.8 else "library"
            roll = rng.random()
            lifecycle = "production" if roll < 0.85 else "experimental" if roll < 0.93 else "deprecated"
            word = next(cycle_pick(shuffled[kind], used))
            local = by_domain.get(system.domain) or [system.owner]
            owner = system.owner if rng.random() < 0.7 else rng.choice(local)
            components.append(
                Component(
                    f"{system.name}-{word}",
                    kind,
                    lifecycle,
                    3,
                    system.name,
                    system.domain,
                    owner,
                    f"group:{owner}",
                    word,
                )
            )
    _assign_tiers(rng, components)
    return components


def _assign_tiers(rng: random.Random, components: list[Component]) -> None:
    """Half the production services and a third of the production websites are tier 1."""
    for kind, share in (("service", 0.5), ("website", 0.3)):
        pool = [c for c in components if c.type == kind and c.lifecycle == "production"]
        for component in pool:
            component.tier = 2 if rng.random() < 0.6 else 3
        for component in rng.sample(pool, round(share * len(pool))):
            component.tier = 1
    for component in components:
        if component.type != "library" and component.lifecycle != "production":
            component.tier = 2 if rng.random() < 0.3 else 3


def _resources(profile: SizeProfile, systems: list[System]) -> list[Resource]:
    used: dict[str, set[str]] = {system.name: set() for system in systems}
    kinds = {word: kind for kind, word in RESOURCE_KINDS}
    resources = []
    for index in range(profile.resources):
        system = systems[index % len(systems)]
        word = next(cycle_pick(list(kinds), used[system.name]))
        kind = kinds.get(word) or kinds[word.rsplit("-", 1)[0]]  # numbered: `db-2`
        resources.append(Resource(f"{system.name}-{word}", kind, system.name, system.owner))
    return resources


def _apis(profile: SizeProfile, systems: list[System], components: list[Component]) -> list[Api]:
    by_system: dict[str, list[Component]] = {}
    for component in components:
        by_system.setdefault(component.system, []).append(component)
    providers = {
        name: [c for c in members if c.type == "service" and c.lifecycle == "production"] or members
        for name, members in by_system.items()
    }
    used: set[str] = set()
    suffixes = {"openapi": "rest", "grpc": "grpc", "asyncapi": "events", "graphql": "graphql"}
    apis = []
    for index in range(profile.apis):
        system = systems[index % len(systems)]
        candidates = providers.get(system.name, [])
        provider = candidates[(index // len(systems)) % len(candidates)] if candidates else None
        api_type = API_TYPES[index % len(API_TYPES)]
        base = f"{provider.name if provider else system.name}-{suffixes[api_type]}"
        name = next(cycle_pick([base], used))
        owner = provider.team if provider else system.owner
        apis.append(Api(name, api_type, system.name, owner, provider.name if provider else None))
        if provider is not None:
            provider.provides_apis.append(name)
    return apis


def _relate(rng: random.Random, catalog: Catalog) -> None:
    """APIs consumed across systems; resources and sibling services depended on within one."""
    resources_by_system: dict[str, list[str]] = {}
    for resource in catalog.resources:
        resources_by_system.setdefault(resource.system, []).append(resource.name)
    siblings: dict[str, list[str]] = {}
    for position, component in enumerate(catalog.components):
        if component.type == "library":
            continue
        others = (
            [
                api
                for api in (rng.choice(catalog.apis) for _ in range(rng.choice((0, 1, 1, 2))))
                if api.system != component.system
            ]
            if catalog.apis
            else []
        )
        component.consumes_apis = sorted({api.name for api in others})
        if component.type != "service":
            continue
        own = resources_by_system.get(component.system, [])
        if own:
            component.depends_on.append(f"resource:{own[position % len(own)]}")
        earlier = siblings.setdefault(component.system, [])
        if earlier and rng.random() < 0.3:
            component.depends_on.append(f"component:{rng.choice(earlier)}")
        earlier.append(component.name)


def _annotate(rng: random.Random, profile: SizeProfile, components: list[Component]) -> None:
    org = profile.organization
    for component in components:
        notes = {TIER_ANNOTATION: str(component.tier)}
        operated = component.type != "library"
        if component.tier == 1 or (operated and component.tier == 2 and rng.random() < 0.7):
            notes[ON_CALL_ANNOTATION] = f"pagerduty:{component.team}-primary"
        if component.tier == 1 or (operated and component.tier == 2 and rng.random() < 0.5):
            notes[RUNBOOK_ANNOTATION] = f"https://runbooks.{org}.example/{component.system}/{component.name}"
        exposed = component.type == "website" or component.word in INTERNET_FACING_WORDS
        if exposed and component.lifecycle == "production" and component.tier <= 2:
            notes[INTERNET_FACING_ANNOTATION] = "true"
        notes["backstage.io/source-location"] = f"url:https://github.com/{org}/{component.name}/tree/main/"
        notes["charter.dev/repo"] = f"https://github.com/{org}/{component.name}"
        component.annotations = notes


def _take(rng: random.Random, pool: list[Component], count: int) -> list[Component]:
    """Remove and return up to `count` random components of `pool`."""
    chosen = rng.sample(pool, min(count, len(pool)))
    taken = {id(component) for component in chosen}
    pool[:] = [component for component in pool if id(component) not in taken]
    return chosen


def _plant_flaws(rng: random.Random, profile: SizeProfile, catalog: Catalog, planted: Planted) -> None:
    members = {team.name: team.members for team in catalog.teams}
    everyone = [person.name for person in catalog.people]
    team_names = set(catalog.team_names())

    def person_of(team: str) -> str:
        return rng.choice(members.get(team) or everyone)

    def ref(component: Component) -> str:
        return f"component:{component.name}"

    services = [c for c in catalog.components if c.is_tier1_service]
    count = profile.flaw_count("components")
    for component in _take(rng, services, count):
        planted.flaw("REL001", ref(component))  # the SLO planner leaves these out
    for component in _take(rng, services, count):
        del component.annotations[ON_CALL_ANNOTATION]
        planted.flaw("REL002", ref(component))
    for component in _take(rng, services, count):
        del component.annotations[RUNBOOK_ANNOTATION]
        planted.flaw("REL003", ref(component))
    for component in _take(rng, services, profile.flaw_count("components", 1)):
        del component.annotations[RUNBOOK_ANNOTATION]
        component.annotations[IGNORE_ANNOTATION] = VENDOR_RUNBOOK_REASON
        planted.accept(SUPPRESSED_BY_ANNOTATION, ref(component))
    for component in _take(rng, services, profile.flaw_count("components", 1)):
        # A suppression without a reason suppresses nothing: SUP001, and REL002 still stands.
        del component.annotations[ON_CALL_ANNOTATION]
        component.annotations[IGNORE_ANNOTATION] = "REL002"
        planted.flaw("SUP001", ref(component))
        planted.flaw("REL002", ref(component))
    websites = [c for c in catalog.components if c.tier == 1 and c.type == "website"] + services
    for component in _take(rng, websites, count):
        component.owner = f"user:{person_of(component.team)}"
        planted.flaw("OWN002", ref(component))
    tier2 = [c for c in catalog.components if c.tier == 2 and c.owner.startswith("group:")]
    for component in _take(rng, tier2, count):
        missing = f"{component.domain}-sre"
        component.owner = f"group:{missing if missing not in team_names else component.team + '-legacy'}"
        planted.flaw("OWN003", ref(component))
    for component in _take(rng, tier2, profile.flaw_count("components", 1)):
        component.owner = f"user:{person_of(component.team)}"
        planted.accept(SUPPRESSED_IN_SETTINGS, ref(component))
    tier3 = [c for c in catalog.components if c.tier == 3 and c.owner.startswith("group:")]
    for component in _take(rng, tier3, count):
        component.owner = f"user:{person_of(component.team)}"
        planted.accept("tier-3 component owned by a person (allowed)", ref(component))
