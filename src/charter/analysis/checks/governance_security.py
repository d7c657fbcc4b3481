"""Governance rules over security facts (codes SEC001-SEC005). They need the store's findings,
KEV, EPSS and Scorecard results, so `charter security` runs them rather than `charter check`
(which reads the strategy files alone and is cached by their content); `charter security
--fail-on` makes them a gate. Pure: they read a SecurityAssessment."""

from __future__ import annotations

from collections.abc import Iterator

from charter.analysis.security.posture import AssessedFinding, SecurityAssessment
from charter.analysis.security.scorecard_gaps import GapKind
from charter.analysis.security.ssvc import automatable_of
from charter.model.codes import diagnostic
from charter.model.diagnostics import Diagnostic

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
