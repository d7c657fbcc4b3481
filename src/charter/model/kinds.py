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
    kind: str = "Component"
    type: str | list[str] | None = None
    lifecycle: str | list[str] | None = None
    tier: int | list[int] | None = None


class StandardRule(StrictModel):
    id: str
    level: str
    check: str
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")
    description: str = ""


class StandardSpec(StrictModel):
    title: str | None = None
    description: str = ""
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    levels: list[str] = Field(min_length=1)
    rules: list[StandardRule] = Field(default_factory=list)


class Standard(CharterEntity):
    kind: Literal["Standard"]
    spec: StandardSpec


# Risks ----------------------------------------------------------------------------------------

RiskCategory = Literal["reliability", "security", "delivery", "compliance", "vendor", "people"]
Treatment = Literal["mitigate", "accept", "transfer", "avoid"]
RiskStatus = Literal["open", "mitigating", "accepted", "closed"]


class Assessment(StrictModel):
    likelihood: Likelihood
    impact: Impact


class RiskSpec(StrictModel):
    title: str
    description: str = ""
    category: RiskCategory
    owner: str | None = None
    likelihood: Likelihood
    impact: Impact
    treatment: Treatment | None = None
    residual: Assessment | None = None
    target_residual: Assessment | None = None
    status: RiskStatus = "open"
    review_by: date | None = None
    affects: list[str] = Field(default_factory=list)
    mitigated_by: list[str] = Field(default_factory=list)
    # Findings this risk covers, by vulnerability id (CVE, GHSA, ...) or finding key: with treatment
    # `accept`, an exception to their remediation SLA until `reviewBy`.
    findings: list[str] = Field(default_factory=list)

    @property
    def current(self) -> Assessment:
        """Current residual: the recorded one, else the inherent assessment."""
        return self.residual or Assessment(likelihood=self.likelihood, impact=self.impact)


class Risk(CharterEntity):
    kind: Literal["Risk"]
    spec: RiskSpec


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

    team_weeks: TeamWeeks
    remaining_team_weeks: TeamWeeks | None = None  # for work in progress: what is left


class WsjfValue(StrictModel):
    business_value: float = 0
    time_criticality: float = 0
    risk_reduction: float = 0


class Commitment(StrictModel):
    quarter: Quarter


class MigrationPlan(StrictModel):
    rollback_plan: str | None = None
    success_criteria: list[str] = Field(default_factory=list)
    observability: list[str] = Field(default_factory=list)


class InitiativeSpec(StrictModel):
    title: str | None = None
    description: str = ""
    type: InitiativeType
    owner: str | None = None
    estimate: Estimate | None = None
    value: WsjfValue = Field(default_factory=WsjfValue)
    depends_on: list[str] = Field(default_factory=list)
    committed: Commitment | None = None
    due: Quarter | None = None  # the latest quarter it should be delivered in
    status: InitiativeStatus = "proposed"
    mitigates: list[str] = Field(default_factory=list)
    affects: list[str] = Field(default_factory=list)  # components or systems it changes
    goals: list[str] = Field(default_factory=list)  # ids of charter.yaml goals it moves
    migration: MigrationPlan | None = None


class Initiative(CharterEntity):
    kind: Literal["Initiative"]
    spec: InitiativeSpec


class Reserve(StrictModel):
    unplanned: float = Field(default=0.0, ge=0, le=1)


class CapacitySpec(StrictModel):
    quarter: Quarter
    teams: dict[str, float] = Field(default_factory=dict)
    reserve: Reserve = Field(default_factory=Reserve)


class Capacity(CharterEntity):
    kind: Literal["Capacity"]
    spec: CapacitySpec


# Controls -------------------------------------------------------------------------------------

ControlStatus = Literal["implemented", "partial", "planned", "not-applicable"]


class Requirement(StrictModel):
    id: str
    title: str | None = None
    status: ControlStatus = "planned"
    owner: str | None = None
    evidence: list[str] = Field(default_factory=list)
    reason: str | None = None
    review_by: date | None = None
    mitigates: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_applicable_needs_reason(self) -> Requirement:
        if self.status == "not-applicable" and not (self.reason and self.reason.strip()):
            raise ValueError("a requirement that is not-applicable needs a `reason`")
        return self


class OscalSource(StrictModel):
    """Where an obligation's requirement list comes from: an OSCAL profile resolved against its
    imports, or a catalog taken whole; paths relative to the strategy repository. `catalog`, next to
    a profile, stands in for imports whose own href is not in the repository."""

    profile: str | None = None
    catalog: str | None = None

    @model_validator(mode="after")
    def _names_a_file(self) -> OscalSource:
        if not (self.profile or self.catalog):
            raise ValueError("`oscal` needs a `profile`, a `catalog`, or both")
        return self


class ControlSetSpec(StrictModel):
    obligation: str
    title: str | None = None
    owner: str | None = None
    oscal: OscalSource | None = None
    requirements: list[Requirement] = Field(default_factory=list)


class ControlSet(CharterEntity):
    kind: Literal["ControlSet"]
    spec: ControlSetSpec


CHARTER_KINDS: dict[str, type[CharterEntity]] = {
    "standard": Standard,
    "risk": Risk,
    "initiative": Initiative,
    "capacity": Capacity,
    "controlset": ControlSet,
}
