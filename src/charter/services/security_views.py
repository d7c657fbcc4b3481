"""The security assessment as `charter security`'s view: only the findings the report lists become
views (their details read from the store then, in one batch per list), never one per open finding."""

from __future__ import annotations

from collections.abc import Sequence

from charter.analysis.metrics import Scope
from charter.analysis.security.posture import AssessedFinding, KevExposure, SecurityAssessment
from charter.analysis.security.scope_counts import ScopeCounts
from charter.analysis.security.scorecard_gaps import ScorecardGap
from charter.analysis.security.ssvc import Priority
from charter.model.diagnostics import Diagnostic
from charter.model.finding import SEVERITY_ORDER
from charter.outputs.views import security as view

PRIORITIES = tuple(reversed(Priority))  # Act first


def scope_counts_view(counts: ScopeCounts) -> view.ScopeCounts:
    return view.ScopeCounts(
        scope=counts.scope,
        open=counts.open,
        by_severity={severity: counts.by_severity[severity] for severity in SEVERITY_ORDER},
        by_priority={priority.value: counts.by_priority[priority.value] for priority in PRIORITIES},
        overdue=counts.overdue,
        kev_exposed=counts.kev_exposed,
        excepted=counts.excepted,
    )


def _finding_fields(item: AssessedFinding) -> dict[str, object]:
    finding, status, decision = item.finding, item.remediation, item.decision
    return {
        "key": finding.key,
        "vulnerability_id": finding.vulnerability_id,
        "aliases": list(finding.aliases),
        "package": finding.package,
        "severity": finding.severity,
        "scanner": finding.scanner,
        "component": item.component,
        "owner": item.team,
        "first_seen": finding.first_seen,
        "priority": decision.priority.value,
        "ssvc": view.SsvcPath(
            exploitation=decision.exploitation.value,
            exposure=decision.exposure.value,
            automatable=decision.automatable.value,
            human_impact=decision.human_impact.value,
            path=decision.path,
        ),
        "epss": item.epss,
        "kev": item.kev is not None,
        "sla_days": status.sla_days,
        "sla_rule": status.rule,
        "due": status.due,
        "days_over": status.days_over,
        "exception": status.exception.source if status.exception else None,
        "rule_id": finding.rule_id,
    }


def finding_view(item: AssessedFinding) -> view.AssessedFinding:
    return view.AssessedFinding.model_validate(_finding_fields(item))


def kev_exposure_view(exposure: KevExposure) -> view.KevExposure:
    kev = exposure.assessed.kev
    return view.KevExposure.model_validate(
        {
            **_finding_fields(exposure.assessed),
            "kev_date_added": kev.date_added if kev else None,
            "kev_due_date": kev.due_date if kev else None,
            "known_ransomware": kev.known_ransomware if kev else None,
            "exposed_since": exposure.since,
            "exposed_days": exposure.days,
        }
    )


def scorecard_gap_view(gap: ScorecardGap) -> view.ScorecardGap:
    check = gap.check
    return view.ScorecardGap(
        repository=check.repository,
        check=check.check,
        kind=gap.kind.value,
        score=check.score,
        minimum=gap.minimum,
        reason=check.reason,
        scored_at=check.scored_at,
        components=list(gap.components),
    )


def diagnostic_view(item: Diagnostic) -> view.SecurityDiagnostic:
    return view.SecurityDiagnostic(
        code=item.code, severity=item.severity.value, message=item.message, entity=item.entity
    )


def security_view(
    assessment: SecurityAssessment,
    by: Scope,
    diagnostics: Sequence[Diagnostic],
    trend: Sequence[view.TrendPoint],
    limit: int | None,
) -> view.SecurityReport:
    """The report's view, each list of findings cut to `limit` (None: all). The findings' details
    are read through the store connection the assessment's columns hold: keep it open."""
    exposures = assessment.kev_exposures
    return view.SecurityReport(
        as_of=assessment.as_of,
        by=by.value,
        total=scope_counts_view(assessment.total),
        scopes=[scope_counts_view(counts) for counts in assessment.by(by)],
        most_urgent=[finding_view(item) for item in assessment.most_urgent(limit)],
        overdue_total=assessment.overdue_count,
        overdue=[finding_view(item) for item in assessment.overdue(limit)],
        kev_exposure_total=len(exposures),
        kev_exposure=[kev_exposure_view(item) for item in (exposures if limit is None else exposures[:limit])],
        scorecard_gaps=[scorecard_gap_view(gap) for gap in assessment.gaps.gaps],
        unmapped_repositories=list(assessment.gaps.unmapped_repositories),
        diagnostics=[diagnostic_view(item) for item in diagnostics],
        trend=list(trend),
        limit=limit,
    )
