"""Each check of the catalogue judged on one component's facts: not applicable, unknown (no evidence, or
evidence older than its area's time-to-live), or a value from 0 (failed) to 1 (passed) with the evidence
it was read from. Unknown is never a failure: it only lowers the confidence beside the score."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from charter.analysis.assessment.catalogue import CHECKS, AssessmentCheck, Evidence
from charter.analysis.assessment.facts import ComponentFacts
from charter.analysis.assessment.settings import AssessmentWeights
from charter.analysis.delivery.bands import (
    CHANGE_FAILURE_RATE,
    ELITE,
    HIGH,
    LEAD_TIME_P50,
    MEDIUM,
    RECOVERY_TIME_P50,
    band,
    deployment_frequency_band,
)
from charter.analysis.metrics import METRICS, Unit

# A DORA band as a check's value: elite passes, low fails, high and medium earn part.
BAND_VALUES = {ELITE: 1.0, HIGH: 2 / 3, MEDIUM: 1 / 3}


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # a value below 1: the check could raise the score
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True, slots=True)
class CheckResult:
    check: AssessmentCheck
    weight: float
    status: Status
    value: float | None  # 0..1 when judged
    evidence: str
    evidence_at: datetime | None = None

    @property
    def known(self) -> bool:
        return self.status in (Status.PASSED, Status.FAILED)


@dataclass(frozen=True, slots=True)
class Judgement:
    """A judge's answer: a value (None: unknown) or not applicable, and what it read."""

    value: float | None
    evidence: str
    applicable: bool = True


Judge = Callable[[ComponentFacts], Judgement]


def _not_applicable(why: str) -> Judgement:
    return Judgement(None, why, applicable=False)


def _metric(facts: ComponentFacts, name: str, absent: float | None = None) -> float | None:
    """The component's value of a metric; `absent` when the period measured nothing for it (an incident
    count of a component no incident named is 0)."""
    return facts.metrics.get(name, absent)


def _shown(name: str, value: float | None) -> str:
    """`metric = value` in the registry's unit: hours for durations, a percentage for ratios."""
    if value is None:
        return f"{name} has no value"
    unit = METRICS[name].unit
    if unit is Unit.SECONDS:
        return f"{name} = {value / 3600:.1f} h"
    if unit is Unit.RATIO:
        return f"{name} = {value:.1%}"
    return f"{name} = {value:g}"


def _banded(name: str) -> Judge:
    def judge(facts: ComponentFacts) -> Judgement:
        if not facts.deployed:
            return _not_applicable(f"a {facts.component_type or 'component'} is not deployed")
        value = _metric(facts, name)
        if value is None and name == RECOVERY_TIME_P50 and _metric(facts, CHANGE_FAILURE_RATE) == 0:
            return _not_applicable("no deployment failed")
        found = band(name, value)
        if found is None:
            return Judgement(None, _shown(name, value))
        return Judgement(BAND_VALUES.get(found, 0.0), f"{_shown(name, value)}: {found}")

    return judge


def _deployment_frequency(facts: ComponentFacts) -> Judgement:
    if not facts.deployed:
        return _not_applicable(f"a {facts.component_type or 'component'} is not deployed")
    weekly = _metric(facts, "delivery.deployment_days_per_week")
    monthly = _metric(facts, "delivery.deployment_days_per_month")
    found = deployment_frequency_band(weekly, monthly)
    shown = f"median deployment days: {weekly or 0:g} a week, {monthly or 0:g} a month"
    if found is None:
        return Judgement(None, shown)
    return Judgement(BAND_VALUES.get(found, 0.0), f"{shown}: {found}")


def _at_most(name: str, limit: float, absent: float | None = None) -> Judge:
    """Passed while the metric is at most `limit`."""

    def judge(facts: ComponentFacts) -> Judgement:
        value = _metric(facts, name, absent)
        if value is None:
            return Judgement(None, _shown(name, value))
        return Judgement(1.0 if value <= limit else 0.0, _shown(name, value))

    return judge


def _at_least(name: str, limit: float) -> Judge:
    """Passed while the metric is at least `limit`."""

    def judge(facts: ComponentFacts) -> Judgement:
        value = _metric(facts, name)
        if value is None:
            return Judgement(None, _shown(name, value))
        return Judgement(1.0 if value >= limit else 0.0, _shown(name, value))

    return judge


def _slo_defined(facts: ComponentFacts) -> Judgement:
    if not facts.deployed:
        return _not_applicable(f"a {facts.component_type or 'component'} is not deployed")
    return Judgement(1.0 if facts.slos else 0.0, f"SLOs: {', '.join(facts.slos)}" if facts.slos else "no SLO")


def _error_budget(facts: ComponentFacts) -> Judgement:
    if not facts.slos:
        return _not_applicable("no SLO")
    name = "reliability.error_budget_remaining"
    value = _metric(facts, name)
    if value is None:
        return Judgement(None, _shown(name, value))
    return Judgement(1.0 if value > 0 else 0.0, f"{_shown(name, value)} (worst SLO)")


