"""What changed over a review period, between the snapshot at its start and the one at its end: metrics
that moved beyond their noise, risks opened, closed and re-levelled, standards levels gained and lost,
initiatives delivered and slipped against what was committed, decisions taken. Pure: the snapshots'
values come in as numbers.

A metric's noise over the period is twice the root mean square of the changes between consecutive
snapshots of its series (the size of an ordinary step, occasional jumps included); a change from
start to end counts when it is larger than that: a drift of several steps the same way counts, one
ordinary step does not. With only two snapshots the one step is the change itself, and every change
counts."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from charter.analysis.checks.scorecard import StandardScorecard
from charter.analysis.metrics import METRICS, Direction
from charter.analysis.ownership import team_of
from charter.model.decision import Decision
from charter.model.estate import Estate
from charter.model.kinds import Initiative
from charter.model.risk_states import RiskState

NOISE_STEPS = 2.0  # a change counts past this many ordinary steps
SCOPE_ORDER = {"org": 0, "team": 1, "system": 2, "component": 3}


@dataclass(frozen=True, slots=True)
class MetricChange:
    metric: str
    scope_kind: str
    scope: str
    unit: str
    before: float
    after: float
    noise: float
    improved: bool


def noise_of(series: Sequence[float]) -> float:
    """Twice the root mean square of the changes between consecutive values (0 with fewer than two
    changes)."""
    steps = [later - earlier for earlier, later in zip(series, series[1:], strict=False)]
    if len(steps) < 2:
        return 0.0
    return NOISE_STEPS * math.sqrt(math.fsum(step * step for step in steps) / len(steps))


def metric_changes(
    series: Mapping[tuple[str, str, str], Sequence[float]], units: Mapping[tuple[str, str, str], str]
) -> list[MetricChange]:
    """For each (metric, scope kind, scope) with a series of values from the period's first snapshot
    to its last (both with a number), the change beyond its noise, improved or regressed by the
    registry's direction; ordered org, team, system, component, then by the size of the change
    relative to the noise. Metrics the registry does not know are left out."""
    changes: list[tuple[float, MetricChange]] = []
    for key, values in series.items():
        metric = METRICS.get(key[0])
        if metric is None or len(values) < 2:
            continue
        before, after = values[0], values[-1]
        noise = noise_of(values)
        moved = abs(after - before)
        if moved == 0 or moved <= noise:
            continue
        higher = after > before
        improved = higher == (metric.direction is Direction.HIGHER_IS_BETTER)
        change = MetricChange(key[0], key[1], key[2], units.get(key, metric.unit.value), before, after, noise, improved)
        changes.append((moved / noise if noise else float("inf"), change))
    changes.sort(key=lambda item: (SCOPE_ORDER.get(item[1].scope_kind, 9), -item[0], item[1].metric, item[1].scope))
    return [change for _, change in changes]


@dataclass(frozen=True, slots=True)
class RiskMoves:
    opened: tuple[str, ...]
    closed: tuple[str, ...]
    level_changes: tuple[tuple[str, str, str], ...]  # (risk, level before, level after)


def risk_moves(before: Mapping[str, RiskState], after: Mapping[str, RiskState]) -> RiskMoves:
    """Risks open at the end that were absent or closed at the start; open at the start and closed or
    gone at the end; open at both with another residual level."""

    def is_open(states: Mapping[str, RiskState], name: str) -> bool:
        return name in states and states[name].status != "closed"

    opened = sorted(name for name in after if is_open(after, name) and not is_open(before, name))
    closed = sorted(name for name in before if is_open(before, name) and not is_open(after, name))
    levels = sorted(
        (name, before[name].level, after[name].level)
        for name in after
        if is_open(after, name) and is_open(before, name) and before[name].level != after[name].level
    )
    return RiskMoves(tuple(opened), tuple(closed), tuple(levels))


@dataclass(frozen=True, slots=True)
class Promise:
    initiative: str
    title: str
    owner: str | None
    committed: str  # the quarter it was committed to at the start
    due_by: date  # the quarter's last day
    status: str  # now
    delivered: bool
    recommitted: str | None  # the quarter it is committed to now, when another


def promises(
    committed_then: Sequence[Initiative], now: Mapping[str, Initiative], quarter_end: Mapping[str, date], until: date
) -> list[Promise]:
    """The initiatives committed at the start to a quarter that ended by the end of the period:
    delivered (done now) or slipped (anything else, dropped included), by quarter then name."""
    found = []
    for initiative in committed_then:
        commitment = initiative.spec.committed
        if commitment is None or quarter_end[commitment.quarter] > until:
            continue
        name = initiative.metadata.name
        current = now.get(name, initiative)
        recommitted = current.spec.committed.quarter if current.spec.committed else None
        found.append(
            Promise(
                initiative=name,
                title=current.spec.title or name,
                owner=current.spec.owner,
                committed=commitment.quarter,
                due_by=quarter_end[commitment.quarter],
                status=current.spec.status,
                delivered=current.spec.status == "done",
                recommitted=recommitted if recommitted != commitment.quarter else None,
            )
        )
    return sorted(found, key=lambda item: (item.due_by, item.initiative))


@dataclass(frozen=True, slots=True)
class LevelMove:
    standard: str
    entity: str
    team: str | None
    before: str | None  # None: not even the standard's first level
    after: str | None
    gained: bool


def level_moves(
    before: Sequence[StandardScorecard], after: Sequence[StandardScorecard], estate: Estate
) -> list[LevelMove]:
    """The entities whose level of a standard differs between two scorecards, gained (higher) or
    lost, by team, standard and entity."""
    then = {(card.standard.ref, score.entity): score.level for card in before for score in card.scores}
    moves = []
    for card in after:
        levels = card.standard.spec.levels
        for score in card.scores:
            key = (card.standard.ref, score.entity)
            if key not in then or then[key] == score.level:
                continue
            earlier = then[key]
            rank_before = levels.index(earlier) if earlier is not None and earlier in levels else -1
            rank_after = levels.index(score.level) if score.level is not None and score.level in levels else -1
            moves.append(
                LevelMove(
                    standard=card.standard.ref.short,
                    entity=score.entity.short,
                    team=team_of(estate, score.entity),
                    before=earlier,
                    after=score.level,
                    gained=rank_after > rank_before,
                )
            )
    return sorted(moves, key=lambda move: (move.team or "", move.standard, move.entity))


def decisions_taken(decisions: Mapping[str, Decision], since: date, until: date) -> list[Decision]:
    """Decision records dated in [since, until], oldest first."""
    taken = [item for item in decisions.values() if item.date is not None and since <= item.date <= until]
    return sorted(taken, key=lambda item: (item.date or since, item.id))
