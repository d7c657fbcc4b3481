"""What SSVC and the security report need to know about each component of the catalog: its team,
tier, exposure (`charter.dev/internet-facing`, else `charter.dev/exposure`), human impact (from the
tier) and the repository its code is in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from charter.analysis.component_sources import component_key, repository_name
from charter.analysis.ownership import team_of
from charter.analysis.security.ssvc import Exposure, HumanImpact, exposure_of, human_impact_of
from charter.model.catalog import INTERNET_FACING_ANNOTATION, CatalogEntity
from charter.model.estate import Estate

EXPOSURE_ANNOTATION = "charter.dev/exposure"


@dataclass(frozen=True, slots=True)
class ComponentContext:
    """What SSVC and the report need to know about a component."""

    component: str
    team: str | None
    tier: int | None
    internet_facing: bool
    exposure: Exposure
    human_impact: HumanImpact
    repository: str | None = None


def component_contexts(estate: Estate, critical_tiers: Sequence[int]) -> dict[str, ComponentContext]:
    """Every component of the catalog, by component key."""
    contexts = {}
    for ref, entity in estate.entities.items():
        if ref.kind != "component" or not isinstance(entity, CatalogEntity):
            continue
        annotations = entity.annotations
        facing = str(annotations.get(INTERNET_FACING_ANNOTATION, "")).strip().lower() == "true"
        exposure = annotations.get(EXPOSURE_ANNOTATION)
        key = component_key(ref)
        contexts[key] = ComponentContext(
            key,
            team_of(estate, ref),
            entity.tier,
            facing,
            exposure_of(facing, str(exposure) if exposure is not None else None),
            human_impact_of(entity.tier, critical_tiers),
            repository_name(annotations),
        )
    return contexts
