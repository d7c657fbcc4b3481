"""`charter security`'s application logic: the open findings, KEV entries, EPSS scores and Scorecard
results read from the store, joined with the catalog and policies, assessed by `analysis.security`,
checked by `analysis.governance_security`, with the trend from snapshots; and the metric values
every `charter sync` records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from charter.analysis.checks.governance_security import security_diagnostics
from charter.analysis.checks.suppression import apply_settings
from charter.analysis.metrics import METRICS, Scope
from charter.analysis.security.components import component_contexts
from charter.analysis.security.posture import (
    ScopeCounts,
    SecurityAssessment,
    SecurityFacts,
    SecurityPolicy,
    assess_security,
)
from charter.analysis.security.remediation import finding_exceptions
from charter.model.diagnostics import Diagnostic
from charter.model.finding import Finding
from charter.model.finding_columns import FindingColumns
from charter.model.metric_values import MetricPoint, MetricValue, organization_ref, scope_from_stored
from charter.services.workspace import Workspace
from charter.store.security_facts import (
    CVE_PREFIX,
    read_epss_scores,
    read_finding_cve_facts,
    read_kev_entries,
    read_open_finding_columns,
    read_scorecard_checks,
)
from charter.store.snapshots import read_metric_history

# Organisation-wide metrics shown as the trend, in this order.
TREND_METRICS = (
    "security.findings.open_critical",
    "security.findings.open_high",
    "security.findings.overdue",
    "security.kev_exposed",
    "security.findings.priority_act",
)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    taken_at: datetime
    values: dict[str, float | None]


@dataclass(frozen=True, slots=True)
class SecurityReport:
    assessment: SecurityAssessment
    by: Scope
    diagnostics: tuple[Diagnostic, ...]
    trend: tuple[TrendPoint, ...]


def organization_name(workspace: Workspace) -> str:
    organization = workspace.estate.organization
    return organization.metadata.name if organization else "org"


def security_policy(workspace: Workspace) -> SecurityPolicy:
    policies = workspace.policies
    return SecurityPolicy(
        sla=policies.remediation_sla_days,
        epss_threshold=policies.epss_threshold,
        scorecard_minimum=policies.scorecard_minimum,
        critical_tiers=tuple(policies.critical_tiers),
    )


def assess(workspace: Workspace, connection: Connection, as_of: datetime) -> SecurityAssessment:
    """Every open finding of the store assessed as of `as_of`, with KEV, EPSS and Scorecard facts.
    The findings' details are read through `connection` as the assessment lists them: keep it open
    while the assessment is used."""
    columns = read_open_finding_columns(connection)
    kev, epss = read_finding_cve_facts(connection)
    return _assess(workspace, columns, SecurityFacts(kev, epss, read_scorecard_checks(connection)), as_of)


def assess_findings(
    workspace: Workspace, connection: Connection, findings: FindingColumns | Sequence[Finding], as_of: datetime
) -> SecurityAssessment:
    """The given findings assessed with the store's KEV, EPSS and Scorecard facts: only the CVEs the
    findings name are read."""
    columns = findings if isinstance(findings, FindingColumns) else FindingColumns.of(findings)
    cves = {name for name in columns.vulnerability_ids if name and name.startswith(CVE_PREFIX)}
    facts = SecurityFacts(
        kev=read_kev_entries(connection, cves),
        epss=read_epss_scores(connection, cves),
        scorecard=read_scorecard_checks(connection),
    )
    return _assess(workspace, columns, facts, as_of)


def _assess(workspace: Workspace, columns: FindingColumns, facts: SecurityFacts, as_of: datetime) -> SecurityAssessment:
    estate = workspace.estate
    policy = security_policy(workspace)
    contexts = component_contexts(estate, policy.critical_tiers)
    exceptions = finding_exceptions(estate.decisions.values(), estate.risks)
    return assess_security(columns, facts, contexts, policy, exceptions, as_of)


def security_report(workspace: Workspace, connection: Connection, as_of: datetime, by: Scope) -> SecurityReport:
    assessment = assess(workspace, connection, as_of)
    # `spec.diagnostics` and `charter.dev/ignore` apply as in `charter check`; problems with the
    # suppressions themselves are `charter check`'s to report.
    settled = apply_settings(workspace.estate, security_diagnostics(assessment), as_of.date())
    return SecurityReport(
        assessment,
        by,
        tuple(item for item in settled if item.code.startswith("SEC")),
        tuple(security_trend(connection, organization_name(workspace))),
    )


def security_trend(connection: Connection, organization: str) -> list[TrendPoint]:
    """The organisation's security metrics at every snapshot that recorded any of them, oldest first."""
    histories: dict[str, list[MetricPoint]] = {
        metric: read_metric_history(connection, metric, organization_ref(organization)) for metric in TREND_METRICS
    }
    points: dict[int, TrendPoint] = {}
    for metric, history in histories.items():
        for point in history:
            found = points.setdefault(point.snapshot_id, TrendPoint(point.taken_at, {}))
            found.values[metric] = point.value
    return [points[key] for key in sorted(points, key=lambda key: (points[key].taken_at, key))]


# Snapshot ----------------------------------------------------------------------------------------


def security_metric_values(workspace: Workspace, connection: Connection, as_of: datetime) -> list[MetricValue]:
    """The security metrics `charter sync` records, per component, team and the organisation."""
    assessment = assess(workspace, connection, as_of)
    organization = organization_name(workspace)
    values: list[MetricValue] = []
    for scope in (Scope.COMPONENT, Scope.TEAM, Scope.ORG):
        for counts in _every_scope(assessment, scope):
            if counts.scope is None:
                continue
            reference = {Scope.COMPONENT: f"component:{counts.scope}", Scope.ORG: organization}.get(scope, counts.scope)
            measured = {
                "security.findings.open": counts.open,
                "security.findings.open_critical": counts.by_severity["critical"],
                "security.findings.open_high": counts.by_severity["high"],
                "security.findings.overdue": counts.overdue,
                "security.kev_exposed": counts.kev_exposed,
                "security.findings.priority_act": counts.by_priority["act"],
                "security.findings.priority_attend": counts.by_priority["attend"],
            }
            values += [
                MetricValue(metric, scope_from_stored(scope.value, reference), float(value), METRICS[metric].unit.value)
                for metric, value in measured.items()
            ]
    gaps_by_component: dict[str, int] = {}
    for gap in assessment.gaps.gaps:
        if gap.kind.value == "access-control":
            for component in gap.components:
                gaps_by_component[component] = gaps_by_component.get(component, 0) + 1
    for component in sorted(assessment.contexts):
        values.append(
            MetricValue(
                "security.access_control_gaps",
                scope_from_stored(Scope.COMPONENT.value, f"component:{component}"),
                float(gaps_by_component.get(component, 0)),
                METRICS["security.access_control_gaps"].unit.value,
            )
        )
    return values


def _every_scope(assessment: SecurityAssessment, scope: Scope) -> list[ScopeCounts]:
    """The assessment's counts for the scope, with zeros for components and teams with no open finding."""
    rows = {counts.scope: counts for counts in assessment.by(scope)}
    if scope is Scope.COMPONENT:
        names: set[str | None] = set(assessment.contexts)
    elif scope is Scope.TEAM:
        names = {context.team for context in assessment.contexts.values()}
    else:
        names = set()
    for name in sorted(name for name in names if name is not None and name not in rows):
        rows[name] = ScopeCounts(name)
    return list(rows.values())
