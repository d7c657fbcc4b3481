"""The facts the escalation rules read, gathered from the strategy and the store as the other
reports gather them: incidents (postmortems merged with imports), the security assessment of
`charter security`, every SLO's error budget of `charter slo status`, and the production
deployments of the components whose budget is spent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from charter.analysis.delivery.production import is_production
from charter.analysis.escalations.escalation import DEPLOYMENTS_LOOKBACK, EscalationFacts
from charter.analysis.reliability.slo_status import SloStatus
from charter.analysis.security.posture import SecurityAssessment
from charter.model.delivery import Deployment, DeploymentStatus
from charter.services.context import Context
from charter.services.incidents import all_incidents
from charter.services.security import assess
from charter.services.slo_status import slo_statuses
from charter.store.deployments import read_deployments


def gather_facts(context: Context, connection: Connection, as_of: datetime) -> EscalationFacts:
    """Everything the rules read at `as_of`. The connection stays open while the facts are used
    (the security assessment reads finding details through it)."""
    store = context.required_store()
    incidents = tuple(
        incident
        for incident in all_incidents(context, connection)
        if incident.started is None or incident.started <= as_of
    )
    statuses: tuple[SloStatus, ...] = ()
    if context.estate.slos:
        statuses = slo_statuses(context, store, as_of, None, incidents).statuses
    return EscalationFacts(
        as_of=as_of,
        incidents=incidents,
        security=_security(context, connection, as_of),
        slo_statuses=statuses,
        production_deployments=_deployments_of_spent_budgets(context, connection, statuses, as_of),
    )


def _security(context: Context, connection: Connection, as_of: datetime) -> SecurityAssessment | None:
    """The security assessment, or None when the store holds no open finding and no Scorecard result."""
    assessment = assess(context.estate, connection, as_of)
    if not assessment.total.open and not assessment.gaps.gaps and not assessment.gaps.unmapped_repositories:
        return None
    return assessment


def _deployments_of_spent_budgets(
    context: Context, connection: Connection, statuses: tuple[SloStatus, ...], as_of: datetime
) -> dict[str, tuple[Deployment, ...]]:
    """Successful production deployments in the lookback before `as_of` of the components with an
    exhausted SLO (only those are read)."""
    components = sorted({status.component for status in statuses if status.exhausted and status.component})
    if not components:
        return {}
    patterns = context.policies.production_environments
    found: dict[str, list[Deployment]] = {}
    for deployment in read_deployments(
        connection, since=as_of - DEPLOYMENTS_LOOKBACK, until=as_of, components=components
    ):
        if deployment.status is DeploymentStatus.SUCCESS and is_production(deployment.environment, patterns):
            found.setdefault(deployment.component, []).append(deployment)
    return {component: tuple(items) for component, items in found.items()}
