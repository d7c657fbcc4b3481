"""The sample's organisation-wide files: `charter.yaml` (goals, appetite, matrix, policies,
suppressions), engineering standards, SOC 2 and NIST control sets, and the technology radar."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from charter.demo.catalog import SUPPRESSED_IN_SETTINGS
from charter.demo.names import RADAR_ENTRIES, title_case
from charter.demo.plan import Catalog, Planted
from charter.demo.profiles import SizeProfile
from charter.demo.register import APPETITE, CHARTER, GRID, LEVELS
from charter.demo.slos import SUPPRESSED_ORPHAN_FILE
from charter.demo.writers import Flow, dump_csv

CONTROLS_EVIDENCE_DOC = "docs/security/controls.md"

_SOC2 = (
    ("CC1.1", "Commitment to integrity and ethical values"),
    ("CC1.2", "Board oversight"),
    ("CC1.3", "Structures, reporting lines and authorities"),
    ("CC1.4", "Commitment to competence"),
    ("CC1.5", "Accountability"),
    ("CC2.1", "Quality information"),
    ("CC2.2", "Internal communication"),
    ("CC2.3", "External communication"),
    ("CC3.1", "Objectives for risk assessment"),
    ("CC3.2", "Risk identification and analysis"),
    ("CC3.3", "Fraud risk"),
    ("CC3.4", "Significant change"),
    ("CC4.1", "Ongoing and separate evaluations"),
    ("CC4.2", "Communicating deficiencies"),
    ("CC5.1", "Control activities"),
    ("CC5.2", "Technology general controls"),
    ("CC5.3", "Policies and procedures"),
    ("CC6.1", "Logical access security"),
    ("CC6.2", "User registration and authorisation"),
    ("CC6.3", "Role-based access and removal"),
    ("CC6.4", "Physical access"),
    ("CC6.5", "Asset disposal"),
    ("CC6.6", "Boundary protection"),
    ("CC6.7", "Data in transit"),
    ("CC6.8", "Malicious software"),
    ("CC7.1", "Vulnerability detection"),
    ("CC7.2", "Anomaly monitoring"),
    ("CC7.3", "Security event evaluation"),
    ("CC7.4", "Incident response"),
    ("CC7.5", "Incident recovery"),
    ("CC8.1", "Change management"),
    ("CC9.1", "Business disruption risk"),
    ("CC9.2", "Vendor and partner risk"),
)
_NIST = (
    ("AC-2", "Account management"),
    ("AC-3", "Access enforcement"),
    ("AC-6", "Least privilege"),
    ("AU-2", "Event logging"),
    ("AU-6", "Audit record review"),
    ("CM-2", "Baseline configuration"),
    ("CM-6", "Configuration settings"),
    ("CP-9", "System backup"),
    ("CP-10", "System recovery"),
    ("IA-2", "Identification and authentication"),
    ("IA-5", "Authenticator management"),
    ("IR-4", "Incident handling"),
    ("IR-6", "Incident reporting"),
    ("RA-5", "Vulnerability monitoring"),
    ("SC-7", "Boundary protection"),
    ("SC-8", "Transmission confidentiality"),
    ("SC-13", "Cryptographic protection"),
    ("SI-2", "Flaw remediation"),
    ("SI-4", "System monitoring"),
)


def organization_document(profile: SizeProfile, planted: Planted, git_roots: list[str] | None = None) -> dict[str, Any]:
    reference = profile.reference_date
    horizon = date(reference.year + 1, 6, 30)
    year_end = date(reference.year + 1, 12, 31)

    def target(metric: str, op: str, value: str | float, by: date, **more: Any) -> dict[str, Any]:
        return {"metric": metric, "scope": {"tier": 1}, "op": op, "value": value, "by": by, **more}

    goals = [
        {
            "id": "faster-delivery",
            "description": "Every tier-1 team ships to production at least daily",
            "targets": [
                target("delivery.lead_time_for_changes.p50", "<=", "1d", horizon),
                target("delivery.deployment_frequency.per_day", ">=", 1, horizon),
            ],
        },
        {
            "id": "safe-changes",
            "description": "Changes rarely break production, and recover fast when they do",
            "targets": [
                target("delivery.change_failure_rate", "<=", 0.15, horizon),
                target("delivery.failed_deployment_recovery_time.p50", "<=", "1h", horizon),
            ],
        },
        {
            "id": "reliable-core",
            "description": "Tier-1 services meet their SLOs",
            "targets": [
                target("reliability.slo_attainment", ">=", "99.9%", horizon, baseline="99.5%"),
                # tier 1's incidents over a snapshot's 90 days, all services together
                target("reliability.incidents.count", "<=", 6, horizon, aggregate="sum"),
            ],
        },
        {
            "id": "secure-by-default",
            "description": "No known critical vulnerability stays open on tier 1",
            "targets": [target("security.findings.open_critical", "==", 0, horizon, aggregate="sum")],
        },
        {
            "id": "engineering-standards",
            "description": "Half of the tier-1 services reach gold",
            "targets": [target("standards.level_share.gold", ">=", 0.5, year_end)],
        },
    ]
    for goal in goals:  # organisation-wide goals answer to engineering's leadership (ESC008 goes there)
        goal["owner"] = f"group:{profile.organization}"
    ignore: list[dict[str, Any]] = [
        {
            "code": "REF005",
            "file": SUPPRESSED_ORPHAN_FILE,
            "reason": "blackbox probes of the public endpoints, run by the SRE guild for no single component",
            "until": reference + timedelta(days=150),
        }
    ]
    ignore.extend(
        {
            "code": "OWN002",
            "entity": entity,
            "reason": "the owning team was dissolved; ownership moves with the Q1 reorganisation",
            "until": reference + timedelta(days=90),
        }
        for entity in planted.acceptable.get(SUPPRESSED_IN_SETTINGS, [])
    )
    policies = {
        "remediationSlaDays": {"critical": 15, "high": 30, "medium": 90, "low": 180, "kev": 14},
        "epssThreshold": 0.1,
        "scorecardMinimum": {
            "Branch-Protection": 8,
            "Code-Review": 8,
            "Token-Permissions": 10,
            "Dangerous-Workflow": 10,
        },
        "productionEnvironments": ["prod(uction)?"],
        "sloPeriod": "30d",
        "postmortemWithinDays": 5,
        "minReliabilityAllocation": 0.2,
        "repeatIncidentWindowDays": 90,
        "historyHorizonDays": 90,
    }
    return {
        "apiVersion": CHARTER,
        "kind": "Organization",
        "metadata": {
            "name": profile.organization,
            "description": f"Technology strategy of {title_case(profile.organization)} (generated sample)",
        },
        "spec": {
            "goals": goals,
            "riskAppetite": dict(APPETITE),
            "riskMatrix": {"levels": Flow(LEVELS), "grid": [Flow(row) for row in GRID]},
            "policies": policies,
            "compliance": ["soc2", "nist-800-53-moderate"],
            "sources": {"catalog": [], "git": {"roots": list(git_roots)}} if git_roots else {"catalog": []},
            "diagnostics": {},
            "ignore": ignore,
        },
    }


def _rule(rule_id: str, level: str, check: str, **arguments: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {"id": rule_id, "level": level, "check": check}
    if arguments:
        rule["with"] = arguments
    return rule


_LEVELS = ["bronze", "silver", "gold"]
_STANDARDS: tuple[tuple[str, str, dict[str, Any], list[dict[str, Any]]], ...] = (
    (
        "service-maturity",
        "Production services",
        {"kind": "Component", "type": "service", "lifecycle": "production"},
        [
            _rule("has-owner", "bronze", "owner.exists"),
            _rule("part-of-system", "bronze", "relation.exists", type="partOf"),
            _rule("has-on-call", "silver", "annotation.exists", key="charter.dev/on-call"),
            _rule("has-runbook", "silver", "annotation.exists", key="charter.dev/runbook"),
            _rule("slo-defined", "silver", "slo.exists"),
            _rule("fast-lead-time", "gold", "metric", metric="delivery.lead_time_for_changes.p50", op="<=", value="1d"),
            _rule("low-change-failure", "gold", "metric", metric="delivery.change_failure_rate", op="<=", value=0.15),
        ],
    ),
    (
        "website-basics",
        "Websites",
        {"kind": "Component", "type": "website"},
        [
            _rule("has-owner", "bronze", "owner.exists"),
            _rule("in-production", "silver", "field.equals", field="spec.lifecycle", value="production"),
            _rule("source-known", "silver", "annotation.exists", key="backstage.io/source-location"),
            _rule("deploys-daily", "gold", "metric", metric="delivery.deployment_frequency.per_day", op=">=", value=1),
        ],
    ),
    (
        "api-governance",
        "APIs",
        {"kind": "API"},
        [
            _rule("has-owner", "bronze", "owner.exists"),
            _rule("part-of-system", "silver", "relation.exists", type="partOf"),
            _rule("in-production", "gold", "field.equals", field="spec.lifecycle", value="production"),
        ],
    ),
    (
        "library-hygiene",
        "Libraries",
        {"kind": "Component", "type": "library"},
        [
            _rule("has-owner", "bronze", "owner.exists"),
            _rule("repo-known", "silver", "annotation.exists", key="charter.dev/repo"),
            _rule("part-of-system", "gold", "relation.exists", type="partOf"),
        ],
    ),
    (
        "resource-ownership",
        "Resources",
        {"kind": "Resource"},
        [
            _rule("has-owner", "bronze", "owner.exists"),
            _rule("part-of-system", "silver", "relation.exists", type="partOf"),
        ],
    ),
    (
        "tier1-reliability",
        "Tier-1 services",
        {"kind": "Component", "type": "service", "tier": 1},
        [
            _rule("has-on-call", "bronze", "annotation.exists", key="charter.dev/on-call"),
            _rule("slo-defined", "silver", "slo.exists"),
            _rule(
                "recovers-fast",
                "gold",
                "metric",
                metric="delivery.failed_deployment_recovery_time.p50",
                op="<=",
                value="1h",
            ),
        ],
    ),
)


def standard_documents(profile: SizeProfile) -> list[tuple[str, dict[str, Any]]]:
    documents = []
    for index in range(profile.standards):
        name, title, applies, rules = _STANDARDS[index % len(_STANDARDS)]
        revision = index // len(_STANDARDS)
        if revision:
            name, title = f"{name}-v{revision + 1}", f"{title} (v{revision + 1})"
        documents.append(
            (
                f"standards/{name}.yaml",
                {
                    "apiVersion": CHARTER,
                    "kind": "Standard",
                    "metadata": {"name": name},
                    "spec": {"title": title, "appliesTo": applies, "levels": list(_LEVELS), "rules": rules},
                },
            )
        )
    return documents


def control_documents(rng: random.Random, profile: SizeProfile, catalog: Catalog) -> list[dict[str, Any]]:
    total = profile.control_requirements
    soc2 = min(len(_SOC2), -(-total * 3 // 5))
    sets = (
        ("soc2", "SOC 2 common criteria", _SOC2, soc2),
        ("nist-800-53-moderate", "NIST SP 800-53 moderate", _NIST, total - soc2),
    )
    org = profile.organization
    teams = catalog.team_names()
    documents = []
    for obligation, title, catalogue, count in sets:
        if count <= 0:
            continue
        requirements = []
        for index in range(count):
            control_id, control_title = catalogue[index % len(catalogue)]
            if index >= len(catalogue):
                control_id = f"{control_id}({index // len(catalogue)})"  # a control enhancement
            roll = rng.random()
            status = (
                "implemented"
                if roll < 0.65
                else "partial"
                if roll < 0.8
                else "planned"
                if roll < 0.92
                else "not-applicable"
            )
            requirement: dict[str, Any] = {
                "id": control_id,
                "title": control_title,
                "status": status,
                "owner": f"group:{rng.choice(teams)}",
            }
            if status == "not-applicable":
                requirement["reason"] = "no physical premises: the company is remote and runs on public cloud"
            elif status in ("implemented", "partial"):
                requirement["evidence"] = [
                    f"https://drive.{org}.example/audit/{obligation}/{control_id}",
                    CONTROLS_EVIDENCE_DOC,
                ]
            requirement["reviewBy"] = profile.reference_date + timedelta(days=rng.randint(30, 300))
            requirements.append(requirement)
        documents.append(
            {
                "apiVersion": CHARTER,
                "kind": "ControlSet",
                "metadata": {"name": obligation},
                "spec": {
                    "obligation": obligation,
                    "title": title,
                    "owner": f"group:{teams[0]}",
                    "requirements": requirements,
                },
            }
        )
    return documents


def radar_csv(rng: random.Random, profile: SizeProfile) -> str:
    rows = []
    for index in range(profile.radar_entries):
        name, ring, quadrant, description = RADAR_ENTRIES[index % len(RADAR_ENTRIES)]
        if index >= len(RADAR_ENTRIES):
            name = f"{name} {index // len(RADAR_ENTRIES) + 1}"
        rows.append((name, ring, quadrant, "TRUE" if rng.random() < 0.2 else "FALSE", description))
    return dump_csv(("name", "ring", "quadrant", "isNew", "description"), rows)
