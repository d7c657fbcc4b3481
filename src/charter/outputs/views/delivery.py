"""`charter delivery`'s views: the five DORA metrics per scope with their bands and weekly trend,
the deployments to other environments, and the failed deployments with the rules that linked
them; and `--explain`'s view of one deployment. Durations are in seconds, rates are ratios."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ConfigDict, with_config
from pydantic.alias_generators import to_camel
from typing_extensions import TypedDict

from charter.outputs.views.base import IsoDate, IsoDateTime, ReportView, View


@with_config(ConfigDict(alias_generator=to_camel, populate_by_name=True))
class WeekMetrics(TypedDict):
    """One ISO week of a scope's trend; `partial` when the period covers only part of it. A typed
    dict, not a View: a three-year report by team holds tens of thousands of weeks, and a dict is
    built and checked in a fraction of a model's time."""

    week: str  # ISO week, `2026-W40`
    week_start: IsoDate
    partial: bool
    deployments: int
    deployment_days: int
    changes: int
    lead_time_p50_seconds: float | None
    lead_time_p90_seconds: float | None
    failed_deployments: int
    change_failure_rate: float | None
    recovery_time_p50_seconds: float | None
    rework_deployments: int
    deployment_rework_rate: float | None


class ScopeMetrics(View):
    """The five metrics of one scope over the period; `scope` None gathers the components with no
    team or system. Values are None where there is nothing to measure."""

    scope: str | None
    deployments: int
    deployment_frequency_per_day: float
    deployment_days_per_week: float | None
    deployment_days_per_month: float | None
    changes: int
    lead_time_p50_seconds: float | None
    lead_time_p90_seconds: float | None
    failed_deployments: int
    incident_covered_deployments: int  # of components some incident record covers: the failure rate's base
    change_failure_rate: float | None  # None: no incident record covers any of the scope's deployments
    recovered_deployments: int
    unrecovered_deployments: int
    recovery_time_p50_seconds: float | None
    recovery_time_p90_seconds: float | None
    rework_deployments: int
    deployment_rework_rate: float | None
    bands: dict[str, str | None]  # registry metric name → DORA band
    metrics: dict[str, float | None]  # registry metric name → value
    weeks: list[WeekMetrics]


class EnvironmentCount(View):
    """Deployments in the period to one environment; only production's successful ones count."""

    environment: str
    production: bool
    successful: int
    unsuccessful: int


class IncidentSource(View):
    """A source of the incident records change failure rate rests on: `postmortems` or the tool of
    an export; how many of its incidents started in the period, and when its first and last did."""

    source: str
    in_period: int
    first: IsoDateTime | None
    last: IsoDateTime | None


class FailureLink(View):
    """Why a deployment counts as failed: the rule, its incident, its rollback or hotfix."""

    rule: str
    incident: str | None
    by_deployment: str | None


class DeliveryReport(ReportView):
    report: ClassVar[str] = "delivery"

    since: IsoDateTime
    until: IsoDateTime  # excluded: the period is [since, until)
    by: str  # component | team | system | org
    dora: str  # the bands' edition: 2023 | 2024
    scopes: list[ScopeMetrics]
    environments: list[EnvironmentCount]
    failures: dict[str, list[FailureLink]]  # the period's failed deployments → their rules
    unrecovered: list[str]  # the period's failed deployments with no recovery yet
    unmatched_incidents: list[str]  # incidents whose `causedBy` matches no deployment
    incident_sources: list[IncidentSource]
    without_incident_records: list[str]  # components deployed whose change failure rate is no data
    no_deployments: str | None = None  # the period has no deployment DORA counts: why, and what to try


class Deployment(View):
    id: str
    component: str
    environment: str
    commit: str | None
    finished: IsoDateTime
    status: str
    source: str
    rollback_of: str | None
    hotfix_for: str | None
    incident: str | None


class ShippedChange(View):
    sha: str
    lead_start: IsoDateTime
    lead_time_seconds: float


class LinkedIncident(View):
    """A rule that marked the deployment failed, with its incident's title when it is known."""

    rule: str
    incident: str | None
    incident_title: str | None
    by_deployment: str | None


class Recovery(View):
    at: IsoDateTime
    seconds: float
    by_deployment: str | None
    by_incident: str | None


class DeploymentExplanation(ReportView):
    report: ClassVar[str] = "delivery-explain"

    deployment: Deployment
    counted: bool  # successful, to production: DORA counts it
    rework: bool  # made because of an incident
    shipped: list[ShippedChange]  # oldest lead start first
    failure: list[LinkedIncident]
    recovery: Recovery | None
