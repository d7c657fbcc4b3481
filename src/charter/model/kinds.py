"""Charter's own kinds besides Organization: Standard, Risk, Initiative, Capacity, ControlSet."""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from charter.model.base import Metadata, StrictModel
from charter.model.diagnostics import Location
from charter.model.refs import EntityRef, ref_of

_ROADMAP_QUARTER = re.compile(r"^(\d{4})Q([1-4])$", re.IGNORECASE)


def _roadmap_quarter(value: Any) -> Any:
    """Roadmap quarters are written `2027Q1`; `2027-Q1` and the like are told how to write them."""
    text = str(value).strip()
    found = _ROADMAP_QUARTER.match(text)
    if found is None:
        hint = re.sub(r"^(\d{4})\W*[Qq]\W*([1-4])$", r"\1Q\2", text)
        suggestion = f"; write {hint!r}" if hint != text else ""
        raise ValueError(f"{text!r} is not a quarter like 2027Q1{suggestion}")
    return f"{found.group(1)}Q{found.group(2)}"


Quarter = Annotated[str, BeforeValidator(_roadmap_quarter)]
"""A quarter as the roadmap writes it: `2027Q1`."""

Likelihood = Annotated[int, Field(ge=1, le=5)]
Impact = Annotated[int, Field(ge=1, le=5)]


class CharterEntity(StrictModel):
    """The envelope every Charter kind shares."""

    api_version: Annotated[str, Field(pattern=r"^charter\.dev/v1$")] = Field(description="`charter.dev/v1`.")
    kind: str = Field(description="The kind of the document.")
    metadata: Metadata = Field(description="The entity's name, title, labels, annotations and links.")
    location: SkipJsonSchema[Location | None] = Field(default=None, exclude=True)

    @cached_property
    def ref(self) -> EntityRef:
        return ref_of(self.kind, self.metadata.name, self.metadata.namespace)


# Standards ------------------------------------------------------------------------------------


class AppliesTo(StrictModel):
    """Which entities a Standard scores."""

    kind: str = Field("Component", description="The kind of entity scored.")
    type: str | list[str] | None = Field(None, description="Only entities of this `spec.type` (or these).")
    lifecycle: str | list[str] | None = Field(None, description="Only entities at this lifecycle (or these).")
    tier: int | list[int] | None = Field(None, description="Only components of this tier (or these).")


class StandardRule(StrictModel):
    id: str = Field(description="The rule's id, unique in the standard.")
    level: str = Field(description="The level the rule belongs to (one of `spec.levels`).")
    check: str = Field(description="The check it runs (`charter rules --checks` lists them).")
    with_: dict[str, Any] = Field(default_factory=dict, alias="with", description="The check's arguments.")
    description: str = Field("", description="What the rule asks for.")


class StandardSpec(StrictModel):
    """A Standard: levels, and the rules that score entities at each."""

    title: str | None = Field(None, description="The standard's display name.")
    description: str = Field("", description="What the standard is for.")
    applies_to: AppliesTo = Field(
        default_factory=AppliesTo, description="Which entities it scores (kind, type, lifecycle, tier)."
    )
    levels: list[str] = Field(min_length=1, description="The levels, lowest first; each includes the ones before it.")
    rules: list[StandardRule] = Field(default_factory=list, description="The rules, each at one level.")


class Standard(CharterEntity):
    kind: Literal["Standard"]
    spec: StandardSpec = Field(description="The standard's levels and rules.")


# Risks ----------------------------------------------------------------------------------------

RiskCategory = Literal["reliability", "security", "delivery", "compliance", "vendor", "people"]
Treatment = Literal["mitigate", "accept", "transfer", "avoid"]
RiskStatus = Literal["open", "mitigating", "accepted", "closed"]


class Assessment(StrictModel):
    likelihood: Likelihood = Field(description="Likelihood, 1 (rare) to 5 (almost certain).")
    impact: Impact = Field(description="Impact, 1 (negligible) to 5 (severe).")


