"""Priority of a finding by SSVC's deployer decision tree (Stakeholder-Specific Vulnerability
Categorization, CERT/CC and CISA).

The table is CERT/CC SSVC's deployer patch-application-priority tree, version 2 (decision points
Exploitation, System Exposure, Automatable, Human Impact), row for row as published in
https://github.com/CERTCC/SSVC/blob/main/data/csvs/deployer-options.csv (the same mapping as
`ssvc.decision_tables.ssvc.deployer_dt.DEPLOYER_1` in the `ssvc` package). Its outcomes are
SSVC's DSOI group (defer, scheduled, out-of-cycle, immediate); Charter names them with CISA's
four ordered outcomes of the "CISA SSVC Guide" (November 2022): defer → Track, scheduled → Track*,
out-of-cycle → Attend, immediate → Act. SSVC defines both as four-value ordered outcome groups;
the relabelling keeps the order and nothing else.

CISA's own guide tree asks for Technical Impact and Mission & Well-being instead of System
Exposure and Human Impact. Charter has facts for exposure (`charter.dev/internet-facing`) and a
component's importance (its tier), and none for technical impact, so it uses the deployer tree.

Where the decision points come from (`ssvc_inputs`):
- Exploitation: `active` when the CVE is in CISA's KEV catalog; `poc` when its EPSS probability is at
  or above `policies.epssThreshold`; else `none`.
- Exposure: `open` when the component is `charter.dev/internet-facing: "true"`; else the component's
  `charter.dev/exposure` annotation (`small`, `controlled` or `open`) when it has one; else
  `controlled`.
- Automatable: from the CVSS vector (v3.x: AV:N, AC:L, PR:N and UI:N; v4.0: the same and AT:N; v2:
  AV:N, AC:L, Au:N): `yes`, else `no`; a finding with no vector, or one that does not parse, is `no`.
- Human impact from the component's tier (`charter.dev/tier`) and `policies.criticalTiers`: the most
  critical tier (the lowest number in criticalTiers, tier 1 by default; and any lower number) is
  `very high`; the other
  critical tiers `high`; the tier after the last critical one (tier 3 by default) and a component
  with no tier (or no component) `medium`; any later tier `low`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from charter.analysis.security.cvss_vector import CvssError, parse_cvss_vector


class Exploitation(StrEnum):
    NONE = "none"
    POC = "poc"
    ACTIVE = "active"


class Exposure(StrEnum):
    SMALL = "small"
    CONTROLLED = "controlled"
    OPEN = "open"


class Automatable(StrEnum):
    NO = "no"
    YES = "yes"


class HumanImpact(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very high"


class Priority(StrEnum):
    """CISA's outcomes, lowest first; `rank` orders them."""

    TRACK = "track"
    TRACK_STAR = "track*"
    ATTEND = "attend"
    ACT = "act"

    @property
    def rank(self) -> int:
        return list(Priority).index(self)

    @property
    def label(self) -> str:
        return {"track": "Track", "track*": "Track*", "attend": "Attend", "act": "Act"}[self.value]


# SSVC's DSOI outcome names, as the deployer table writes them, and CISA's name for each.
DSOI_TO_CISA = {
    "defer": Priority.TRACK,
    "scheduled": Priority.TRACK_STAR,
    "out-of-cycle": Priority.ATTEND,
    "immediate": Priority.ACT,
}

