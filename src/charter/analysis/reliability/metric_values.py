"""The reliability metrics of the registry as metric values for a snapshot: the incident metrics per
component, team and the organisation, and SLO attainment and error budget left per component, team
and the organisation (the worst SLO of each)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from charter.analysis.component_sources import ComponentScope
from charter.analysis.metrics import METRICS
from charter.analysis.reliability.incidents import (
    NO_SERVICE,
    NO_TEAM,
    IncidentGrouping,
    IncidentOptions,
    incident_report,
)
from charter.analysis.reliability.slo_status import SloStatus
from charter.model.incident import Incident
from charter.model.metric_values import MetricValue, organization_ref
from charter.model.refs import EntityRef, parse_ref

ATTAINMENT_METRIC = "reliability.slo_attainment"
BUDGET_METRIC = "reliability.error_budget_remaining"


def component_scope(key: str) -> EntityRef:
    """A component (or a service an incident tool names) as a scope, from its key (`name`, or
    `namespace/name`)."""
    return parse_ref(f"component:{key}")


def team_scope(team: str) -> EntityRef:
    """A team as a scope, from the reference `ComponentScope.team` holds (`group:payments`)."""
    return parse_ref(team, default_kind="group")


def _value(metric: str, scope: EntityRef, value: float | None) -> MetricValue:
    return MetricValue(metric, scope, value, METRICS[metric].unit.value)


def incident_metric_values(
    incidents: Sequence[Incident], scopes: Mapping[str, ComponentScope], options: IncidentOptions
) -> list[MetricValue]:
    """The registry's incident metrics per component, team and the organisation, over the options'
    period; incidents without a service or a team count only for the organisation."""
    values: list[MetricValue] = []
    for by in (IncidentGrouping.SERVICE, IncidentGrouping.TEAM, IncidentGrouping.ORG):
        report = incident_report(incidents, scopes, dataclasses.replace(options, by=by))
        for group in report.groups:
            if group.scope in (NO_SERVICE, NO_TEAM):
                continue
            if by is IncidentGrouping.SERVICE:
                scope = component_scope(group.scope)
            elif by is IncidentGrouping.TEAM:
                scope = team_scope(group.scope)
            else:
                scope = organization_ref(group.scope)
            values += [_value(metric, scope, value) for metric, value in group.metric_values().items()]
    return values


def slo_metric_values(
    statuses: Iterable[SloStatus], teams: Mapping[str, str | None], organization: str
) -> list[MetricValue]:
    """Attainment and error budget remaining per component, team and the organisation: the worst
    (lowest) of their SLOs', so one failing SLO is not averaged away. `teams` maps component keys
    to their owning team. SLOs without a value are left out."""
    worst: dict[tuple[str, EntityRef], float] = {}
    for status in statuses:
        scopes = [organization_ref(organization)]
        if status.component is not None:
            scopes.append(component_scope(status.component))
            team = teams.get(status.component)
            if team is not None:
                scopes.append(team_scope(team))
        for metric, value in ((ATTAINMENT_METRIC, status.attainment), (BUDGET_METRIC, status.budget_remaining)):
            if value is None:
                continue
            for scope in scopes:
                key = (metric, scope)
                worst[key] = min(value, worst.get(key, value))
    values = [_value(metric, scope, value) for (metric, scope), value in worst.items()]
    return sorted(values, key=lambda item: (item.metric, item.scope_kind, item.scope_ref))