def _postmortems(facts: ComponentFacts) -> Judgement:
    name = "reliability.postmortem_completion"
    value = _metric(facts, name)
    if value is None and Evidence.INCIDENTS in facts.evidence:
        return _not_applicable("no incident needed a postmortem")
    if value is None:
        return Judgement(None, _shown(name, value))
    return Judgement(value, _shown(name, value))


def _owner(facts: ComponentFacts) -> Judgement:
    if facts.owner_is_group:
        return Judgement(1.0, f"owner: {facts.owner}")
    return Judgement(0.0, f"owned by {facts.owner}, not a Group" if facts.owner else "no owner resolves")


def _annotation(value: str | None, key: str) -> Judgement:
    return Judgement(1.0 if value else 0.0, f"{key}: {value}" if value else f"no {key} annotation")


def _standards(facts: ComponentFacts) -> Judgement:
    outcome = facts.standards
    judged = outcome.passed + outcome.failed
    if judged + outcome.unknown == 0:
        return _not_applicable("no standard applies")
    shown = f"{outcome.passed} of {judged} rules passed" + (f", {outcome.unknown} unknown" if outcome.unknown else "")
    if judged == 0:
        return Judgement(None, shown)
    return Judgement(outcome.passed / judged, shown)


JUDGES: dict[str, Judge] = {
    "delivery.deployment-frequency": _deployment_frequency,
    "delivery.lead-time": _banded(LEAD_TIME_P50),
    "delivery.change-failure-rate": _banded(CHANGE_FAILURE_RATE),
    "delivery.recovery-time": _banded(RECOVERY_TIME_P50),
    "reliability.slo-defined": _slo_defined,
    "reliability.error-budget": _error_budget,
    "reliability.no-sev1": _at_most("reliability.incidents.sev1_count", 0, absent=0.0),
    "reliability.no-repeat-incidents": _at_most("reliability.repeat_incidents", 0, absent=0.0),
    "reliability.postmortems": _postmortems,
    "reliability.action-items": _at_most("reliability.action_items_overdue", 0, absent=0.0),
    "security.no-kev-exposed": _at_most("security.kev_exposed", 0),
    "security.no-overdue-findings": _at_most("security.findings.overdue", 0),
    "security.no-open-critical": _at_most("security.findings.open_critical", 0),
    "security.no-act-priority": _at_most("security.findings.priority_act", 0),
    "security.access-control": _at_most("security.access_control_gaps", 0),
    "maintainability.bus-factor": _at_least("code_health.bus_factor", 2),
    "maintainability.knowledge-concentration": _at_most("code_health.knowledge_concentration", 0.5),
    "maintainability.author-turnover": _at_most("code_health.author_turnover", 0.5),
    "readiness.owner": _owner,
    "readiness.on-call": lambda facts: _annotation(facts.on_call, "charter.dev/on-call"),
    "readiness.runbook": lambda facts: _annotation(facts.runbook, "charter.dev/runbook"),
    "readiness.standards": _standards,
}


def evaluate_component(facts: ComponentFacts, weights: AssessmentWeights, as_of: datetime) -> list[CheckResult]:
    """Every check with a positive weight, judged on the component: applicability first, then whether its
    evidence exists and is within its area's time-to-live, then the judge's value."""
    results = []
    for check in CHECKS:
        weight = weights.checks[check.id]
        if weight <= 0:
            continue
        results.append(_evaluated(check, weight, facts, weights, as_of))
    return results


def _evaluated(
    check: AssessmentCheck, weight: float, facts: ComponentFacts, weights: AssessmentWeights, as_of: datetime
) -> CheckResult:
    judgement = JUDGES[check.id](facts)
    if not judgement.applicable:
        return CheckResult(check, weight, Status.NOT_APPLICABLE, None, judgement.evidence)
    evidence_at = None
    if check.evidence is not Evidence.STRATEGY:
        evidence_at = facts.evidence.get(check.evidence)
        if evidence_at is None:
            return CheckResult(check, weight, Status.UNKNOWN, None, f"no {check.evidence.value}")
        ttl = weights.time_to_live.get(check.area) if check.evidence is not Evidence.INCIDENTS else None
        if ttl is not None and as_of - evidence_at > ttl:
            why = f"{check.evidence.value} last {evidence_at.date().isoformat()}, older than {ttl.days} days"
            return CheckResult(check, weight, Status.UNKNOWN, None, why, evidence_at)
    if judgement.value is None:
        return CheckResult(check, weight, Status.UNKNOWN, None, judgement.evidence, evidence_at)
    status = Status.PASSED if judgement.value >= 1 else Status.FAILED
    return CheckResult(check, weight, status, judgement.value, judgement.evidence, evidence_at)
