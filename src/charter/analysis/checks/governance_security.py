"""Governance rules over security facts (codes SEC001-SEC005). They need the store's findings,
KEV, EPSS and Scorecard results, so `charter security` runs them rather than `charter check`
(which reads the strategy files alone and is cached by their content); `charter security
--fail-on` makes them a gate. Pure: they read a SecurityAssessment."""

from __future__ import annotations

from collections.abc import Iterator

from charter.analysis.security.posture import AssessedFinding, SecurityAssessment
from charter.analysis.security.scorecard_gaps import GapKind
from charter.analysis.security.ssvc import automatable_of
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Severity

CODES = Codes(
    Rule(
        "SEC001",
        "Known-exploited vulnerability on an internet-facing tier-1 component",
        Severity.ERROR,
        rationale=(
            "A CVE in CISA's KEV catalog is being exploited now; on a critical service open to the internet it is the "
            "first thing an attacker tries."
        ),
        fix=(
            "Patch or mitigate it now; if that cannot be done, record an accepted decision naming `finding:CVE-...` "
            "with an expiry."
        ),
        example="""\
# facts/kev.json names CVE-2021-44228; facts/scans/payments-trivy.json finds it in an image of
# catalog/payments.yaml: tier 1, charter.dev/internet-facing: "true"
""",
    ),
    Rule(
        "SEC002",
        "Critical or high finding past its remediation SLA",
        Severity.ERROR,
        rationale=(
            "Critical and high findings past `policies.remediationSlaDays` are the backlog auditors and attackers "
            "both look at."
        ),
        fix="Fix the finding, or record an accepted decision (or a risk with treatment accept) that names it.",
        example="""\
# facts/scans/payments-trivy.json: a critical finding first seen on 2026-09-01,
# `charter security --as-of 2026-11-01` (policies.remediationSlaDays.critical: 15)
""",
    ),
    Rule(
        "SEC003",
        "Access-control gap on a tier-1 repository",
        Severity.ERROR,
        rationale=(
            "Branch protection, code review and token permissions decide who can change what tier-1 services run."
        ),
        fix="Raise the Scorecard check to `policies.scorecardMinimum`, then import the new result.",
        example="""\
# facts/scorecard/payments.json, for the repository of a tier-1 component
{"repo": {"name": "github.com/acme/payments"},
 "checks": [{"name": "Branch-Protection", "score": 0}]}     # policies.scorecardMinimum: 7
""",
    ),
    Rule(
        "SEC004",
        "CVSS vector does not parse",
        Severity.WARNING,
        rationale="Without a vector Charter cannot tell whether exploitation is automatable; SSVC assumes it is not.",
        fix="Fix the scanner's output, or report the vector to the scanner's maintainers.",
        example="""\
# facts/scans/payments-grype.json
"cvss": [{"vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"}]   # A: is missing
""",
    ),
    Rule(
        "SEC005",
        "Finding exception expired",
        Severity.WARNING,
        rationale=(
            "An accepted decision or risk acceptance that named the finding has expired; the finding counts again."
        ),
        fix="Fix the finding, or renew the decision's `expires` (or the risk's `reviewBy`).",
        example="""\
<!-- decisions/0031-accept-log4j-on-legacy.md -->
---
status: accepted
expires: 2026-06-30       # passed; the finding counts again
findings: [CVE-2021-44228]
---
""",
    ),
)
diagnostic = CODES.diagnostic


TIER_ONE = 1
SLA_SEVERITIES = frozenset({"critical", "high"})


def security_diagnostics(assessment: SecurityAssessment) -> list[Diagnostic]:
    """Every SEC diagnostic of the assessment, in code order."""
    found: list[Diagnostic] = []
    for rule in (
        kev_on_internet_facing_tier_one,
        overdue_critical_or_high,
        access_gaps_on_tier_one,
        unparsed_cvss_vectors,
        expired_exceptions,
    ):
        found.extend(rule(assessment))
    return found


def _entity(component: str | None) -> str | None:
    return f"component:{component}" if component else None


def kev_on_internet_facing_tier_one(assessment: SecurityAssessment) -> Iterator[Diagnostic]:
    """SEC001: one per known-exploited CVE open on an internet-facing tier-1 component."""
    for exposure in assessment.kev_exposures:
        item = exposure.assessed
        context = assessment.contexts.get(item.component) if item.component else None
        if context is None or context.tier != TIER_ONE or item.kev is None:
            continue
        yield diagnostic(
            "SEC001",
            f"{item.kev.cve} ({item.kev.vendor} {item.kev.product}, in KEV since {item.kev.date_added}) is open on "
            f"internet-facing tier-1 component {item.component}, exposed {exposure.days} days "
            f"(SSVC {item.decision.path})",
            entity=_entity(item.component),
        )


def overdue_critical_or_high(assessment: SecurityAssessment) -> Iterator[Diagnostic]:
    """SEC002: one per component with critical or high findings past their SLA, naming the oldest."""
    for group in assessment.overdue_groups(SLA_SEVERITIES):
        worst = group.worst
        owner = f", owned by {worst.team}" if worst.team else ""
        where = f"component {group.component}{owner}" if group.component else "findings mapped to no component"
        yield diagnostic(
            "SEC002",
            f"{where}: {group.count} critical or high {'finding' if group.count == 1 else 'findings'} past the "
            f"remediation SLA; the oldest, {_name(worst)}, is {worst.remediation.days_over} days over "
            f"(due {worst.remediation.due})",
            entity=_entity(group.component),
        )


def access_gaps_on_tier_one(assessment: SecurityAssessment) -> Iterator[Diagnostic]:
    """SEC003: one per access-control check below minimum on a repository holding a tier-1 component."""
    for gap in assessment.gaps.gaps:
        if gap.kind is not GapKind.ACCESS_CONTROL:
            continue
        tier_one = [name for name in gap.components if _tier(assessment, name) == TIER_ONE]
        if not tier_one:
            continue
        yield diagnostic(
            "SEC003",
            f"repository {gap.check.repository}: Scorecard {gap.check.check} is {gap.check.score}, below the "
            f"minimum {gap.minimum:g}, and it holds tier-1 {', '.join(tier_one)}",
            entity=_entity(tier_one[0]),
        )


def unparsed_cvss_vectors(assessment: SecurityAssessment) -> Iterator[Diagnostic]:
    """SEC004: one per distinct vector that does not parse, with how many findings carry it."""
    for vector, count in sorted(assessment.unparsed_vectors.items()):
        _automatable, problem = automatable_of(vector)
        yield diagnostic(
            "SEC004",
            f"CVSS vector {vector!r} of {count} {'finding' if count == 1 else 'findings'} does not parse: {problem}",
        )


def expired_exceptions(assessment: SecurityAssessment) -> Iterator[Diagnostic]:
    """SEC005: one per finding whose only exceptions have expired."""
    for item in assessment.expired_exceptions:
        expired = item.remediation.expired_exception
        if expired is None:
            continue
        yield diagnostic(
            "SEC005",
            f"{_name(item)} on {item.component or 'no component'}: the exception of {expired.source} expired on "
            f"{expired.expires}",
            entity=_entity(item.component),
        )


def _name(item: AssessedFinding) -> str:
    return item.name


def _tier(assessment: SecurityAssessment, component: str) -> int | None:
    context = assessment.contexts.get(component)
    return context.tier if context else None
