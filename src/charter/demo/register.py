"""The sample's risk register and roadmap: Risks with residual levels against the appetite,
Initiatives (migrations among them) committed to quarters or not, Capacity per quarter, and the
rollback plans the migrations cite (the control sets' OSCAL documents are `controls.py`'s).
Planted here: risks without owner, overdue, above appetite without cover; migrations without
rollback plan or watching a missing SLO; and the two ways a risk above appetite is acceptable."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from charter.demo.names import cycle_pick, title_case
from charter.demo.plan import Catalog, Planted, System
from charter.demo.profiles import SizeProfile
from charter.demo.roadmap import RESERVE, Deferral, plant_roadmap_tradeoffs, team_weeks
from charter.model.base import quarter_end, quarter_start

CHARTER = "charter.dev/v1"
LEVELS = ("low", "medium", "high", "critical")
GRID = (
    ("low", "low", "low", "medium", "medium"),
    ("low", "low", "medium", "medium", "high"),
    ("low", "medium", "medium", "high", "high"),
    ("medium", "medium", "high", "high", "critical"),
    ("medium", "high", "high", "critical", "critical"),
)
APPETITE = {
    "reliability": "medium",
    "security": "low",
    "delivery": "high",
    "compliance": "low",
    "vendor": "medium",
    "people": "medium",
}

ACCEPTED_BY_DECISION = "RSK005 not due: above appetite, accepted by an accepted MADR that lists it"
MITIGATION_COMMITTED = "RSK005 not due: above appetite, mitigation committed to a quarter ending before reviewBy"

_RISKS = {
    "reliability": (
        ("single-region-{x}", "{X} runs in one region"),
        ("untested-failover-{x}", "Failover of {X} has never been tested"),
        ("thin-headroom-{x}", "{X} has less than 20% capacity headroom at peak"),
    ),
    "security": (
        ("stale-base-images-{x}", "Base images of {X} are months behind on patches"),
        ("shared-admin-login-{x}", "The admin console of {X} uses a shared login"),
        ("broad-iam-roles-{x}", "Services of {X} run with wildcard IAM permissions"),
    ),
    "delivery": (
        ("manual-releases-{x}", "{X} is released by hand once a week"),
        ("flaky-pipeline-{x}", "One build in five of {X} fails for no code reason"),
    ),
    "compliance": (
        ("short-audit-logs-{x}", "Audit logs of {X} are kept 30 days; policy says one year"),
        ("pii-in-logs-{x}", "{X} writes customer e-mail addresses to its logs"),
    ),
    "vendor": (
        ("eol-database-{x}", "{X} runs a database version out of vendor support"),
        ("single-vendor-{x}", "{X} depends on one vendor with no exit plan"),
    ),
    "people": (
        ("bus-factor-{x}", "Only one engineer knows how {X} is deployed"),
        ("paging-load-{x}", "On-call for {X} is paged more than twice a week"),
    ),
}
_INITIATIVES = {
    "migration": (
        ("migrate-{x}-to-kubernetes", "Move {X} from VMs to Kubernetes"),
        ("{x}-to-postgres-16", "Move the databases of {X} to PostgreSQL 16"),
        ("{x}-events-to-kafka", "Move {X} events from RabbitMQ to Kafka"),
    ),
    "reliability": (
        ("multi-region-{x}", "Run {X} active-active in two regions"),
        ("{x}-failover-drills", "Quarterly failover drills for {X}"),
    ),
    "security": (
        ("{x}-secrets-to-vault", "Move the secrets of {X} to Vault"),
        ("sso-for-{x}-admin", "Single sign-on for the admin consoles of {X}"),
    ),
    "platform": (
        ("golden-path-{x}", "A golden path for new services in {X}"),
        ("ephemeral-envs-{x}", "Ephemeral preview environments for {X}"),
    ),
    "debt": (
        ("{x}-dependency-upgrades", "Bring the dependencies of {X} up to date"),
        ("remove-{x}-v1-apis", "Remove the deprecated v1 APIs of {X}"),
    ),
    "product": (
        ("{x}-realtime-updates", "Real-time updates in {X}"),
        ("{x}-self-service", "Self-service onboarding for {X}"),
    ),
}
_FIB = (1, 2, 3, 5, 8, 13, 20)


@dataclass(slots=True)
class Register:
    risks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # file -> documents
    initiatives: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    capacities: list[dict[str, Any]] = field(default_factory=list)
    rollback_docs: dict[str, str] = field(default_factory=dict)  # path -> Markdown
    acceptances: list[tuple[str, str]] = field(default_factory=list)  # (risk name, title) for decisions
    risk_count: int = 0
    initiative_count: int = 0
    deferral: Deferral | None = None  # the roadmap tradeoff an accepted decision record writes down
    scenario: str | None = None  # a `charter plan --scenario` file


def quarters_from(day: date, count: int) -> list[str]:
    year, number = day.year, (day.month - 1) // 3 + 1
    result = []
    for _ in range(count):
        result.append(f"{year}Q{number}")
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    return result


def _cells(category: str, above: bool) -> list[tuple[int, int]]:
    limit = LEVELS.index(APPETITE[category])
    return [
        (likelihood + 1, impact + 1)
        for likelihood in range(5)
        for impact in range(5)
        if (LEVELS.index(GRID[likelihood][impact]) > limit) == above
    ]


@dataclass(slots=True)
class _Builder:
    rng: random.Random
    profile: SizeProfile
    catalog: Catalog
    planted: Planted
    register: Register = field(default_factory=Register)
    used: set[str] = field(default_factory=set)
    components: dict[str, list[str]] = field(default_factory=dict)
    operated: dict[str, list[str]] = field(default_factory=dict)  # services and websites
    quarters: list[str] = field(default_factory=list)

    def name(self, templates: tuple[tuple[str, str], ...], system: System) -> tuple[str, str]:
        slug_template, title_template = self.rng.choice(templates)
        base = slug_template.format(x=system.name)
        name = next(cycle_pick([base], self.used))
        return name, title_template.format(X=title_case(system.name))

    def system(self) -> System:
        return self.rng.choice(self.catalog.systems)


def build_register(
    rng: random.Random,
    profile: SizeProfile,
    catalog: Catalog,
    slo_names: list[str],
    decision_slots: int,
    planted: Planted,
) -> Register:
    builder = _Builder(rng, profile, catalog, planted)
    for component in catalog.components:
        builder.components.setdefault(component.system, []).append(component.name)
        if component.type != "library":
            builder.operated.setdefault(component.system, []).append(component.name)
    builder.quarters = quarters_from(profile.reference_date, max(profile.capacities, 2))
    initiatives = _initiatives(builder, slo_names)
    _risks(builder, initiatives, decision_slots)
    reg = builder.register
    quarters = builder.quarters[: profile.capacities]
    tradeoffs = plant_roadmap_tradeoffs(catalog, quarters, initiatives, decision_slots, planted)
    reg.deferral, reg.scenario = tradeoffs.deferral, tradeoffs.scenario
    for initiative in initiatives:
        domain = initiative.pop("_system").domain
        initiative.pop("_role")
        reg.initiatives.setdefault(f"roadmap/{domain}.yaml", []).append(initiative)
    reg.initiative_count = len(initiatives)
    for quarter in builder.quarters[: profile.capacities]:
        teams = {team.name: team_weeks(team) for team in catalog.teams}
        reg.capacities.append(
            {
                "apiVersion": CHARTER,
                "kind": "Capacity",
                "metadata": {"name": f"capacity-{quarter.lower()}"},
                "spec": {"quarter": quarter, "teams": teams, "reserve": {"unplanned": RESERVE}},
            }
        )
    return reg


def _initiatives(builder: _Builder, slo_names: list[str]) -> list[dict[str, Any]]:
    """Initiatives with a `_role` the risk builder uses: mitigation (committed in time), unfunded,
    late (committed after the risk's review), or ordinary."""
    profile, rng, planted = builder.profile, builder.rng, builder.planted
    risk_flaws = profile.flaw_count("risks") if profile.risks else 0
    roles: list[str] = []
    migrations = profile.flaw_count("initiatives")
    for role, wanted in (
        ("mitigation", risk_flaws),
        ("MIG001", migrations),
        ("MIG004", migrations),
        ("migration", migrations),
        ("unfunded", (risk_flaws + 1) // 3),
        ("late", risk_flaws // 3),
    ):
        roles += [role] * min(wanted, profile.initiatives - len(roles))
    roles += ["ordinary"] * (profile.initiatives - len(roles))
    existing_slos = set(slo_names)
    soon, later = builder.quarters[0], builder.quarters[1]
    made: list[dict[str, Any]] = []
    for role in roles:
        system = builder.system()
        if role in ("mitigation", "unfunded", "late"):
            kind = rng.choice(("reliability", "security"))
        elif role in ("MIG001", "MIG004", "migration"):
            kind = "migration"
        else:
            kind = rng.choice(("platform", "debt", "reliability", "security", "product", "migration"))
        name, title = builder.name(_INITIATIVES[kind], system)
        spec: dict[str, Any] = {
            "title": title,
            "type": kind,
            "owner": f"group:{system.owner}",
            "estimate": {"teamWeeks": rng.choice((2, 3, 4, 6, 8, 10, 12, 16))},
            "value": {
                "businessValue": rng.choice(_FIB),
                "timeCriticality": rng.choice(_FIB),
                "riskReduction": rng.choice(_FIB),
            },
        }
        ordinary = [item for item in made if item["_role"] == "ordinary"]
        if role == "ordinary" and ordinary and rng.random() < 0.2:
            spec["dependsOn"] = [f"initiative:{rng.choice(ordinary)['metadata']['name']}"]
        if role in ("mitigation", "late"):
            spec["committed"] = {"quarter": later}
        elif role == "ordinary" and rng.random() < 0.5:
            spec["committed"] = {"quarter": rng.choice(builder.quarters[: max(builder.profile.capacities, 1)])}
        elif role in ("MIG001", "MIG004", "migration"):
            spec["committed"] = {"quarter": soon}
        if kind == "migration":
            spec["migration"] = _migration(builder, name, title, role, slo_names, existing_slos)
        made.append(
            {
                "apiVersion": CHARTER,
                "kind": "Initiative",
                "metadata": {"name": name},
                "spec": spec,
                "_role": role,
                "_system": system,
            }
        )
        if role in ("MIG001", "MIG004"):
            planted.flaw(role, f"initiative:{name}")
    return made


def _migration(
    builder: _Builder, name: str, title: str, role: str, slo_names: list[str], existing: set[str]
) -> dict[str, Any]:
    org = builder.profile.organization
    observability = [f"https://grafana.{org}.example/d/{name}"]
    if slo_names:
        observability.insert(0, f"slo:{builder.rng.choice(slo_names)}")
    if role == "MIG004":
        missing = next(cycle_pick([f"{name}-cutover-errors"], set(existing)))
        observability.insert(0, f"slo:{missing}")
    plan: dict[str, Any] = {}
    if role != "MIG001":
        path = f"docs/rollback/{name}.md"
        plan["rollbackPlan"] = path
        builder.register.rollback_docs[path] = _rollback_doc(title)
    plan["successCriteria"] = [
        "error rate within the SLO for 14 days after cut-over",
        "old path receives no traffic for 30 days, then is deleted",
    ]
    plan["observability"] = observability
    return plan


def _rollback_doc(title: str) -> str:
    return (
        f"# Rollback plan: {title}\n\n"
        "## When to roll back\n\n- the SLO's fast burn alert fires within two hours of a cut-over step\n"
        "- data checks between old and new stores disagree\n\n"
        "## How\n\n1. Switch the traffic flag back to the old path (one command, under a minute).\n"
        "2. Stop the replication job; the old store is still the source of truth until step 4 of the plan.\n"
        "3. Tell #incidents and the owning team; open an incident if users were affected.\n\n"
        "## Rehearsed\n\nIn staging before every production step.\n"
    )


def _risks(builder: _Builder, initiatives: list[dict[str, Any]], decision_slots: int) -> None:
    profile, rng, planted, reg = builder.profile, builder.rng, builder.planted, builder.register
    flaws = profile.flaw_count("risks") if profile.risks else 0
    by_role: dict[str, list[dict[str, Any]]] = {}
    for initiative in initiatives:
        by_role.setdefault(initiative["_role"], []).append(initiative)
    mitigations = by_role.get("mitigation", [])
    roles: list[str] = []
    for role, wanted in (
        ("RSK001", flaws),
        ("RSK004", flaws),
        ("RSK005", flaws),
        ("by-initiative", min(flaws, len(mitigations))),
        ("by-decision", min(flaws, decision_slots)),
    ):
        roles += [role] * min(wanted, profile.risks - len(roles))
    roles += ["clean"] * (profile.risks - len(roles))
    reference = profile.reference_date
    spare = list(by_role.get("ordinary", []))
    for position, role in enumerate(roles):
        # A risk that an initiative mitigates is about the same system, in the initiative's category.
        linked: dict[str, Any] | None = None
        if role == "by-initiative":
            linked = mitigations.pop()
        elif role == "RSK005":
            variant = position % 3
            pool = by_role.get("unfunded" if variant == 1 else "late", []) if variant else []
            linked = pool.pop() if pool else None
        system = linked["_system"] if linked else builder.system()
        above = role in ("RSK005", "by-initiative", "by-decision")
        category = (
            linked["spec"]["type"]
            if linked
            else (rng.choice(("reliability", "security")) if above else rng.choice(sorted(APPETITE)))
        )
        name, title = builder.name(_RISKS[category], system)
        residual = rng.choice(_cells(category, above))
        inherent = (min(5, residual[0] + rng.randint(0, 2)), min(5, residual[1] + rng.randint(0, 1)))
        spec: dict[str, Any] = {"title": title, "category": category}
        if role != "RSK001":
            owner = f"group:{system.owner}"
            if rng.random() < 0.1:
                owner = f"user:{rng.choice(builder.catalog.people).name}"
            spec["owner"] = owner
        spec |= {"likelihood": inherent[0], "impact": inherent[1]}
        treatment, status = "mitigate", "open"
        review = reference + timedelta(days=rng.randint(45, 240))
        mitigated_by: list[dict[str, Any]] = []
        if role == "RSK004":
            review = reference - timedelta(days=rng.randint(20, 120))
        elif role == "RSK005":
            if linked is not None:  # unfunded, or committed to a quarter ending after the review date
                mitigated_by.append(linked)
                if "committed" in linked["spec"]:
                    review = quarter_start(linked["spec"]["committed"]["quarter"]) + timedelta(days=20)
        elif role == "by-initiative" and linked is not None:
            mitigated_by.append(linked)
            review = quarter_end(linked["spec"]["committed"]["quarter"]) + timedelta(days=rng.randint(30, 120))
            treatment, status = "mitigate", "mitigating"
        elif role == "by-decision":
            treatment, status = "accept", "accepted"
            reg.acceptances.append((name, title))
        else:
            treatment = rng.choice(("mitigate", "mitigate", "mitigate", "accept", "transfer", "avoid"))
            status = {"mitigate": "mitigating", "accept": "accepted", "transfer": "open", "avoid": "closed"}[treatment]
            if treatment == "mitigate" and spare and rng.random() < 0.3:
                mitigated_by.append(rng.choice(spare))
        spec["treatment"] = treatment
        spec["residual"] = {"likelihood": residual[0], "impact": residual[1]}
        if treatment == "mitigate":
            spec["targetResidual"] = {"likelihood": max(1, residual[0] - 1), "impact": max(1, residual[1] - 1)}
        spec["status"] = status
        spec["reviewBy"] = review
        affected = builder.operated.get(system.name) or builder.components.get(system.name, [])
        if affected:
            spec["affects"] = [f"component:{item}" for item in sorted(rng.sample(affected, min(2, len(affected))))]
        if mitigated_by:
            spec["mitigatedBy"] = [f"initiative:{item['metadata']['name']}" for item in mitigated_by]
            for item in mitigated_by:
                item["spec"].setdefault("mitigates", []).append(f"risk:{name}")
        document = {"apiVersion": CHARTER, "kind": "Risk", "metadata": {"name": name}, "spec": spec}
        reg.risks.setdefault(f"risks/{system.domain}/{system.name}.yaml", []).append(document)
        if role.startswith("RSK"):
            planted.flaw(role, f"risk:{name}")
        elif role == "by-initiative":
            planted.accept(MITIGATION_COMMITTED, f"risk:{name}")
        elif role == "by-decision":
            planted.accept(ACCEPTED_BY_DECISION, f"risk:{name}")
    reg.risk_count = len(roles)
