"""The dashboard's filters: a team, a system and a tier narrow the organisation to the components
they name, and every report is then computed over that part as if it were the whole (its SLOs,
incidents and risks follow their components, and the store's deployments, incidents and findings
of other components are left out). Unknown names are usage errors."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from charter.model.catalog import CatalogEntity
from charter.model.errors import UsageError
from charter.model.estate import Entity, Estate
from charter.model.kinds import Risk
from charter.model.refs import EntityRef
from charter.services.context import Context


@dataclass(frozen=True, slots=True)
class Scope:
    """Which part of the organisation a page or an API call shows; all None: the whole of it."""

    team: str | None = None
    system: str | None = None
    tier: int | None = None

    @property
    def whole(self) -> bool:
        return self.team is None and self.system is None and self.tier is None

    def describe(self) -> str:
        parts = [
            f"team {self.team}" if self.team else "",
            f"system {self.system}" if self.system else "",
            f"tier {self.tier}" if self.tier is not None else "",
        ]
        return ", ".join(part for part in parts if part) or "the whole organisation"


def _resolve(estate: Estate, text: str, kind: str, parameter: str) -> EntityRef:
    ref = estate.resolve(text, default_kind=kind)
    if ref is None or ref.kind != kind:
        raise UsageError(f"{parameter}={text!r}: no {kind} of that name is declared")
    return ref


def components_in_scope(estate: Estate, scope: Scope) -> set[EntityRef]:
    """The components the scope names. UsageError for a team or system that is not declared."""
    team = _resolve(estate, scope.team, "group", "team") if scope.team else None
    system = _resolve(estate, scope.system, "system", "system") if scope.system else None
    chosen: set[EntityRef] = set()
    for ref, entity in estate.entities.items():
        if ref.kind != "component" or not isinstance(entity, CatalogEntity):
            continue
        if team is not None and estate.owner_of(ref) != team:
            continue
        if system is not None and system not in estate.related(ref, "partOf"):
            continue
        if scope.tier is not None and entity.tier != scope.tier:
            continue
        chosen.add(ref)
    return chosen


def scoped_estate(estate: Estate, scope: Scope) -> Estate:
    """The Estate narrowed to the scope's components, with the SLOs, incidents and risks about them
    (a risk that affects no component stays when its owner is the scope's team)."""
    if scope.whole:
        return estate
    kept = components_in_scope(estate, scope)
    names = {ref.name for ref in kept}
    team = estate.resolve(scope.team, default_kind="group") if scope.team else None
    entities: dict[EntityRef, Entity] = {}
    for ref, entity in estate.entities.items():
        if ref.kind == "component" and ref not in kept:
            continue
        if isinstance(entity, Risk) and not _risk_in_scope(estate, entity, kept, team):
            continue
        entities[ref] = entity
    slos = {name: slo for name, slo in estate.slos.items() if estate.slo_components.get(name) in kept}
    incidents = [item for item in estate.incidents if any(service in names for service in item.services)]
    narrowed = Estate.build(
        estate.root,
        estate.organization,
        entities,
        slos,
        estate.decisions,
        incidents,
        estate.radar,
        estate.load_diagnostics,
    )
    return dataclasses.replace(narrowed, commit=estate.commit, inputs=estate.inputs)


def _risk_in_scope(estate: Estate, risk: Risk, kept: set[EntityRef], team: EntityRef | None) -> bool:
    affected = [estate.resolve(text, default_kind="component") for text in risk.spec.affects]
    if any(ref in kept for ref in affected if ref is not None):
        return True
    if not risk.spec.affects and team is not None:
        return estate.resolve(risk.spec.owner or "", default_kind="group") == team
    return False


def scoped_context(context: Context, scope: Scope) -> Context:
    """The context with its Estate narrowed to the scope."""
    if scope.whole:
        return context
    from charter.analysis.component_sources import component_key

    # Deployments and incidents name a component by its key, findings by its full reference.
    chosen = components_in_scope(context.estate, scope)
    keys = frozenset({component_key(ref) for ref in chosen} | {str(ref) for ref in chosen})
    return dataclasses.replace(context, estate=scoped_estate(context.estate, scope), only_components=keys)
