"""The sample's decision log: MADR records with YAML front matter (some accepting risks by name),
adr-tools / Nygard records that supersede one another, and the planted links to records that do
not exist."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from charter.demo.plan import Planted
from charter.demo.profiles import SizeProfile
from charter.demo.roadmap import Deferral, deferral_metadata, deferral_text
from charter.demo.writers import RepoWriter, front_matter

VENDOR_RUNBOOK_RECORD = 4
_BLOCK = 25  # a superseded / superseding Nygard pair in every block of this many records

_TITLES = (
    "Record architecture decisions",
    "Use Backstage as the service catalog",
    "Run our own Kafka cluster for domain events",
    "Use the vendor's runbooks for managed gateways",
    "Use managed Kafka for domain events",
    "Run stateless services on Kubernetes",
    "Adopt OpenTelemetry for tracing",
    "Alert on SLO burn rate, not on causes",
    "Use PostgreSQL as the default database",
    "Deploy with Argo CD from Git",
    "Keep secrets in Vault",
    "Use gRPC between services of one domain",
    "Retire the Jenkins build farm",
    "Adopt trunk-based development",
    "Write Go for new network services",
    "Use feature flags for every user-facing change",
    "Enforce code owners on every repository",
    "Pin base images by digest",
    "Run quarterly failover game days",
    "Use Temporal for long-running workflows",
    "Standardise on GitHub Actions",
)
_OPTIONS = ("Keep the current approach", "Adopt the proposed approach", "Buy a managed product")


@dataclass(slots=True)
class DecisionLayout:
    """Which record number plays which part; `free` numbers may accept risks or be ordinary."""

    count: int
    nygard_pairs: list[tuple[int, int]] = field(default_factory=list)
    dangling: list[int] = field(default_factory=list)
    free: list[int] = field(default_factory=list)


def plan_decisions(rng: random.Random, profile: SizeProfile) -> DecisionLayout:
    count = profile.decisions
    layout = DecisionLayout(count)
    special: set[int] = {VENDOR_RUNBOOK_RECORD} if count >= VENDOR_RUNBOOK_RECORD else set()
    for start in range(0, count, _BLOCK):
        older, newer = start + 3, start + 5
        if newer <= count:
            layout.nygard_pairs.append((older, newer))
            special |= {older, newer}
    candidates = [number for number in range(2, count + 1) if number not in special]
    layout.dangling = sorted(rng.sample(candidates, min(len(candidates), profile.flaw_count("decisions"))))
    layout.free = [number for number in candidates if number not in layout.dangling]
    return layout


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def write_decisions(
    writer: RepoWriter,
    rng: random.Random,
    profile: SizeProfile,
    layout: DecisionLayout,
    acceptances: list[tuple[str, str]],
    planted: Planted,
    deferral: Deferral | None = None,
) -> int:
    """Write every record; `acceptances` are (risk name, risk title) pairs, one free record each. The
    `deferral` goes into the last free record no acceptance takes, else into the last acceptance."""
    count = layout.count
    titles = {number: _title(number) for number in range(1, count + 1)}
    accepting = dict(zip(layout.free, acceptances, strict=False))
    for number, (_, risk_title) in accepting.items():
        titles[number] = f"Accept the risk: {risk_title}"
    unused = [number for number in layout.free if number not in accepting]
    candidates = unused or sorted(accepting)
    carrier = candidates[-1] if deferral is not None and candidates else None
    if deferral is not None and carrier in unused:
        titles[carrier] = f"Defer work to hold {deferral.team} within capacity in {deferral.quarter}"
    for older, newer in layout.nygard_pairs[1:]:
        titles[newer] = f"Revisit: {titles[older][0].lower()}{titles[older][1:]}"
    files = {number: f"{number:04d}-{slug(title)}.md" for number, title in titles.items()}
    superseded_by = dict(layout.nygard_pairs)
    supersedes = {newer: older for older, newer in layout.nygard_pairs}
    reference = profile.reference_date
    for number in range(1, count + 1):
        when = reference - timedelta(days=max(1, (count - number + 1) * 640 // count))
        title = titles[number]
        if number in superseded_by or number in supersedes:
            status = "Accepted"
            if number in superseded_by:
                newer = superseded_by[number]
                status = f"Superceded by [{newer}. {titles[newer]}]({files[newer]})"
            if number in supersedes:
                older = supersedes[number]
                status += f"\n\nSupercedes [{older}. {titles[older]}]({files[older]})"
            text = _nygard(number, title, when, status)
        elif number in layout.dangling:
            missing = count + 10 + layout.dangling.index(number)
            planted.flaw("REF006", f"decision:{number:04d}")
            if layout.dangling.index(number) % 2 == 0:
                missing_title = "Replace the message bus"
                status = f"Superceded by [{missing}. {missing_title}]({missing:04d}-{slug(missing_title)}.md)"
                text = _nygard(number, title, when, status)
            else:
                text = _madr(rng, title, {"status": f"superseded by ADR-{missing:04d}", "date": when})
        elif number in accepting:
            risk_name, risk_title = accepting[number]
            expires = reference + timedelta(days=rng.randint(150, 400))
            metadata = {
                "status": "accepted",
                "date": when,
                "decision-makers": ["cto", "vp-engineering"],
                "risks": [f"risk:{risk_name}"],
                "expires": expires,
            }
            if number == carrier and deferral is not None:
                metadata |= deferral_metadata(deferral)
            text = _madr(rng, title, metadata, risk=(risk_name, risk_title, expires))
        else:
            roll = rng.random()
            status = (
                "accepted"
                if roll < 0.75 or number in (1, VENDOR_RUNBOOK_RECORD)
                else ("proposed" if roll < 0.87 else "rejected" if roll < 0.95 else "deprecated")
            )
            metadata = {"status": status, "date": when}
            if number == carrier and deferral is not None:
                metadata = {"status": "accepted", "date": when, **deferral_metadata(deferral)}
            text = _madr(rng, title, metadata)
        if number == carrier and deferral is not None:
            text = text.rstrip("\n") + deferral_text(deferral) + "\n"
        writer.write(f"decisions/{files[number]}", text)
    return count


def _title(number: int) -> str:
    if number <= len(_TITLES):
        return _TITLES[number - 1]
    base = _TITLES[(number - 1) % len(_TITLES)]
    return f"{base} (revision {(number - 1) // len(_TITLES) + 1})"


def _nygard(number: int, title: str, when: date, status: str) -> str:
    return (
        f"# {number}. {title}\n\nDate: {when.isoformat()}\n\n## Status\n\n{status}\n\n"
        "## Context\n\nThe teams asked for one way to do this; every team doing it differently costs "
        "on-call time and onboarding.\n\n"
        f"## Decision\n\nWe will {title[0].lower()}{title[1:]}.\n\n"
        "## Consequences\n\nExisting services move over when they are next changed; new services start "
        "this way.\n"
    )


def _madr(
    rng: random.Random,
    title: str,
    metadata: dict[str, object],
    risk: tuple[str, str, date] | None = None,
) -> str:
    chosen = rng.choice(_OPTIONS[1:])
    if risk is not None:
        name, risk_title, expires = risk
        context = (
            f"Risk `risk:{name}` ({risk_title}) is above the appetite of its category. Mitigating "
            "it now would take capacity from work that matters more this year."
        )
        outcome = (
            f'Chosen option: "Accept the risk until {expires.isoformat()}", because the exposure is '
            "bounded and monitored; the risk is reviewed again before this decision expires."
        )
        options = ["Accept the risk for a limited time", "Fund the mitigation now"]
    else:
        context = (
            f"We need a shared answer to: {title.lower()}? Today each team decides alone, which "
            "makes incidents harder to handle across teams."
        )
        outcome = f'Chosen option: "{chosen}", because it serves the most teams for the least operating cost.'
        options = list(_OPTIONS)
    body = "\n".join(
        [
            f"# {title}",
            "",
            "## Context and Problem Statement",
            "",
            context,
            "",
            "## Considered Options",
            "",
            *(f"* {option}" for option in options),
            "",
            "## Decision Outcome",
            "",
            outcome,
            "",
            "### Consequences",
            "",
            "* Good, because the choice is written down and can be revisited.",
            "* Bad, because it needs follow-up work from several teams.",
        ]
    )
    return front_matter(dict(metadata), body)