class RiskSpec(StrictModel):
    """A risk: its assessments, treatment, owner and review."""

    title: str = Field(description="The risk in a line.")
    description: str = Field("", description="The risk in full.")
    category: RiskCategory = Field(description="The risk's category.")
    owner: str | None = Field(None, description="Who owns it (a user or group reference).")
    likelihood: Likelihood = Field(description="Inherent likelihood, 1 to 5.")
    impact: Impact = Field(description="Inherent impact, 1 to 5.")
    treatment: Treatment | None = Field(None, description="How it is treated.")
    residual: Assessment | None = Field(
        None, description="The current residual assessment, after the mitigations in place (default: the inherent one)."
    )
    target_residual: Assessment | None = Field(None, description="The residual assessment the treatment aims at.")
    status: RiskStatus = Field("open", description="Where the risk stands.")
    review_by: date | None = Field(None, description="The day the risk must be reviewed by.")
    affects: list[str] = Field(default_factory=list, description="The entities it affects (references).")
    mitigated_by: list[str] = Field(default_factory=list, description="The initiatives that mitigate it (references).")
    findings: list[str] = Field(
        default_factory=list,
        description="Findings it covers, by vulnerability id (CVE, GHSA, ...) or finding key: with treatment "
        "`accept`, an exception to their remediation SLA until `reviewBy`.",
    )

    @property
    def current(self) -> Assessment:
        """Current residual: the recorded one, else the inherent assessment."""
        return self.residual or Assessment(likelihood=self.likelihood, impact=self.impact)


class Risk(CharterEntity):
    kind: Literal["Risk"]
    spec: RiskSpec = Field(description="The risk's assessments, treatment, owner and review.")


# Roadmap --------------------------------------------------------------------------------------

InitiativeType = Literal["platform", "migration", "debt", "reliability", "security", "product"]


InitiativeStatus = Literal["proposed", "committed", "in-progress", "done", "dropped"]
NonNegativeWeeks = Annotated[float, Field(ge=0)]


def _not_negative(value: Any) -> Any:
    """One message for a negative amount, rather than one per form a TeamWeeks may take."""
    amounts = value.items() if isinstance(value, dict) else [(None, value)]
    for team, amount in amounts:
        if isinstance(amount, int | float) and not isinstance(amount, bool) and amount < 0:
            where = f" for {team}" if team is not None else ""
            raise ValueError(f"{amount:g} team-weeks{where}: an estimate is zero or more")
    return value


TeamWeeks = Annotated[NonNegativeWeeks | dict[str, NonNegativeWeeks], BeforeValidator(_not_negative)]
"""Team-weeks of work: a number for the owning team, or a mapping team -> team-weeks for shared work."""


class Estimate(StrictModel):
    """The work an initiative takes. A negative amount is a schema error; an initiative estimated at
    zero is left out of the plan and listed as not planned."""

    team_weeks: TeamWeeks = Field(
        description="Team-weeks of work: a number for the owning team, or a map team to team-weeks for shared work."
    )
    remaining_team_weeks: TeamWeeks | None = Field(None, description="For work in progress: what is left.")


class WsjfValue(StrictModel):
    business_value: float = Field(0, description="WSJF business value.")
    time_criticality: float = Field(0, description="WSJF time criticality.")
    risk_reduction: float = Field(0, description="WSJF risk reduction and opportunity enablement.")


class Commitment(StrictModel):
    quarter: Quarter = Field(description="The quarter it is committed to (`2026-Q3`).")


class MigrationPlan(StrictModel):
    rollback_plan: str | None = Field(None, description="How the migration is rolled back.")
    success_criteria: list[str] = Field(default_factory=list, description="How success is told.")
    observability: list[str] = Field(default_factory=list, description="The dashboards or signals that watch it.")


