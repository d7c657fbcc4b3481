"""`charter demo`'s engine: write a whole strategy repository for a made-up company, deterministic
for a seed (same seed and profile, same bytes), with governance flaws planted where `charter check`
should find them and everything else clean; with `git`, also clones of some components' repositories
and their deployment records, for `charter sync` and the delivery and code health reports."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from charter.demo.catalog import build_catalog
from charter.demo.catalog_files import write_catalog
from charter.demo.controls import control_sources
from charter.demo.decisions import plan_decisions, write_decisions
from charter.demo.deployments import DEPLOYMENTS_FILE, DeliveryFacts
from charter.demo.gitrepos import CLONES_FOLDER, plan_repositories, write_repositories
from charter.demo.incident_exports import write_incident_exports
from charter.demo.incidents import write_incidents
from charter.demo.plan import Planted
from charter.demo.profiles import SizeProfile
from charter.demo.register import build_register
from charter.demo.roadmap import SCENARIO_PATH
from charter.demo.scans import write_scans
from charter.demo.security_feeds import write_security_feeds
from charter.demo.sli import demo_objectives, write_sli
from charter.demo.slos import plan_slos, write_slos
from charter.demo.strategy import (
    CONTROLS_EVIDENCE_DOC,
    control_documents,
    organization_document,
    radar_csv,
    standard_documents,
)
from charter.demo.strategy_history import plan_strategy_history, previous_quarter, write_strategy_history
from charter.demo.writers import RepoWriter


@dataclass(frozen=True)
class GenerationSummary:
    """What was written: counts per kind, every file (repo-relative, in writing order), and the
    flaws planted on purpose (diagnostic code -> entities) and the look-alikes that are acceptable;
    with git, the clones written and the deployment records for `charter import deployments`."""

    destination: Path
    profile: SizeProfile
    seed: int
    counts: dict[str, int]
    files: tuple[str, ...]
    flaws: dict[str, tuple[str, ...]]
    acceptable: dict[str, tuple[str, ...]]
    clones: tuple[Path, ...] = ()
    deployments: Path | None = None


def generate_organization(
    destination: Path, profile: SizeProfile, seed: int = 7, git: bool = False
) -> GenerationSummary:
    """Write the sample organisation into `destination`, which must be empty or not exist yet; with
    `git`, also its components' clones under `clones/` and `facts/deployments.jsonl`."""
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise FileExistsError(f"{destination} exists and is not an empty directory")
    rng = random.Random(seed)
    planted = Planted()
    catalog = build_catalog(rng, profile, planted)
    slo_plan = plan_slos(rng, profile, catalog, planted)
    layout = plan_decisions(rng, profile)
    register = build_register(rng, profile, catalog, slo_plan.observable_names(), len(layout.free), planted)
    story = plan_strategy_history(register, profile.reference_date)
    # Its own random source: with or without git, the rest of the organisation is the same.
    git_rng = random.Random(f"git-{seed}")
    repositories = plan_repositories(git_rng, profile, catalog) if git else []

    writer = RepoWriter(destination)
    git_roots = [CLONES_FOLDER] if repositories else []
    writer.write_yaml("charter.yaml", [organization_document(profile, planted, git_roots)])
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
    compliance = ["soc2", "nist-800-53-moderate"]  # as organization_document writes them
    for path, text in control_sources(controls, compliance, profile.reference_date, planted).items():
        writer.write(path, text)
    for document in controls:
        writer.write_yaml(f"controls/{document['metadata']['name']}.yaml", [document])
    if controls:
        writer.write(CONTROLS_EVIDENCE_DOC, _CONTROLS_DOC)
    decisions = write_decisions(writer, rng, profile, layout, register.acceptances, planted, register.deferral)
    if register.scenario is not None:
        writer.write(SCENARIO_PATH, register.scenario)
    delivery = None
    if repositories:
        histories = write_repositories(destination, repositories)
        delivery = DeliveryFacts(git_rng, repositories, histories, profile.reference_date)
    # Incidents draw from their own source: blaming deployments takes more draws, the radar stays the same.
    incidents = write_incidents(
        writer, random.Random(rng.getrandbits(64)), profile, catalog, delivery, random.Random(f"story-{seed}")
    )
    if delivery is not None:
        delivery.write(writer)
        writer.write(".gitignore", f"/{CLONES_FOLDER}/\n/.charter/\n/facts/\n")
        write_incident_exports(destination, seed, profile.reference_date)
        reference = datetime.combine(profile.reference_date, time(), UTC)
        write_sli(destination, demo_objectives(slo_plan), reference, seed)
        write_scans(writer, catalog.components, profile.organization, profile.reference_date, seed)
        write_security_feeds(destination, seed, profile.reference_date)
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
    clones = tuple(destination / CLONES_FOLDER / plan.directory for plan in repositories)
    writer.write("README.md", _readme(profile, seed, counts, flaws, acceptable, clones))
    if delivery is not None:  # the strategy's own history, for the review of the last quarter
        write_strategy_history(destination, story, register.risks | register.initiatives, "Strategy Office")
    return GenerationSummary(
        destination,
        profile,
        seed,
        counts,
        tuple(writer.files),
        flaws,
        acceptable,
        clones,
        destination / DEPLOYMENTS_FILE if delivery is not None else None,
    )


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
    clones: tuple[Path, ...] = (),
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
        f"charter plan --scenario {SCENARIO_PATH}   # what a hiring freeze would cost",
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
    ]
    if clones:
        lines += [
            f"| `{CLONES_FOLDER}/` | git clones of some components' repositories, a year of history each "
            f"| {len(clones)} |",
            f"| `{DEPLOYMENTS_FILE}` | deployment records of the components that do not deploy from release tags | 1 |",
            "",
            "Delivery and code health come from the clones and the deployment records:",
            "",
            "```sh",
            f"charter import deployments {DEPLOYMENTS_FILE}",
            "charter sync             # mine the clones, derive deployments from release tags, link lead times",
            f"charter delivery --until {profile.reference_date.isoformat()}   # DORA's five metrics, the 90 days "
            "before the sample's date",
            "charter codehealth       # hotspots, change coupling, knowledge concentration",
            "```",
            "",
            "The strategy repository itself is a git repository whose dated commits (`git log`) hold the "
            f"changes of {previous_quarter(profile.reference_date)}: a risk raised, one opened and one closed, "
            "initiatives committed to the quarter delivered or moved to the next. Snapshots backfilled for past "
            "days read the risk register as those commits held it, so the quarter's review has a story to tell:",
            "",
            "```sh",
            f"charter snapshot --since {(profile.reference_date - timedelta(weeks=26)).isoformat()} "
            f"--until {profile.reference_date.isoformat()} --every 1w",
            f"charter review --since {previous_quarter(profile.reference_date)}",
            "```",
        ]
    lines += [
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
