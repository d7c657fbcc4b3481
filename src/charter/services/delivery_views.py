"""The delivery report and a deployment's explanation turned into their views, field by field from
the analysis results."""

from __future__ import annotations

from charter.analysis.delivery.explain import DeploymentExplanation
from charter.analysis.delivery.failures import FailureLink
from charter.analysis.delivery.report import DeliveryReport, ScopeMetrics, WeekMetrics
from charter.outputs.views import delivery as view


def _week(week: WeekMetrics) -> view.WeekMetrics:
    return view.WeekMetrics(
        week=week.iso_week,
        week_start=week.week_start,
        partial=week.partial,
        deployments=week.deployments,
        deployment_days=week.deployment_days,
        changes=week.changes,
        lead_time_p50_seconds=week.lead_time_p50,
        lead_time_p90_seconds=week.lead_time_p90,
        failed_deployments=week.failed_deployments,
        change_failure_rate=week.change_failure_rate,
        recovery_time_p50_seconds=week.recovery_time_p50,
        rework_deployments=week.rework_deployments,
        deployment_rework_rate=week.deployment_rework_rate,
    )


def _scope(scope: ScopeMetrics) -> view.ScopeMetrics:
    return view.ScopeMetrics(
        scope=scope.scope,
        deployments=scope.deployments,
        deployment_frequency_per_day=scope.deployment_frequency_per_day,
        deployment_days_per_week=scope.deployment_days_per_week,
        deployment_days_per_month=scope.deployment_days_per_month,
        changes=scope.changes,
        lead_time_p50_seconds=scope.lead_time_p50,
        lead_time_p90_seconds=scope.lead_time_p90,
        failed_deployments=scope.failed_deployments,
        incident_covered_deployments=scope.incident_covered_deployments,
        change_failure_rate=scope.change_failure_rate,
        recovered_deployments=scope.recovered_deployments,
        unrecovered_deployments=scope.unrecovered_deployments,
        recovery_time_p50_seconds=scope.recovery_time_p50,
        recovery_time_p90_seconds=scope.recovery_time_p90,
        rework_deployments=scope.rework_deployments,
        deployment_rework_rate=scope.deployment_rework_rate,
        bands=scope.bands,
        metrics=scope.metric_values(),
        weeks=[_week(week) for week in scope.weeks],
    )


def _failure_link(link: FailureLink) -> view.FailureLink:
    return view.FailureLink(rule=link.rule.value, incident=link.incident_id, by_deployment=link.by_deployment)


def delivery_view(report: DeliveryReport, no_deployments: str | None = None) -> view.DeliveryReport:
    return view.DeliveryReport(
        no_deployments=no_deployments,
        since=report.since,
        until=report.until,
        by=report.by.value,
        dora=report.edition.value,
        scopes=[_scope(scope) for scope in report.scopes],
        environments=[
            view.EnvironmentCount(
                environment=item.environment,
                production=item.production,
                successful=item.successful,
                unsuccessful=item.unsuccessful,
            )
            for item in report.environments
        ],
        failures={
            deployment: [_failure_link(link) for link in links] for deployment, links in sorted(report.failures.items())
        },
        unrecovered=list(report.unrecovered),
        unmatched_incidents=list(report.unmatched_incidents),
        incident_sources=[
            view.IncidentSource(source=item.source, in_period=item.in_period, first=item.first, last=item.last)
            for item in report.incident_sources
        ],
        without_incident_records=list(report.without_incident_records),
    )


def explanation_view(explanation: DeploymentExplanation) -> view.DeploymentExplanation:
    deployment, recovery = explanation.deployment, explanation.recovery
    return view.DeploymentExplanation(
        deployment=view.Deployment(
            id=deployment.id,
            component=deployment.component,
            environment=deployment.environment,
            commit=deployment.commit_sha,
            finished=deployment.finished,
            status=deployment.status.value,
            source=deployment.source,
            rollback_of=deployment.rollback_of,
            hotfix_for=deployment.hotfix_for,
            incident=deployment.incident,
        ),
        counted=explanation.counted,
        rework=explanation.rework,
        shipped=[
            view.ShippedChange(sha=change.sha, lead_start=change.lead_start, lead_time_seconds=change.lead_seconds)
            for change in explanation.shipped
        ],
        failure=[
            view.LinkedIncident(
                rule=item.link.rule.value,
                incident=item.link.incident_id,
                incident_title=item.incident.title if item.incident else None,
                by_deployment=item.link.by_deployment,
            )
            for item in explanation.failure
        ],
        recovery=None
        if recovery is None
        else view.Recovery(
            at=recovery.at,
            seconds=recovery.seconds,
            by_deployment=recovery.by_deployment,
            by_incident=recovery.by_incident,
        ),
    )