class InitiativeSpec(StrictModel):
    """An initiative of the roadmap: its work, value, dependencies and commitment."""

    title: str | None = Field(None, description="The initiative's display name.")
    description: str = Field("", description="What it does and why.")
    type: InitiativeType = Field(description="What kind of work it is.")
    owner: str | None = Field(None, description="The team that owns it (a group reference).")
    estimate: Estimate | None = Field(None, description="The work it takes.")
    value: WsjfValue = Field(default_factory=WsjfValue, description="Its value for WSJF ordering.")
    depends_on: list[str] = Field(default_factory=list, description="Initiatives that must be done first (references).")
    committed: Commitment | None = Field(None, description="The quarter it is committed to, if any.")
    due: Quarter | None = Field(None, description="The latest quarter it should be delivered in.")
    status: InitiativeStatus = Field("proposed", description="Where it stands.")
    mitigates: list[str] = Field(default_factory=list, description="The risks it mitigates (references).")
    affects: list[str] = Field(default_factory=list, description="The components or systems it changes (references).")
    goals: list[str] = Field(default_factory=list, description="The ids of the charter.yaml goals it moves.")
    migration: MigrationPlan | None = Field(
        None, description="For a migration: rollback plan, success criteria, observability."
    )


class Initiative(CharterEntity):
    kind: Literal["Initiative"]
    spec: InitiativeSpec = Field(description="The initiative's work, value, dependencies and commitment.")


class Reserve(StrictModel):
    unplanned: float = Field(
        default=0.0, ge=0, le=1, description="The share of capacity kept for unplanned work, 0 to 1."
    )


class CapacitySpec(StrictModel):
    """The team-weeks a quarter has."""

    quarter: Quarter = Field(description="The quarter (`2026-Q3`).")
    teams: dict[str, float] = Field(
        default_factory=dict, description="Team-weeks each team has in the quarter, by group reference."
    )
    reserve: Reserve = Field(default_factory=Reserve, description="What is held back from planning.")


class Capacity(CharterEntity):
    kind: Literal["Capacity"]
    spec: CapacitySpec = Field(description="The quarter's team-weeks and reserve.")


# Controls -------------------------------------------------------------------------------------

ControlStatus = Literal["implemented", "partial", "planned", "not-applicable"]


class Requirement(StrictModel):
    id: str = Field(description="The requirement's id in the obligation (a control id).")
    title: str | None = Field(None, description="What it requires.")
    status: ControlStatus = Field("planned", description="How far it is implemented.")
    owner: str | None = Field(None, description="Who owns it (a user or group reference).")
    evidence: list[str] = Field(default_factory=list, description="Where the evidence is (paths or URLs).")
    reason: str | None = Field(None, description="Why it does not apply (required when `not-applicable`).")
    review_by: date | None = Field(None, description="The day it must be reviewed by.")
    mitigates: list[str] = Field(default_factory=list, description="The risks it mitigates (references).")

    @model_validator(mode="after")
    def _not_applicable_needs_reason(self) -> Requirement:
        if self.status == "not-applicable" and not (self.reason and self.reason.strip()):
            raise ValueError("a requirement that is not-applicable needs a `reason`")
        return self


class OscalSource(StrictModel):
    """Where an obligation's requirement list comes from: an OSCAL profile resolved against its
    imports, or a catalog taken whole; paths relative to the strategy repository. `catalog`, next to
    a profile, stands in for imports whose own href is not in the repository."""

    profile: str | None = Field(
        None, description="An OSCAL profile, resolved against its imports (a path in the repository)."
    )
    catalog: str | None = Field(
        None, description="An OSCAL catalog, taken whole or standing in for a profile's imports."
    )

    @model_validator(mode="after")
    def _names_a_file(self) -> OscalSource:
        if not (self.profile or self.catalog):
            raise ValueError("`oscal` needs a `profile`, a `catalog`, or both")
        return self


class ControlSetSpec(StrictModel):
    """A compliance obligation and its requirements."""

    obligation: str = Field(description="The obligation's name (`SOC 2`, `ISO 27001`).")
    title: str | None = Field(None, description="A display name.")
    owner: str | None = Field(None, description="Who owns compliance with it.")
    oscal: OscalSource | None = Field(None, description="Where its requirement list comes from, in OSCAL.")
    requirements: list[Requirement] = Field(default_factory=list, description="The requirements and their status.")


class ControlSet(CharterEntity):
    kind: Literal["ControlSet"]
    spec: ControlSetSpec = Field(description="The obligation and its requirements.")


CHARTER_KINDS: dict[str, type[CharterEntity]] = {
    "standard": Standard,
    "risk": Risk,
    "initiative": Initiative,
    "capacity": Capacity,
    "controlset": ControlSet,
}
