"""Every escalation rule run over the Estate and the gathered facts, with what could not be
evaluated said rather than counted: `raise_escalations` is the one call the service makes."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from charter.analysis.escalations.capacity import overcommitted_without_tradeoff
from charter.analysis.escalations.escalation import Escalation, EscalationFacts, EscalationRun, NotEvaluated
from charter.analysis.escalations.governance import (
    critical_without_group,
    migrations_without_safety,
    risks_above_appetite,
)
from charter.analysis.escalations.reliability import budget_exhausted_while_deploying, repeated_incidents
from charter.analysis.escalations.security import security_exposure
from charter.analysis.escalations.targets import targets_off_track_unfunded
from charter.analysis.targets.evaluate import TargetState
from charter.model.estate import Estate
from charter.model.organization import Policies

EscalationRule = Callable[[Estate, EscalationFacts], Iterable[Escalation]]

RULES: tuple[tuple[str, EscalationRule], ...] = (
    ("ESC001", lambda estate, facts: repeated_incidents(estate, facts, _policies(estate))),
    ("ESC002", security_exposure),
    ("ESC003", overcommitted_without_tradeoff),
    ("ESC004", budget_exhausted_while_deploying),
    ("ESC005", risks_above_appetite),
    ("ESC006", migrations_without_safety),
    ("ESC007", critical_without_group),
    ("ESC008", targets_off_track_unfunded),
)


def _policies(estate: Estate) -> Policies:
    return estate.organization.spec.policies if estate.organization else Policies()


def not_evaluated(facts: EscalationFacts) -> list[NotEvaluated]:
    """The rules (or parts) that had no data: they raised nothing, which is not "no breach"."""
    missing = []
    if not facts.incidents:
        missing.append(NotEvaluated("ESC001", "no incidents are known (postmortems or imported)"))
    if facts.security is None:
        missing.append(NotEvaluated("ESC002", "no findings, KEV or Scorecard results in the store; controls only"))
    if not facts.sli_data:
        missing.append(NotEvaluated("ESC004", "no SLO has SLI data in the store"))
    if facts.targets is None:
        missing.append(NotEvaluated("ESC008", "no snapshot by then to evaluate the targets against"))
    elif facts.targets and all(status.status is TargetState.NO_DATA for status in facts.targets):
        missing.append(NotEvaluated("ESC008", "no target has data in the snapshots"))
    return missing


def raise_escalations(
    estate: Estate, facts: EscalationFacts, rules: tuple[tuple[str, EscalationRule], ...] = RULES
) -> EscalationRun:
    """Every escalation the rules raise, ordered by code then subject (one per fingerprint)."""
    found: dict[str, Escalation] = {}
    for _code, rule in rules:
        for escalation in rule(estate, facts):
            found.setdefault(escalation.fingerprint, escalation)
    ordered = sorted(found.values(), key=lambda item: (item.code, item.subject))
    return EscalationRun(tuple(ordered), tuple(not_evaluated(facts)))
