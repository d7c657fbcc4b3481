"""Name parts for the sample organisation: business domains, team and service words, people, and
the technologies of the radar. Lists, not randomness: the generator picks from them with its seeded
random source, and `unique_names` numbers names once a list runs out, so any size can be named."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence

DOMAINS = (
    "payments",
    "orders",
    "search",
    "identity",
    "catalog",
    "fulfillment",
    "messaging",
    "analytics",
    "pricing",
    "checkout",
    "inventory",
    "shipping",
    "billing",
    "notifications",
    "recommendations",
    "reviews",
    "loyalty",
    "media",
    "accounts",
    "fraud",
    "marketing",
    "support",
    "partners",
    "logistics",
    "content",
    "ads",
    "maps",
    "booking",
    "subscriptions",
    "onboarding",
)

DEPARTMENTS = (
    "commerce",
    "customer",
    "core-platform",
    "data",
    "growth",
    "trust",
    "operations",
    "marketplace",
    "mobile",
    "infrastructure",
    "experience",
    "finance-technology",
    "logistics-technology",
    "media",
    "enterprise",
    "developer-productivity",
)

TEAM_WORDS = (
    "core",
    "platform",
    "experience",
    "data",
    "integrations",
    "growth",
    "reliability",
    "api",
    "web",
    "mobile",
    "insights",
    "operations",
    "tooling",
    "foundations",
    "partners",
    "automation",
)

SYSTEM_WORDS = (
    "gateway",
    "ledger",
    "engine",
    "hub",
    "portal",
    "core",
    "pipeline",
    "platform",
    "registry",
    "exchange",
    "console",
    "mesh",
    "store",
    "tracker",
    "scheduler",
    "router",
    "vault",
    "studio",
    "center",
    "graph",
    "suite",
    "backbone",
    "service",
    "network",
)

# Component words by Backstage component type.
COMPONENT_WORDS = {
    "service": (
        "api",
        "worker",
        "ledger",
        "gateway",
        "scheduler",
        "indexer",
        "events",
        "consumer",
        "reconciler",
        "sync",
        "notifier",
        "exporter",
        "processor",
        "resolver",
        "matcher",
        "auth",
        "webhooks",
        "bff",
        "query",
        "writer",
        "aggregator",
        "dispatcher",
        "importer",
        "validator",
    ),
    "website": ("web", "admin", "portal", "storefront", "dashboard", "console-ui", "docs-site", "backoffice"),
    "library": ("sdk", "client", "lib", "commons", "proto", "schemas", "testkit", "ui-kit"),
}

RESOURCE_KINDS = (
    ("database", "db"),
    ("database", "replica-db"),
    ("queue", "queue"),
    ("bucket", "bucket"),
    ("cache", "cache"),
    ("topic", "events-topic"),
    ("search-index", "index"),
)

API_TYPES = ("openapi", "grpc", "asyncapi", "graphql")

FIRST_NAMES = (
    "ada",
    "alan",
    "amara",
    "ana",
    "arjun",
    "beatriz",
    "ben",
    "bianca",
    "carla",
    "chen",
    "chloe",
    "daniel",
    "dara",
    "david",
    "elena",
    "emeka",
    "emma",
    "farah",
    "felix",
    "fatima",
    "gabriel",
    "grace",
    "hana",
    "hugo",
    "ines",
    "ivan",
    "jamal",
    "jana",
    "jonas",
    "julia",
    "kai",
    "kamala",
    "lars",
    "leila",
    "lucas",
    "maya",
    "mateo",
    "mei",
    "nadia",
    "nikolai",
    "noah",
    "olga",
    "omar",
    "paula",
    "priya",
    "rafael",
    "rosa",
    "sami",
    "sara",
    "sofia",
    "tariq",
    "theo",
    "uma",
    "victor",
    "wei",
    "yara",
    "yusuf",
    "zoe",
    "hiro",
    "lena",
)

LAST_NAMES = (
    "abe",
    "adeyemi",
    "alvarez",
    "andersen",
    "bauer",
    "becker",
    "bianchi",
    "costa",
    "dubois",
    "eriksson",
    "fernandes",
    "fischer",
    "garcia",
    "gupta",
    "haddad",
    "hansen",
    "ibrahim",
    "ito",
    "jensen",
    "kaur",
    "kim",
    "kowalski",
    "larsen",
    "lee",
    "lopez",
    "martin",
    "meyer",
    "mohamed",
    "moreau",
    "nakamura",
    "nguyen",
    "novak",
    "okafor",
    "olsen",
    "park",
    "patel",
    "perez",
    "petrov",
    "popescu",
    "quinn",
    "rossi",
    "santos",
    "schmidt",
    "silva",
    "singh",
    "smith",
    "suzuki",
    "tanaka",
    "tran",
    "varga",
    "wagner",
    "wang",
    "weber",
    "williams",
    "wong",
    "yilmaz",
    "zhang",
    "zimmermann",
    "horvat",
    "lindqvist",
)

RADAR_ENTRIES = (
    # (name, ring, quadrant, description)
    ("Kubernetes", "adopt", "platforms", "Container orchestration for every stateless service."),
    ("Argo CD", "adopt", "tools", "GitOps deployment to the production clusters."),
    ("OpenTelemetry", "adopt", "tools", "One instrumentation API for traces, metrics and logs."),
    ("PostgreSQL", "adopt", "platforms", "Default relational database."),
    ("Kafka", "adopt", "platforms", "Event streaming between domains."),
    ("Terraform", "adopt", "tools", "Infrastructure as code for cloud accounts."),
    ("Go", "adopt", "languages-and-frameworks", "Default language for network services."),
    ("Kotlin", "adopt", "languages-and-frameworks", "JVM services and Android apps."),
    ("TypeScript", "adopt", "languages-and-frameworks", "Web front ends and BFFs."),
    ("Python", "adopt", "languages-and-frameworks", "Data pipelines and tooling."),
    ("Rust", "trial", "languages-and-frameworks", "Performance-critical components, with care."),
    ("React", "adopt", "languages-and-frameworks", "Web UI, with the shared design system."),
    ("gRPC", "adopt", "techniques", "Synchronous service-to-service calls inside a domain."),
    ("SLO-based alerting", "trial", "techniques", "Page on error budget burn, not on causes."),
    ("Trunk-based development", "adopt", "techniques", "Short-lived branches, feature flags, daily merges."),
    ("Architecture decision records", "adopt", "techniques", "Write decisions down, in MADR, next to the code."),
    ("Feature flags", "adopt", "techniques", "Decouple deployment from release."),
    ("Chaos game days", "trial", "techniques", "Quarterly failover drills for tier-1 systems."),
    ("Backstage", "adopt", "tools", "The service catalog and developer portal."),
    ("Sloth", "trial", "tools", "Prometheus SLO rules from one small spec."),
    ("Renovate", "adopt", "tools", "Automated dependency updates."),
    ("Trivy", "adopt", "tools", "Container and dependency scanning in CI."),
    ("Vault", "adopt", "platforms", "Secrets management; no secrets in environment files."),
    ("Redis", "adopt", "platforms", "Caching; not a primary store."),
    ("MongoDB", "hold", "platforms", "Legacy document store; no new usage."),
    ("Jenkins", "hold", "tools", "Legacy CI; migrate pipelines to GitHub Actions."),
    ("GitHub Actions", "adopt", "tools", "Default CI."),
    ("Istio", "assess", "platforms", "Service mesh; assess cost against the benefits."),
    ("Cell-based architecture", "assess", "techniques", "Blast-radius isolation for tier-1 systems."),
    ("WebAssembly", "assess", "languages-and-frameworks", "Plugins at the edge."),
    ("Angular.js", "hold", "languages-and-frameworks", "End of life; replace with React."),
    ("Microfrontends", "assess", "techniques", "Only where teams truly deploy independently."),
    ("dbt", "trial", "tools", "Transformations in the warehouse."),
    ("ClickHouse", "trial", "platforms", "Analytical queries over event data."),
    ("Temporal", "trial", "platforms", "Durable workflows instead of hand-rolled state machines."),
    ("LLM-assisted code review", "assess", "techniques", "Assistive only; humans approve."),
)


def unique_names(candidates: Iterable[str], count: int) -> list[str]:
    """The first `count` candidates, then the candidates again numbered `-2`, `-3`, ... until
    `count` names exist. Candidates must be unique among themselves."""
    base = list(dict.fromkeys(candidates))
    if not base:
        raise ValueError("unique_names needs at least one candidate")
    names: list[str] = []
    round_number = 1
    while len(names) < count:
        for candidate in base:
            if len(names) == count:
                break
            names.append(candidate if round_number == 1 else f"{candidate}-{round_number}")
        round_number += 1
    return names


def person_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` distinct (first, last) pairs in a shuffled but seeded order."""
    pairs = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(pairs)
    result = pairs[:count]
    extra = 2
    while len(result) < count:  # more people than name pairs: number them, as directories do
        result.extend((first, f"{last}{extra}") for first, last in pairs[: count - len(result)])
        extra += 1
    return result


def title_case(slug: str) -> str:
    """`payments-core` -> `Payments Core`."""
    return " ".join(part.capitalize() for part in slug.replace("_", "-").split("-"))


def cycle_pick(words: Sequence[str], used: set[str]) -> Iterator[str]:
    """Words of `words` not yet in `used`, then numbered ones; marks each yielded word used."""
    round_number = 1
    while True:
        for word in words:
            candidate = word if round_number == 1 else f"{word}-{round_number}"
            if candidate not in used:
                used.add(candidate)
                yield candidate
        round_number += 1
