"""ESC003: a team-quarter whose committed work exceeds its available capacity, with no accepted
decision record naming the quarter and the initiatives it defers (the plan's over-commitments,
`analysis/strategy/commitments.py`, which `charter check` reports as CAP006)."""

from __future__ import annotations

from collections.abc import Iterator

from charter.analysis.escalations.codes import CODES
from charter.analysis.escalations.escalation import Escalation, EscalationFacts, Evidence
from charter.analysis.escalations.funding import owner_of_text
from charter.analysis.strategy.commitments import Overcommitment, overcommitments
from charter.model.estate import Estate
from charter.model.kinds import Capacity


def overcommitted_without_tradeoff(estate: Estate, facts: EscalationFacts) -> Iterator[Escalation]:
    """ESC003: one per over-committed team-quarter (of a quarter not yet over) left unanswered."""
    rule = CODES["ESC003"]
    for found in overcommitments(estate, facts.as_of.date()):
        if found.answered:
            continue
        capacity = _capacity_of(estate, found.quarter)
        evidence = [
            Evidence(
                "capacity",
                f"{found.team} {found.quarter}",
                f"{_weeks(found.available)} team-weeks available after the reserve, {_weeks(found.committed)} "
                "committed",
            ),
            *(
                Evidence("initiative", f"initiative:{name}", f"committed to {found.quarter}")
                for name in found.initiatives
            ),
            *(
                Evidence("decision", decision, f"defers {', '.join(found.deferred)}, not enough")
                for decision in found.decisions
            ),
        ]
        yield Escalation(
            rule.code,
            rule.severity,
            f"team-quarter:{found.team}/{found.quarter}",
            f"{found.team} is over-committed in {found.quarter}: {_weeks(found.committed)} team-weeks committed "
            f"against {_weeks(found.available)} available, and no accepted decision records what is deferred",
            owner_of_text(estate, found.team) or f"group:{found.team}",
            tuple(evidence),
            _action(found),
            capacity.ref.short if capacity else f"group:{found.team}",
            capacity.location.at("spec", "teams") if capacity and capacity.location else None,
        )


def _action(found: Overcommitment) -> str:
    still = found.committed - found.deferred_team_weeks - found.available
    return (
        f"Decide what gives: defer at least {_weeks(still)} team-weeks of {found.team}'s {found.quarter} work in an "
        f"accepted decision record (`quarter: {found.quarter}`, `defers: [initiative:NAME]`), move a commitment, "
        "or add capacity."
    )


def _capacity_of(estate: Estate, quarter: str) -> Capacity | None:
    of_quarter = sorted(
        (item for item in estate.capacities if item.spec.quarter == quarter), key=lambda item: str(item.ref)
    )
    return of_quarter[0] if of_quarter else None


def _weeks(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
