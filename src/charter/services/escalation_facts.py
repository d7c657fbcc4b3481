"""The facts the escalation rules read, gathered from the strategy and the store as the other
reports gather them: incidents (postmortems merged with imports), the security assessment of
`charter security`, the production deployments of the last days and the error budgets (as
`charter slo status` computes them) of the SLOs of the components they deployed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.engine import Connection

from charter.analysis.component_sources import component_key
from charter.analysis.delivery.production import is_production
from charter.analysis.escalations.escalation import DEPLOYMENTS_LOOKBACK, EscalationFacts
from charter.analysis.reliability.slo_status import SloStatus
from charter.analysis.security.posture import SecurityAssessment
from charter.analysis.targets.funding import TargetStatus
from charter.model.delivery import Deployment, DeploymentStatus
from charter.model.errors import UsageError
from charter.services.context import Context
from charter.services.incidents import all_incidents
from charter.services.security import assess
from charter.services.slo_status import slo_statuses
from charter.services.targets import target_statuses
from charter.store.deployments import read_deployments
from charter.store.escalations import has_sli_counts


def gather_facts(context: Context, connection: Connection, as_of: datetime, day: date | None = None) -> EscalationFacts:
    """Everything the rules read at `as_of` (the end of `day`, when one is given: targets are
    evaluated by day). The connection stays open while the facts are used
    (the security assessment reads finding details through it). Error budgets are computed only for
    the SLOs of components deployed to production in the lookback: ESC004 needs both, and a large
    organisation has thousands of SLOs."""
    incidents = tuple(
        incident
        for incident in all_incidents(context, connection)
        if incident.started is None or incident.started <= as_of
    )
    deployed = _production_deployments(context, connection, as_of)
    sli_data = has_sli_counts(connection)
    return EscalationFacts(
        as_of=as_of,
        incidents=incidents,
        security=_security(context, connection, as_of),
        slo_statuses=_budgets_of(context, set(deployed), as_of) if sli_data else (),
        sli_data=sli_data,
        production_deployments=deployed,
        targets=_targets(context, day),
    )


def _targets(context: Context, day: date | None) -> tuple[TargetStatus, ...] | None:
    """Every target evaluated at the end of `day` (None: now) as `charter targets` evaluates it; None
    when the day is before the first snapshot."""
    if context.estate.organization is None or not any(goal.targets for goal in context.estate.organization.spec.goals):
        return ()
    try:
        return tuple(target_statuses(context, day))
    except UsageError:  # before the first snapshot: no data, never a breach
        return None


def _security(context: Context, connection: Connection, as_of: datetime) -> SecurityAssessment | None:
    """The security assessment, or None when the store holds no open finding and no Scorecard result."""
    assessment = assess(context.estate, connection, as_of)
    if not assessment.total.open and not assessment.gaps.gaps and not assessment.gaps.unmapped_repositories:
        return None
    return assessment


def _production_deployments(
    context: Context, connection: Connection, as_of: datetime
) -> dict[str, tuple[Deployment, ...]]:
    """Successful production deployments in the lookback before `as_of`, by component key."""
    patterns = context.policies.production_environments
    found: dict[str, list[Deployment]] = {}
    for deployment in read_deployments(connection, since=as_of - DEPLOYMENTS_LOOKBACK, until=as_of):
        if deployment.status is DeploymentStatus.SUCCESS and is_production(deployment.environment, patterns):
            found.setdefault(deployment.component, []).append(deployment)
    return {component: tuple(items) for component, items in found.items()}


def _budgets_of(context: Context, components: set[str], as_of: datetime) -> tuple[SloStatus, ...]:
    """The error budgets at `as_of` of the SLOs joined to these components (by component key)."""
    names = sorted(name for name, ref in context.estate.slo_components.items() if component_key(ref) in components)
    if not names:
        return ()
    return slo_statuses(context, context.required_store(), as_of, names).statuses
