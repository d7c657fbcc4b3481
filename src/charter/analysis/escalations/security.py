"""ESC002, material security exposure: a known-exploited finding open on an internet-facing tier-1
component, a critical finding past its SLA, a Scorecard access-control check below the policy
minimum on a tier-1 component's repository, a required control not implemented past its review
date. The findings' parts read the security assessment (the one `charter security` makes); a finding
an accepted decision or risk acceptance excuses is answered."""

from __future__ import annotations

from collections.abc import Iterator

from charter.analysis.escalations.codes import CODES
from charter.analysis.escalations.escalation import Escalation, EscalationFacts, Evidence
from charter.analysis.escalations.funding import owner_of_text
from charter.analysis.security.posture import SecurityAssessment
from charter.analysis.security.scorecard_gaps import GapKind
from charter.model.diagnostics import Location
from charter.model.estate import Estate

TIER_ONE = 1
UNIMPLEMENTED = frozenset({"planned", "partial"})


def security_exposure(estate: Estate, facts: EscalationFacts) -> Iterator[Escalation]:
    """ESC002, every part: the findings' parts when the store holds security facts, the controls always."""
    if facts.security is not None:
        yield from _known_exploited(estate, facts.security)
        yield from _critical_past_sla(estate, facts.security)
        yield from _access_control_gaps(estate, facts.security)
    yield from _controls_past_review(estate, facts)


def _component(estate: Estate, key: str) -> str:
    """A component key of the store (`name`, or `namespace/name`) as its reference."""
    ref = estate.resolve(key, default_kind="component")
    return ref.short if ref is not None else f"component:{key}"


def _known_exploited(estate: Estate, assessment: SecurityAssessment) -> Iterator[Escalation]:
    rule = CODES["ESC002"]
    for exposure in assessment.kev_exposures:
        item = exposure.assessed
        context = assessment.contexts.get(item.component) if item.component else None
        if context is None or context.tier != TIER_ONE or item.kev is None or item.remediation.exception is not None:
            continue
        component = _component(estate, context.component)
        yield Escalation(
            rule.code,
            rule.severity,
            f"{component} kev:{item.kev.cve}",
            f"{item.kev.cve} is known to be exploited and open on internet-facing tier-1 {component}, "
            f"exposed {exposure.days} {'day' if exposure.days == 1 else 'days'}",
            _team(context.team),
            (
                Evidence(
                    "kev", item.kev.cve, f"{item.kev.vendor} {item.kev.product}, in KEV since {item.kev.date_added}"
                ),
                Evidence("finding", item.name, f"SSVC {item.decision.path}"),
            ),
            f"Patch or mitigate {item.kev.cve} on {component} now; if it must stay, record an accepted decision "
            f"naming finding:{item.kev.cve} with an expiry.",
            component,
            _location(estate, component),
        )


def _critical_past_sla(estate: Estate, assessment: SecurityAssessment) -> Iterator[Escalation]:
    rule = CODES["ESC002"]
    for group in assessment.overdue_groups(("critical",)):
        if group.component is None:
            continue  # findings mapped to no component: IMP035's, with nobody to act
        context = assessment.contexts.get(group.component)
        component = _component(estate, group.component)
        worst = group.worst
        yield Escalation(
            rule.code,
            rule.severity,
            f"{component} critical-past-sla",
            f"{group.count} critical {'finding' if group.count == 1 else 'findings'} on {component} past the "
            f"remediation SLA; the oldest, {worst.name}, is {worst.remediation.days_over} days over",
            _team(context.team if context else worst.team),
            (Evidence("finding", worst.name, f"due {worst.remediation.due}, {worst.remediation.days_over} days over"),),
            f"Fix the critical findings of {component}, or record an accepted decision that names each one.",
            component,
            _location(estate, component),
        )


def _access_control_gaps(estate: Estate, assessment: SecurityAssessment) -> Iterator[Escalation]:
    rule = CODES["ESC002"]
    for gap in assessment.gaps.gaps:
        if gap.kind is not GapKind.ACCESS_CONTROL:
            continue
        tier_one = [name for name in gap.components if _tier(assessment, name) == TIER_ONE]
        if not tier_one:
            continue
        first = assessment.contexts[tier_one[0]]
        component = _component(estate, first.component)
        yield Escalation(
            rule.code,
            rule.severity,
            f"repository:{gap.check.repository} scorecard:{gap.check.check}",
            f"Scorecard {gap.check.check} of {gap.check.repository} is {gap.check.score}, below the minimum "
            f"{gap.minimum:g}, and the repository holds tier-1 {', '.join(tier_one)}",
            _team(first.team),
            (
                Evidence(
                    "scorecard",
                    f"{gap.check.repository} {gap.check.check}",
                    f"score {gap.check.score} on {gap.check.scored_at:%Y-%m-%d}: {gap.check.reason}",
                ),
            ),
            f"Raise {gap.check.check} to {gap.minimum:g} on {gap.check.repository}, then import the new result.",
            component,
            _location(estate, component),
        )


def _controls_past_review(estate: Estate, facts: EscalationFacts) -> Iterator[Escalation]:
    rule = CODES["ESC002"]
    today = facts.as_of.date()
    for control_set in sorted(estate.control_sets, key=lambda item: str(item.ref)):
        spec = control_set.spec
        for index, requirement in enumerate(spec.requirements):
            if requirement.status not in UNIMPLEMENTED or requirement.review_by is None:
                continue
            if requirement.review_by >= today:
                continue
            owner = owner_of_text(estate, requirement.owner) or owner_of_text(estate, spec.owner)
            where = control_set.location.at("spec", "requirements", index) if control_set.location else None
            yield Escalation(
                rule.code,
                rule.severity,
                f"control:{spec.obligation}/{requirement.id}",
                f"required control {requirement.id} of {spec.obligation} is {requirement.status}, past its review "
                f"date {requirement.review_by.isoformat()}",
                owner,
                (
                    Evidence(
                        "control",
                        f"{spec.obligation} {requirement.id}",
                        f"{requirement.status}, review by {requirement.review_by.isoformat()}",
                    ),
                ),
                f"Implement {requirement.id} (with evidence), or mark it not-applicable with a reason.",
                control_set.ref.short,
                where,
            )


def _team(team: str | None) -> str | None:
    """The assessment's team as a Group reference."""
    if team is None:
        return None
    return team if ":" in team else f"group:{team}"


def _tier(assessment: SecurityAssessment, component: str) -> int | None:
    context = assessment.contexts.get(component)
    return context.tier if context else None


def _location(estate: Estate, component: str) -> Location | None:
    ref = estate.resolve(component, default_kind="component")
    entity = estate.entities.get(ref) if ref else None
    return entity.location if entity is not None else None
