"""What the assessment knows of one component: its place (tier, team, system), its metric values over the
period, what the strategy repository says of it, and how recent each kind of evidence is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from charter.analysis.assessment.catalogue import Evidence
from charter.model.refs import EntityRef

# Backstage component types that run in production: delivery and SLO checks apply only to them.
DEPLOYED_TYPES = frozenset({"service", "website"})


@dataclass(frozen=True, slots=True)
class StandardsOutcome:
    """How the component fares against the standards that apply to it: rules passed and failed (unknown
    rule outcomes are in neither)."""

    passed: int = 0
    failed: int = 0
    unknown: int = 0


@dataclass(frozen=True, slots=True)
class ComponentFacts:
    """`metrics`: the component's registry metric values over the period (None: measured, no value;
    absent: not measured). `evidence`: the time of the latest record behind each kind of evidence
    (absent: none at all); the strategy repository is always current and needs no entry."""

    ref: EntityRef
    tier: int | None
    team: str | None
    system: str | None
    component_type: str | None
    owner: str | None  # the owner's reference, as resolved in the catalog
    owner_is_group: bool
    on_call: str | None
    runbook: str | None
    slos: tuple[str, ...]
    standards: StandardsOutcome
    metrics: Mapping[str, float | None] = field(default_factory=dict)
    evidence: Mapping[Evidence, datetime] = field(default_factory=dict)

    @property
    def deployed(self) -> bool:
        return self.component_type in DEPLOYED_TYPES
