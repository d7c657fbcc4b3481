"""What the roadmap has promised against what the teams have: every team-quarter whose committed work
exceeds its available capacity (Capacity.teams[t] × (1 − reserve.unplanned)), and whether an accepted
decision record answers it (front matter `quarter` naming that quarter and `defers` naming
initiatives whose work brings it back within capacity). `charter check` reports the unanswered ones
(CAP006); the escalations report escalates them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from charter.analysis.strategy.from_estate import NOT_PLANNED, capacity_table, initiative_name, work_by_team
from charter.analysis.strategy.roadmap import quarter_index
from charter.model.base import quarter_end
from charter.model.decision import Decision
from charter.model.estate import Estate

SLACK = 1e-6  # team-weeks: rounding, not over-commitment


@dataclass(frozen=True, slots=True)
class Commitment:
    """An initiative still to do, committed to a quarter, with its work per team."""

    initiative: str
    quarter: str
    work: Mapping[str, float]  # team -> team-weeks still to do


@dataclass(frozen=True, slots=True)
class Overcommitment:
    """A team-quarter whose committed work exceeds its available capacity. `deferred` are the
    initiatives accepted decision records for the quarter defer (those committed to it, with work for
    the team), `decisions` those records' ids; `decision` is the one that answers the
    over-commitment — its deferrals bring the committed work back within capacity — or None."""

    team: str
    quarter: str
    committed: float  # team-weeks committed to the quarter, before any deferral
    available: float  # team-weeks after the reserve
    initiatives: tuple[str, ...]  # the initiatives committed to the quarter with work for the team, by name
    deferred: tuple[str, ...] = ()
    deferred_team_weeks: float = 0.0
    decisions: tuple[str, ...] = ()
    answered: bool = False

    @property
    def excess(self) -> float:
        """Team-weeks over capacity, before any deferral."""
        return self.committed - self.available

    @property
    def decision(self) -> str | None:
        """The decision record that answers it (the first by id when several do together)."""
        return self.decisions[0] if self.answered and self.decisions else None


def commitments(estate: Estate) -> list[Commitment]:
    """Initiatives not done or dropped, committed to a quarter, with positive work, by name."""
    found = []
    for initiative in estate.initiatives:
        spec = initiative.spec
        if spec.status in NOT_PLANNED or spec.committed is None:
            continue
        work = work_by_team(initiative)
        if work:
            found.append(Commitment(initiative_name(initiative), spec.committed.quarter, work))
    return sorted(found, key=lambda item: item.initiative)


def overcommitments(estate: Estate, today: date | None = None) -> list[Overcommitment]:
    """Every over-committed team-quarter of the estate, answered or not, by quarter then team.
    With `today`, quarters that ended before it are left out and expired decisions answer nothing.
    A quarter without any Capacity is not here (`charter check` reports the commitment, CAP005)."""
    table = capacity_table(estate.capacities)
    available = {quarter: table.available(quarter) for quarter in table.teams}
    return find_overcommitments(commitments(estate), available, estate.decisions.values(), today)


def find_overcommitments(
    committed: Iterable[Commitment],
    available: Mapping[str, Mapping[str, float]],
    decisions: Iterable[Decision],
    today: date | None = None,
) -> list[Overcommitment]:
    """The over-committed team-quarters of `committed` against `available` (quarter -> team ->
    team-weeks after the reserve), each with the accepted `decisions` that defer its work."""
    by_team_quarter: dict[tuple[str, str], dict[str, float]] = {}
    for item in committed:
        if item.quarter not in available or (today is not None and quarter_end(item.quarter) < today):
            continue
        for team, weeks in item.work.items():
            by_team_quarter.setdefault((item.quarter, team), {})[item.initiative] = weeks
    deferrals = _deferrals(decisions, today)
    found = []
    for (quarter, team), work in sorted(by_team_quarter.items(), key=lambda pair: (quarter_index(pair[0][0]), pair[0])):
        total = sum(work.values())
        capacity = available[quarter].get(team, 0.0)
        if total <= capacity + SLACK:
            continue
        of_quarter = deferrals.get(quarter, [])
        records = [(decision, [name for name in names if name in work]) for decision, names in of_quarter]
        records = [(decision, names) for decision, names in records if names]
        deferred = sorted({name for _, names in records for name in names})
        deferred_weeks = sum(work[name] for name in deferred)
        found.append(
            Overcommitment(
                team=team,
                quarter=quarter,
                committed=total,
                available=capacity,
                initiatives=tuple(sorted(work)),
                deferred=tuple(deferred),
                deferred_team_weeks=deferred_weeks,
                decisions=tuple(sorted(decision for decision, _ in records)),
                answered=bool(records) and total - deferred_weeks <= capacity + SLACK,
            )
        )
    return found


def _deferrals(decisions: Iterable[Decision], today: date | None) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Quarter -> (decision id, initiatives it defers) of the decisions in force."""
    found: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for decision in decisions:
        if decision.quarter and decision.defers and decision.in_force(today):
            found.setdefault(decision.quarter, []).append((decision.id, decision.defers))
    return found
