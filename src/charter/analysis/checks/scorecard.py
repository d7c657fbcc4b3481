"""The scorecard: every Standard scored against the entities it applies to, rolled up per team
(the owning Group) and per system."""

from __future__ import annotations

from dataclasses import dataclass

from charter.analysis.checks.standards import EntityScore, MetricValues, Rollup, rollup, score_standard
from charter.analysis.ownership import system_of, team_of
from charter.model.estate import Estate
from charter.model.kinds import Standard


@dataclass(frozen=True, slots=True)
class StandardScorecard:
    standard: Standard
    scores: list[EntityScore]
    by_team: list[Rollup]
    by_system: list[Rollup]


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
