"""`scorecard`: every Standard scored against the entities it applies to, with the latest
snapshot's metric values for the metric rules, and why each rule that is unknown is."""

from __future__ import annotations

from datetime import datetime, timedelta

from charter import __version__
from charter.analysis.checks.scorecard import StandardScorecard, build_scorecards
from charter.analysis.checks.standards import Outcome, Rollup
from charter.analysis.delivery.report import NO_VALUE_BECAUSE
from charter.analysis.metrics import METRICS, Domain
from charter.model.kinds import StandardRule
from charter.model.metric_values import Snapshot
from charter.model.refs import EntityRef
from charter.outputs.views import scorecard as view
from charter.services.context import Context
from charter.services.metric_values import snapshot_metric_values
from charter.services.snapshot import SNAPSHOT_PERIOD, snapshot_values


class UnknownReasons:
    """Why a rule's outcome is unknown for an entity, from what the latest snapshot holds."""

    def __init__(self, snapshot: Snapshot | None, window: str | None = None) -> None:
        self.snapshot = snapshot
        self.recorded = {(item.metric, item.scope) for item in snapshot.values} if snapshot else set()
        self.window = window  # None: the snapshot's own period

    def why(self, rule: StandardRule, entity: EntityRef) -> str:
        if rule.check != "metric":
            return "the check could not be evaluated"
        metric = str(rule.with_.get("metric"))
        if self.snapshot is None:
            return "no snapshot records metrics yet: run `charter sync`"
        taken = self.snapshot.taken_at.date()
        window = self.window or f"in the {SNAPSHOT_PERIOD.days} days before the snapshot of {taken}"
        definition = METRICS.get(metric)
        delivery = definition is not None and definition.domain is Domain.DELIVERY
        if (metric, entity) in self.recorded:  # recorded, with no value
            because = NO_VALUE_BECAUSE.get(metric) if delivery else None
            return f"{because} {window}" if because else f"{metric} has no value {window}"
        if delivery:
            return f"no deployment {window}"
        if self.window is not None:
            return f"no {metric} for it {window}"
        return f"the snapshot of {taken} has no {metric} for it"


def _rollups(items: list[Rollup]) -> list[view.Rollup]:
    return [view.Rollup(group=item.group, total=item.total, at_least=item.at_least) for item in items]


def _card(card: StandardScorecard, reasons: UnknownReasons) -> view.StandardScorecard:
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
                unknown_because={
                    result.rule.id: reasons.why(result.rule, score.entity)
                    for result in score.results
                    if result.outcome is Outcome.UNKNOWN
                },
            )
            for score in card.scores
        ],
        by_team=_rollups(card.by_team),
        by_system=_rollups(card.by_system),
    )


def scorecard_report(context: Context, period: tuple[datetime, datetime] | None = None) -> view.ScorecardReport:
    """Every Standard's scorecard, with rollups per team and system: metric rules read the latest
    snapshot, or, for `period` ([since, until)), the metrics measured over it now (a store needed)."""
    if period is None:
        snapshot = context.store.latest_snapshot() if context.store else None
        reasons = UnknownReasons(snapshot)
    else:
        since, until = period
        measured = tuple(snapshot_values(context, since, until))
        snapshot = Snapshot(id=0, taken_at=until, repo_commit=None, charter_version=__version__, values=measured)
        last_day = (until - timedelta(microseconds=1)).date()
        reasons = UnknownReasons(snapshot, f"from {since.date()} to {last_day}")
    cards = build_scorecards(context.estate, snapshot_metric_values(snapshot))
    return view.ScorecardReport(scorecards=[_card(card, reasons) for card in cards])
