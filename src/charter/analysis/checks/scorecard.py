"""The scorecard: every Standard scored against the entities it applies to, rolled up per team
(the owning Group) and per system."""

from __future__ import annotations

from dataclasses import dataclass

from charter.analysis.checks.standards import EntityScore, MetricValues, Rollup, rollup, score_standard
from charter.model.estate import Estate
from charter.model.kinds import Standard
from charter.model.refs import EntityRef


@dataclass(frozen=True, slots=True)
class StandardScorecard:
    standard: Standard
    scores: list[EntityScore]
    by_team: list[Rollup]
    by_system: list[Rollup]


def team_of(estate: Estate, ref: EntityRef) -> str | None:
    """The owning Group; for an entity owned by a person, that person's first Group."""
    owner = estate.owner_of(ref)
    if owner is None:
        return None
    if owner.kind == "user":
        groups = sorted(estate.related(owner, "memberOf"), key=str)
        return groups[0].short if groups else owner.short
    return owner.short


def system_of(estate: Estate, ref: EntityRef) -> str | None:
    systems = sorted((target for target in estate.related(ref, "partOf") if target.kind == "system"), key=str)
    return systems[0].short if systems else None


def build_scorecards(estate: Estate, metrics: MetricValues) -> list[StandardScorecard]:
    cards = []
    for standard in sorted(estate.standards, key=lambda item: str(item.ref)):
        scores = score_standard(standard, estate, metrics)
        levels = standard.spec.levels
        cards.append(
            StandardScorecard(
                standard,
                scores,
                rollup(scores, levels, lambda ref: team_of(estate, ref)),
                rollup(scores, levels, lambda ref: system_of(estate, ref)),
            )
        )
    return cards
