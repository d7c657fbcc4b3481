"""The OSCAL plan of action and milestones (POA&M) `charter risks --export poam` writes: the parts of
OSCAL 1.1's POA&M model Charter fills, named in JSON as OSCAL names them (kebab-case). Times are
written in UTC with a `Z`, as OSCAL's examples write them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import ConfigDict, Field, PlainSerializer

from charter.outputs.views.base import View


def _oscal_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


OscalDateTime = Annotated[datetime, PlainSerializer(_oscal_time, return_type=str)]


class OscalView(View):
    """A part of an OSCAL document: kebab-case names in JSON."""

    model_config = ConfigDict(alias_generator=lambda name: name.replace("_", "-"))


class Property(OscalView):
    name: str
    ns: str
    value: str


class MitigatingFactor(OscalView):
    uuid: str
    description: str


class RelatedObservation(OscalView):
    observation_uuid: str


class RelatedRisk(OscalView):
    risk_uuid: str


class Observation(OscalView):
    uuid: str
    title: str
    description: str
    props: list[Property]
    methods: list[str]
    types: list[str]
    collected: OscalDateTime


class Risk(OscalView):
    uuid: str
    title: str
    description: str
    statement: str
    props: list[Property]
    status: str  # open, investigating, remediating, deviation-requested, deviation-approved, closed
    deadline: OscalDateTime | None = None
    mitigating_factors: list[MitigatingFactor] | None = None
    related_observations: list[RelatedObservation] | None = None


class PoamItem(OscalView):
    uuid: str
    title: str
    description: str
    props: list[Property] | None = None
    related_observations: list[RelatedObservation] | None = None
    related_risks: list[RelatedRisk]


class Metadata(OscalView):
    title: str
    last_modified: OscalDateTime
    version: str
    oscal_version: str
    props: list[Property]


class SystemId(OscalView):
    identifier_type: str
    id: str


class PlanOfActionAndMilestones(OscalView):
    uuid: str
    metadata: Metadata
    system_id: SystemId
    observations: list[Observation] | None = None
    risks: list[Risk] | None = None
    poam_items: list[PoamItem] = Field(min_length=1)  # OSCAL wants at least one


class PoamDocument(OscalView):
    plan_of_action_and_milestones: PlanOfActionAndMilestones

    def as_data(self) -> Any:
        """The document as JSON-ready data, OSCAL's names, the parts Charter leaves out absent."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
