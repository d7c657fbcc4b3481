"""`charter demo`'s engine: write a whole strategy repository for a made-up company, deterministic
for a seed (same seed and profile, same bytes), with governance flaws planted where `charter check`
should find them and everything else clean."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from charter.sample.catalog import build_catalog
from charter.sample.catalog_files import write_catalog
from charter.sample.decisions import plan_decisions, write_decisions
from charter.sample.incidents import write_incidents
from charter.sample.plan import Planted
from charter.sample.profiles import SizeProfile
from charter.sample.register import build_register
from charter.sample.slos import plan_slos, write_slos
from charter.sample.strategy import (
    CONTROLS_EVIDENCE_DOC,
    control_documents,
    organization_document,
    radar_csv,
    standard_documents,
)
from charter.sample.writers import RepoWriter


@dataclass(frozen=True)
class GenerationSummary:
    """What was written: counts per kind, every file (repo-relative, in writing order), and the
    flaws planted on purpose (diagnostic code -> entities) and the look-alikes that are acceptable."""

    destination: Path
    profile: SizeProfile
    seed: int
    counts: dict[str, int]
    files: tuple[str, ...]
    flaws: dict[str, tuple[str, ...]]
    acceptable: dict[str, tuple[str, ...]]


def generate_organization(destination: Path, profile: SizeProfile, seed: int = 7) -> GenerationSummary:
    """Write the sample organisation into `destination`, which must be empty or not exist yet."""
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise FileExistsError(f"{destination} exists and is not an empty directory")
    rng = random.Random(seed)
    planted = Planted()
    catalog = build_catalog(rng, profile, planted)
    slo_plan = plan_slos(rng, profile, catalog, planted)
    layout = plan_decisions(rng, profile)
    register = build_register(rng, profile, catalog, slo_plan.observable_names(), len(layout.free), planted)

    writer = RepoWriter(destination)
    writer.write_yaml("charter.yaml", [organization_document(profile, planted)])
    write_catalog(writer, catalog, profile)
    standards = standard_documents(profile)
    for path, document in standards:
        writer.write_yaml(path, [document])
    write_slos(writer, slo_plan, profile)
    for path, documents in register.risks.items():
        writer.write_yaml(path, documents)
    for path, documents in register.initiatives.items():
        writer.write_yaml(path, documents)
    if register.capacities:
        writer.write_yaml("roadmap/capacity.yaml", register.capacities)
    for path, text in register.rollback_docs.items():
        writer.write(path, text)
    controls = control_documents(rng, profile, catalog)
    for document in controls:
        writer.write_yaml(f"controls/{document['metadata']['name']}.yaml", [document])
    if controls:
        writer.write(CONTROLS_EVIDENCE_DOC, _CONTROLS_DOC)
    decisions = write_decisions(writer, rng, profile, layout, register.acceptances, planted)
    incidents = write_incidents(writer, rng, profile, catalog)
    if profile.radar_entries:
        writer.write("radar/radar.csv", radar_csv(rng, profile))

    counts = {
        "Organization": 1,
        "Group": 1 + len(catalog.departments) + len(catalog.teams),
        "User": len(catalog.people),
        "Domain": len(catalog.domains),
        "System": len(catalog.systems),
        "Component": len(catalog.components),
        "API": len(catalog.apis),
        "Resource": len(catalog.resources),
        "Location": 1,
        "Standard": len(standards),
        "SLO": slo_plan.count,
        "Risk": register.risk_count,
        "Initiative": register.initiative_count,
        "Capacity": len(register.capacities),
        "ControlSet": len(controls),
        "Decision": decisions,
        "Incident": incidents,
        "RadarEntry": profile.radar_entries,
    }
    flaws, acceptable = planted.frozen()
    writer.write("README.md", _readme(profile, seed, counts, flaws, acceptable))
    return GenerationSummary(destination, profile, seed, counts, tuple(writer.files), flaws, acceptable)


_CONTROLS_DOC = """# How controls are evidenced

Each requirement in `controls/` links the audit folder that holds its evidence for the period under
review (exports of access reviews, change tickets, alert history). Owners refresh the evidence
before `reviewBy`; `charter check` and the control coverage report read the status from here.
"""


def _readme(
    profile: SizeProfile,
    seed: int,
    counts: dict[str, int],
    flaws: dict[str, tuple[str, ...]],
    acceptable: dict[str, tuple[str, ...]],
) -> str:
    org = profile.organization
    lines = [
        f"# {org.capitalize()}: a sample technology strategy repository",
        "",
        "This repository was written by `charter demo` (profile "
        f"`{profile.name}`, seed {seed}). It is a made-up company's technology strategy kept as code: "
        "goals and targets, the Backstage service catalog, standards, SLOs, risks, the roadmap, security "
        "controls, decisions and incident postmortems. Every name in it is invented. The same profile and "
        "seed always give the same files, byte for byte.",
        "",
        "Try it:",
        "",
        "```sh",
        "charter check            # governance findings, each with a code, file, line and fix",
        "charter assess           # health of every service, team and the organisation",
        "charter plan             # what the roadmap fits into capacity, and what it gives up",
        "```",
        "",
        "## Layout",
        "",
        "| path | what | count |",
        "|---|---|---|",
        "| `charter.yaml` | Organization: goals, risk appetite and matrix, policies, suppressions | 1 |",
        f"| `catalog/teams/` | one file per team: its Group and Users | {profile.teams} teams, "
        f"{counts['User']} people |",
        f"| `catalog/systems/` | Domains; one file per System with its Components, APIs, Resources | "
        f"{counts['System']} systems, {counts['Component']} components |",
        "| `catalog/locations.yaml` | a Location reaching `external-catalog/` (org chart, legacy system) | 1 |",
        f"| `standards/` | scorecards with bronze, silver and gold rules | {counts['Standard']} |",
        f"| `slos/` | Sloth, OpenSLO and Pyrra specs | {counts['SLO']} SLOs |",
        f"| `risks/` | the risk register, by system | {counts['Risk']} |",
        f"| `roadmap/` | initiatives by domain, capacity per quarter | {counts['Initiative']} initiatives |",
        f"| `controls/` | SOC 2 and NIST 800-53 control sets | {counts['ControlSet']} |",
        f"| `decisions/` | MADR and adr-tools decision records | {counts['Decision']} |",
        f"| `incidents/` | postmortems with YAML front matter | {counts['Incident']} |",
        f"| `radar/radar.csv` | Build-Your-Own-Radar entries | {counts['RadarEntry']} |",
        "",
        "## What `charter check` should find",
        "",
        f"The strategy is clean except for flaws planted on purpose, as of {profile.reference_date.isoformat()}:",
        "",
    ]
    for code, entities in flaws.items():
        shown = ", ".join(f"`{entity}`" for entity in entities[:3])
        more = f" and {len(entities) - 3} more" if len(entities) > 3 else ""
        lines.append(f"- **{code}** ({len(entities)}): {shown}{more}")
    lines += ["", "And look-alikes that must *not* be reported:", ""]
    for case, entities in acceptable.items():
        shown = ", ".join(f"`{entity}`" for entity in entities[:3])
        more = f" and {len(entities) - 3} more" if len(entities) > 3 else ""
        lines.append(f"- {case}: {shown}{more}")
    return "\n".join(lines) + "\n"
