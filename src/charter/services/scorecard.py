"""`scorecard`: every Standard scored against the entities it applies to, with the latest
snapshot's metric values for the metric rules."""

from __future__ import annotations

from charter.analysis.checks.scorecard import StandardScorecard, build_scorecards
from charter.analysis.checks.standards import Rollup
from charter.outputs.views import scorecard as view
from charter.services.context import Context
from charter.services.metric_values import latest_metric_values


def _rollups(items: list[Rollup]) -> list[view.Rollup]:
    return [view.Rollup(group=item.group, total=item.total, at_least=item.at_least) for item in items]


def _card(card: StandardScorecard) -> view.StandardScorecard:
    spec = card.standard.spec
    return view.StandardScorecard(
        standard=card.standard.ref.short,
        title=spec.title or card.standard.metadata.name,
        levels=spec.levels,
        rule_levels={rule.id: rule.level for rule in spec.rules},
        entities=[
            view.EntityLevel(
                entity=score.entity.short,
                level=score.level,
                pending=score.pending,
                rules={result.rule.id: result.outcome.value for result in score.results},
                failing=[result.rule.id for result in score.failing],
            )
            for score in card.scores
        ],
        by_team=_rollups(card.by_team),
        by_system=_rollups(card.by_system),
    )


def scorecard_report(context: Context) -> view.ScorecardReport:
    """Every Standard's scorecard, with rollups per team and system."""
    cards = build_scorecards(context.estate, latest_metric_values(context))
    return view.ScorecardReport(scorecards=[_card(card) for card in cards])
