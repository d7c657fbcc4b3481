"""The security metrics every `charter sync` records: open, critical, high, overdue, KEV-exposed and
Act/Attend findings per component, team and the organisation, and access-control gaps per
component. Components and teams with no open finding are recorded as zero."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from charter.analysis.metrics import METRICS, Scope
from charter.analysis.security.posture import SecurityAssessment
from charter.analysis.security.scope_counts import ScopeCounts
from charter.analysis.security.scorecard_gaps import GapKind
from charter.model.metric_values import MetricValue, organization_ref
from charter.model.refs import EntityRef, parse_ref
from charter.services.context import Context
from charter.services.security import assess

# Each metric recorded per scope, and what of the scope's counts it is.
SCOPE_METRICS = (
    "security.findings.open",
    "security.findings.open_critical",
    "security.findings.open_high",
    "security.findings.overdue",
    "security.kev_exposed",
    "security.findings.priority_act",
    "security.findings.priority_attend",
)
ACCESS_CONTROL_GAPS = "security.access_control_gaps"


def security_metric_values(strategy: Context, connection: Connection, as_of: datetime) -> list[MetricValue]:
    """The security metrics `charter sync` records, per component, team and the organisation."""
    estate = strategy.estate
    assessment = assess(estate, connection, as_of)
    organization = organization_ref(estate.organization.metadata.name if estate.organization else "org")
    values: list[MetricValue] = []
    for scope in (Scope.COMPONENT, Scope.TEAM, Scope.ORG):
        for counts in _every_scope(assessment, scope):
            if counts.scope is None:
                continue
            reference = organization if scope is Scope.ORG else _scope_ref(scope, counts.scope)
            values += [_value(metric, reference, measured) for metric, measured in _measured(counts)]
    gaps_by_component: dict[str, int] = {}
    for gap in assessment.gaps.gaps:
        if gap.kind is GapKind.ACCESS_CONTROL:
            for component in gap.components:
                gaps_by_component[component] = gaps_by_component.get(component, 0) + 1
    for component in sorted(assessment.contexts):
        reference = _scope_ref(Scope.COMPONENT, component)
        values.append(_value(ACCESS_CONTROL_GAPS, reference, gaps_by_component.get(component, 0)))
    return values


def _measured(counts: ScopeCounts) -> zip[tuple[str, int]]:
    return zip(
        SCOPE_METRICS,
        (
            counts.open,
            counts.by_severity["critical"],
            counts.by_severity["high"],
            counts.overdue,
            counts.kev_exposed,
            counts.by_priority["act"],
            counts.by_priority["attend"],
        ),
        strict=True,
    )


def _scope_ref(scope: Scope, name: str) -> EntityRef:
    """A component by its key (`name`, or `namespace/name`), a team by its Group's reference."""
    return parse_ref(name, default_kind="component" if scope is Scope.COMPONENT else "group")


def _value(metric: str, scope: EntityRef, value: int) -> MetricValue:
    return MetricValue(metric, scope, float(value), METRICS[metric].unit.value)


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