# CERT/CC SSVC deployer-options.csv, rows 1-72 in order: exploitation, exposure, automatable, human
# impact -> outcome. Kept as the source writes it, so that it can be compared line by line.
DEPLOYER_TABLE_CSV = """\
none,small,no,low,defer
none,small,no,medium,defer
none,small,no,high,scheduled
none,small,no,very high,scheduled
none,small,yes,low,defer
none,small,yes,medium,scheduled
none,small,yes,high,scheduled
none,small,yes,very high,scheduled
none,controlled,no,low,defer
none,controlled,no,medium,scheduled
none,controlled,no,high,scheduled
none,controlled,no,very high,scheduled
none,controlled,yes,low,scheduled
none,controlled,yes,medium,scheduled
none,controlled,yes,high,scheduled
none,controlled,yes,very high,scheduled
none,open,no,low,defer
none,open,no,medium,scheduled
none,open,no,high,scheduled
none,open,no,very high,scheduled
none,open,yes,low,scheduled
none,open,yes,medium,scheduled
none,open,yes,high,scheduled
none,open,yes,very high,out-of-cycle
PoC,small,no,low,defer
PoC,small,no,medium,scheduled
PoC,small,no,high,scheduled
PoC,small,no,very high,scheduled
PoC,small,yes,low,scheduled
PoC,small,yes,medium,scheduled
PoC,small,yes,high,scheduled
PoC,small,yes,very high,scheduled
PoC,controlled,no,low,defer
PoC,controlled,no,medium,scheduled
PoC,controlled,no,high,scheduled
PoC,controlled,no,very high,scheduled
PoC,controlled,yes,low,scheduled
PoC,controlled,yes,medium,scheduled
PoC,controlled,yes,high,scheduled
PoC,controlled,yes,very high,out-of-cycle
PoC,open,no,low,scheduled
PoC,open,no,medium,scheduled
PoC,open,no,high,scheduled
PoC,open,no,very high,out-of-cycle
PoC,open,yes,low,scheduled
PoC,open,yes,medium,scheduled
PoC,open,yes,high,out-of-cycle
PoC,open,yes,very high,out-of-cycle
active,small,no,low,scheduled
active,small,no,medium,scheduled
active,small,no,high,out-of-cycle
active,small,no,very high,out-of-cycle
active,small,yes,low,scheduled
active,small,yes,medium,out-of-cycle
active,small,yes,high,out-of-cycle
active,small,yes,very high,out-of-cycle
active,controlled,no,low,scheduled
active,controlled,no,medium,scheduled
active,controlled,no,high,out-of-cycle
active,controlled,no,very high,out-of-cycle
active,controlled,yes,low,out-of-cycle
active,controlled,yes,medium,out-of-cycle
active,controlled,yes,high,out-of-cycle
active,controlled,yes,very high,out-of-cycle
active,open,no,low,scheduled
active,open,no,medium,out-of-cycle
active,open,no,high,out-of-cycle
active,open,no,very high,immediate
active,open,yes,low,out-of-cycle
active,open,yes,medium,out-of-cycle
active,open,yes,high,immediate
active,open,yes,very high,immediate
"""

Inputs = tuple[Exploitation, Exposure, Automatable, HumanImpact]


def _deployer_table() -> dict[Inputs, Priority]:
    table: dict[Inputs, Priority] = {}
    for line in DEPLOYER_TABLE_CSV.splitlines():
        exploitation, exposure, automatable, impact, outcome = line.split(",")
        key = (Exploitation(exploitation.lower()), Exposure(exposure), Automatable(automatable), HumanImpact(impact))
        table[key] = DSOI_TO_CISA[outcome]
    return table


DEPLOYER_TABLE = _deployer_table()


@dataclass(frozen=True, slots=True)
class SsvcDecision:
    """The decision and the path through the tree that led to it."""

    exploitation: Exploitation
    exposure: Exposure
    automatable: Automatable
    human_impact: HumanImpact
    priority: Priority

    @property
    def path(self) -> str:
        """`active → open → yes → very high ⇒ Act`"""
        steps = (self.exploitation.value, self.exposure.value, self.automatable.value, self.human_impact.value)
        return " → ".join(steps) + f" ⇒ {self.priority.label}"


@lru_cache(maxsize=128)
def decide(
    exploitation: Exploitation, exposure: Exposure, automatable: Automatable, human_impact: HumanImpact
) -> SsvcDecision:
    """The deployer tree's outcome for these four decision points. Cached: there are 72."""
    priority = DEPLOYER_TABLE[(exploitation, exposure, automatable, human_impact)]
    return SsvcDecision(exploitation, exposure, automatable, human_impact, priority)


# Decision points from Charter's facts -----------------------------------------------------------


def exploitation_of(in_kev: bool, epss: float | None, epss_threshold: float) -> Exploitation:
    if in_kev:
        return Exploitation.ACTIVE
    if epss is not None and epss >= epss_threshold:
        return Exploitation.POC
    return Exploitation.NONE


def exposure_of(internet_facing: bool, annotated: str | None) -> Exposure:
    """`internet_facing` wins; else a valid `charter.dev/exposure` value; else controlled."""
    if internet_facing:
        return Exposure.OPEN
    if annotated is not None and annotated.strip().lower() in {item.value for item in Exposure}:
        return Exposure(annotated.strip().lower())
    return Exposure.CONTROLLED


def human_impact_of(tier: int | None, critical_tiers: Sequence[int]) -> HumanImpact:
    """The mapping in the module's docstring."""
    critical = sorted(set(critical_tiers)) or [1]
    if tier is None:
        return HumanImpact.MEDIUM
    if tier <= critical[0]:
        return HumanImpact.VERY_HIGH
    if tier in critical:
        return HumanImpact.HIGH
    if tier <= critical[-1] + 1:
        return HumanImpact.MEDIUM
    return HumanImpact.LOW


@lru_cache(maxsize=8192)
def automatable_of(vector: str | None) -> tuple[Automatable, str | None]:
    """Automatable from the vector, and why the vector could not be read (None when it could)."""
    if vector is None or not vector.strip():
        return Automatable.NO, None
    try:
        parsed = parse_cvss_vector(vector)
    except CvssError as error:
        return Automatable.NO, str(error)
    return (Automatable.YES if parsed.automatable else Automatable.NO), None
