"""One deployment explained (`charter delivery --explain`): what it shipped, whether DORA counts it,
whether it is rework, the rules and incidents that mark it failed, and what recovered it; from the
same inputs as the report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from charter.analysis.delivery.failures import (
    FailureLink,
    Recovery,
    counted_deployments,
    is_rework,
    link_failures,
)
from charter.analysis.delivery.inputs import DeliveryInputs, DeliveryOptions
from charter.model.delivery import Deployment, ShippedChange
from charter.model.incident import Incident


@dataclass(frozen=True, slots=True)
class LinkedIncident:
    """A rule that marked the deployment failed, with its incident when the incidents have it."""

    link: FailureLink
    incident: Incident | None


@dataclass(frozen=True, slots=True)
class DeploymentExplanation:
    deployment: Deployment
    counted: bool  # successful, to production: DORA counts it
    rework: bool
    shipped: tuple[ShippedChange, ...]  # oldest lead start first
    failure: tuple[LinkedIncident, ...]
    recovery: Recovery | None


def explain_deployment(
    deployment_id: str, inputs: DeliveryInputs, options: DeliveryOptions, shipped: Sequence[ShippedChange]
) -> DeploymentExplanation | None:
    """What one deployment shipped (`shipped`: its changes, as stored) and the rules and incidents
    that mark it failed, from the same inputs as the report. None when no deployment has the id."""
    deployment = next((item for item in inputs.deployments if item.id == deployment_id), None)
    if deployment is None:
        return None
    counted = counted_deployments(inputs.deployments, options.production_patterns)
    failures = link_failures(
        counted, inputs.incidents, inputs.change_shippers, timedelta(hours=options.hotfix_window_hours)
    )
    incidents = {incident.id: incident for incident in inputs.incidents}
    links = failures.links.get(deployment_id, [])
    return DeploymentExplanation(
        deployment,
        any(item.id == deployment_id for item in counted),
        is_rework(deployment),
        tuple(sorted(shipped, key=lambda change: (change.lead_start, change.sha))),
        tuple(LinkedIncident(link, incidents.get(link.incident_id or "")) for link in links),
        failures.recoveries.get(deployment_id),
    )
