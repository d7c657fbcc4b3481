"""The assessment's checks, as data: each has an id, its area, a title, a default weight, the evidence it
reads (which decides when it is stale) and the fix that raises it; plus the default tier weights and
evidence time-to-live. `README.md` ("Assessment") cites these defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

# Written beside every score: a change to a check, a default or the formula raises it.
METHOD_VERSION = 1
METHOD = f"charter-assessment/{METHOD_VERSION}"


class Area(StrEnum):
    DELIVERY = "delivery"
    RELIABILITY = "reliability"
    SECURITY = "security"
    MAINTAINABILITY = "maintainability"
    READINESS = "readiness"  # operational readiness: ownership, on-call, runbook, standards


class Evidence(StrEnum):
    """What a check reads, and so how old its evidence is: the strategy repository is read now and never
    goes stale; the facts are as old as their latest record (see `facts.ComponentFacts.evidence`)."""

    STRATEGY = "strategy repository"
    DEPLOYMENTS = "deployments"
    SLI = "SLI data"
    INCIDENTS = "incidents"
    SCANS = "scans"
    SCORECARD = "OpenSSF Scorecard"
    GIT = "git history"


@dataclass(frozen=True, slots=True)
class AssessmentCheck:
    id: str
    area: Area
    title: str
    weight: float
    evidence: Evidence
    fix: str


def _check(area: Area, name: str, title: str, weight: float, evidence: Evidence, fix: str) -> AssessmentCheck:
    return AssessmentCheck(f"{area.value}.{name}", area, title, weight, evidence, fix)


_D, _R, _S, _M, _O = Area.DELIVERY, Area.RELIABILITY, Area.SECURITY, Area.MAINTAINABILITY, Area.READINESS

CHECKS: tuple[AssessmentCheck, ...] = (
    _check(_D, "deployment-frequency", "Deployment frequency band (DORA 2023)", 1, Evidence.DEPLOYMENTS,
           "deploy in smaller batches, at least weekly"),
    _check(_D, "lead-time", "Lead time for changes band (DORA 2023)", 1, Evidence.DEPLOYMENTS,
           "shorten the path from commit to production"),
    _check(_D, "change-failure-rate", "Change failure rate band (DORA 2023)", 1, Evidence.DEPLOYMENTS,
           "fewer failed deployments: tests, canaries, smaller changes"),
    _check(_D, "recovery-time", "Failed deployment recovery time band (DORA 2023)", 1, Evidence.DEPLOYMENTS,
           "recover faster from failed deployments: rollbacks, feature flags"),
    _check(_R, "slo-defined", "Has an SLO", 2, Evidence.STRATEGY, "define an SLO under slos/"),
    _check(_R, "error-budget", "Every SLO has error budget left", 3, Evidence.SLI,
           "spend on reliability until the error budget recovers"),
    _check(_R, "no-sev1", "No SEV1 incident in the period", 1, Evidence.INCIDENTS,
           "prevent the causes of SEV1 incidents"),
    _check(_R, "no-repeat-incidents", "No repeated incident", 1, Evidence.INCIDENTS,
           "fund the prevent action items of the repeated incident"),
    _check(_R, "postmortems", "Postmortems completed within policy", 1, Evidence.INCIDENTS,
           "publish the missing postmortems"),
    _check(_R, "action-items", "No overdue action item", 1, Evidence.INCIDENTS, "close the overdue action items"),
    _check(_S, "no-kev-exposed", "No known-exploited finding exposed", 3, Evidence.SCANS,
           "fix the known-exploited findings first"),
    _check(_S, "no-overdue-findings", "No finding past its remediation SLA", 2, Evidence.SCANS,
           "fix the findings past their SLA"),
    _check(_S, "no-open-critical", "No open critical finding", 2, Evidence.SCANS, "fix the critical findings"),
    _check(_S, "no-act-priority", "No finding of SSVC priority Act", 1, Evidence.SCANS,
           "fix the findings SSVC says to act on"),
    _check(_S, "access-control", "Scorecard access-control checks at policy", 2, Evidence.SCORECARD,
           "raise branch protection, code review and token permissions to the policy minimums"),
    _check(_M, "bus-factor", "Bus factor of at least 2", 2, Evidence.GIT,
           "spread knowledge: pairing, reviews by a second author"),
    _check(_M, "knowledge-concentration", "Top author wrote at most half of the recent lines", 1, Evidence.GIT,
           "spread knowledge of the code beyond its top author"),
    _check(_M, "author-turnover", "At most half of last period's authors left", 1, Evidence.GIT,
           "keep the people who know the code, or hand it over deliberately"),
    _check(_O, "owner", "Owned by a team (a Group)", 3, Evidence.STRATEGY, "set spec.owner to a Group"),
    _check(_O, "on-call", "Names an on-call", 2, Evidence.STRATEGY, "add the charter.dev/on-call annotation"),
    _check(_O, "runbook", "Has a runbook", 2, Evidence.STRATEGY, "add the charter.dev/runbook annotation"),
    _check(_O, "standards", "Share of its standards' rules passed", 2, Evidence.STRATEGY,
           "pass the failing rules of `charter scorecard`"),
)  # fmt: skip

CHECKS_BY_ID: dict[str, AssessmentCheck] = {check.id: check for check in CHECKS}

# A component's weight in the roll-ups by its tier: tier 1 counts four times a tier-3 component.
DEFAULT_TIER_WEIGHTS: dict[int, float] = {1: 4.0, 2: 2.0, 3: 1.0}
DEFAULT_UNTIERED_WEIGHT = 1.0

# How old an area's evidence may be before it is unknown. Delivery and code health are measured over the
# snapshot's 90 days; SLI data should arrive daily; scanners run at least monthly.
DEFAULT_TIME_TO_LIVE: dict[Area, timedelta] = {
    Area.DELIVERY: timedelta(days=90),
    Area.RELIABILITY: timedelta(days=7),
    Area.SECURITY: timedelta(days=30),
    Area.MAINTAINABILITY: timedelta(days=90),
}
