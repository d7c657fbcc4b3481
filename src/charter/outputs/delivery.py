"""`charter delivery` renderers: the five DORA metrics per scope with their bands, the weekly trend,
the deployments to other environments, and `--explain` for one deployment; as a terminal table,
JSON, CSV or Markdown."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from rich.console import Console
from rich.table import Table

from charter.analysis.delivery.explain import DeploymentExplanation
from charter.analysis.delivery.report import DeliveryReport, ScopeMetrics, WeekMetrics
from charter.outputs.json_text import indented_json
from charter.outputs.markdown import markdown_table

NO_SCOPE = "(unassigned)"


def duration_text(seconds: float | None) -> str:
    """Seconds as people read lead times: 45m, 5.2h, 3.1d."""
    if seconds is None:
        return "–"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m"
    if seconds < 86400:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _banded(text: str, band: str | None) -> str:
    return f"{text} ({band})" if band else text


# Data (JSON) -------------------------------------------------------------------------------------


def _week_data(week: WeekMetrics) -> dict[str, Any]:
    return {
        "week": week.iso_week,
        "weekStart": week.week_start.isoformat(),
        "partial": week.partial,
        "deployments": week.deployments,
        "deploymentDays": week.deployment_days,
        "changes": week.changes,
        "leadTimeP50Seconds": week.lead_time_p50,
        "leadTimeP90Seconds": week.lead_time_p90,
        "failedDeployments": week.failed_deployments,
        "changeFailureRate": week.change_failure_rate,
        "recoveryTimeP50Seconds": week.recovery_time_p50,
        "reworkDeployments": week.rework_deployments,
        "deploymentReworkRate": week.deployment_rework_rate,
    }


def _scope_data(scope: ScopeMetrics) -> dict[str, Any]:
    return {
        "scope": scope.scope,
        "deployments": scope.deployments,
        "deploymentFrequencyPerDay": scope.deployment_frequency_per_day,
        "deploymentDaysPerWeek": scope.deployment_days_per_week,
        "deploymentDaysPerMonth": scope.deployment_days_per_month,
        "changes": scope.changes,
        "leadTimeP50Seconds": scope.lead_time_p50,
        "leadTimeP90Seconds": scope.lead_time_p90,
        "failedDeployments": scope.failed_deployments,
        "changeFailureRate": scope.change_failure_rate,
        "recoveredDeployments": scope.recovered_deployments,
        "unrecoveredDeployments": scope.unrecovered_deployments,
        "recoveryTimeP50Seconds": scope.recovery_time_p50,
        "recoveryTimeP90Seconds": scope.recovery_time_p90,
        "reworkDeployments": scope.rework_deployments,
        "deploymentReworkRate": scope.deployment_rework_rate,
        "bands": scope.bands,
        "metrics": scope.metric_values(),
        "weeks": [_week_data(week) for week in scope.weeks],
    }


def delivery_as_data(report: DeliveryReport) -> dict[str, Any]:
    return {
        "since": report.since.isoformat(),
        "until": report.until.isoformat(),
        "by": report.by.value,
        "dora": report.edition.value,
        "scopes": [_scope_data(scope) for scope in report.scopes],
        "environments": [
            {
                "environment": item.environment,
                "production": item.production,
                "successful": item.successful,
                "unsuccessful": item.unsuccessful,
            }
            for item in report.environments
        ],
        "failures": {
            deployment: [
                {"rule": link.rule.value, "incident": link.incident_id, "byDeployment": link.by_deployment}
                for link in links
            ]
            for deployment, links in sorted(report.failures.items())
        },
        "unrecovered": list(report.unrecovered),
        "unmatchedIncidents": list(report.unmatched_incidents),
    }


def render_json(report: DeliveryReport) -> str:
    return indented_json(delivery_as_data(report))


# Rows shared by the table, CSV and Markdown --------------------------------------------------------

HEADERS = ["scope", "deploys", "per day", "deploy days/week", "lead time p50", "lead time p90",
           "change failure rate", "recovery p50", "rework rate"]  # fmt: skip


def _scope_row(scope: ScopeMetrics) -> list[str]:
    bands = scope.bands
    return [
        scope.scope or NO_SCOPE,
        str(scope.deployments),
        _number(scope.deployment_frequency_per_day),
        _banded(_number(scope.deployment_days_per_week, 1), bands.get("delivery.deployment_days_per_week")),
        _banded(duration_text(scope.lead_time_p50), bands.get("delivery.lead_time_for_changes.p50")),
        duration_text(scope.lead_time_p90),
        _banded(
            f"{_ratio(scope.change_failure_rate)} ({scope.failed_deployments})",
            bands.get("delivery.change_failure_rate"),
        ),
        _banded(duration_text(scope.recovery_time_p50), bands.get("delivery.failed_deployment_recovery_time.p50")),
        _ratio(scope.deployment_rework_rate),
    ]


TREND_HEADERS = ["week", "deploys", "days", "lead time p50", "change failure rate", "recovery p50", "rework rate"]


def _week_row(week: WeekMetrics) -> list[str]:
    return [
        week.iso_week + (" (partial)" if week.partial else ""),
        str(week.deployments),
        str(week.deployment_days),
        duration_text(week.lead_time_p50),
        _ratio(week.change_failure_rate),
        duration_text(week.recovery_time_p50),
        _ratio(week.deployment_rework_rate),
    ]


def _trend_scope(report: DeliveryReport) -> ScopeMetrics | None:
    """The trend shown under the table: the one scope's, when there is one."""
    return report.scopes[0] if len(report.scopes) == 1 else None


def _title(report: DeliveryReport) -> str:
    last_day = (report.until - timedelta(microseconds=1)).date()
    return (
        f"Delivery {report.since.date().isoformat()} to {last_day.isoformat()} "
        f"by {report.by.value} (bands: DORA {report.edition.value})"
    )


def render_table(report: DeliveryReport) -> str:
    console = Console(record=True, width=160, file=io.StringIO())
    if not report.scopes:
        console.print(
            f"{_title(report)}: no deployments. Import records (`charter import deployments`) or map release "
            "tags (`charter.dev/release-tags`) and run `charter sync`."
        )
        return console.export_text()
    table = Table(title=_title(report), title_justify="left")
    for header in HEADERS:
        table.add_column(header)
    for scope in report.scopes:
        table.add_row(*_scope_row(scope))
    console.print(table)
    trend = _trend_scope(report)
    if trend is not None and trend.weeks:
        weeks = Table(title="Weekly trend", title_justify="left")
        for header in TREND_HEADERS:
            weeks.add_column(header)
        for week in trend.weeks:
            weeks.add_row(*_week_row(week))
        console.print(weeks)
    uncounted = [
        f"{count} {'unsuccessful ' if not successful else ''}to {item.environment}"
        for item in sorted(report.environments, key=lambda item: item.environment)
        for count, successful in ((item.unsuccessful, False), (0 if item.production else item.successful, True))
        if count
    ]
    if uncounted:
        console.print("Deployments not counted in DORA: " + ", ".join(uncounted))
    if report.unrecovered:
        console.print(f"Failed deployments with no recovery yet: {', '.join(report.unrecovered[:10])}")
    if report.unmatched_incidents:
        console.print(f"Incidents whose causedBy matches no deployment: {', '.join(report.unmatched_incidents)}")
    console.print("Deployment rework rate has no DORA band yet.")
    return console.export_text()


def render_csv(report: DeliveryReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["scope", "metric", "value", "band"])
    for scope in report.scopes:
        for metric, value in scope.metric_values().items():
            writer.writerow(
                [scope.scope or NO_SCOPE, metric, "" if value is None else value, scope.bands.get(metric) or ""]
            )
    return buffer.getvalue()


def render_markdown(report: DeliveryReport) -> str:
    lines = [f"# {_title(report)}", ""]
    lines += markdown_table(HEADERS, [_scope_row(scope) for scope in report.scopes])
    trend = _trend_scope(report)
    if trend is not None and trend.weeks:
        lines += ["", "## Weekly trend", ""]
        lines += markdown_table(TREND_HEADERS, [_week_row(week) for week in trend.weeks])
    lines += ["", "Deployment rework rate has no DORA band yet."]
    return "\n".join(lines) + "\n"


# --explain -----------------------------------------------------------------------------------------


def explanation_as_data(explanation: DeploymentExplanation) -> dict[str, Any]:
    deployment = explanation.deployment
    return {
        "deployment": {
            "id": deployment.id,
            "component": deployment.component,
            "environment": deployment.environment,
            "commit": deployment.commit_sha,
            "finished": deployment.finished.isoformat(),
            "status": deployment.status.value,
            "source": deployment.source,
            "rollbackOf": deployment.rollback_of,
            "hotfixFor": deployment.hotfix_for,
            "incident": deployment.incident,
        },
        "counted": explanation.counted,
        "rework": explanation.rework,
        "shipped": [
            {"sha": change.sha, "leadStart": change.lead_start.isoformat(), "leadTimeSeconds": change.lead_seconds}
            for change in explanation.shipped
        ],
        "failure": [
            {
                "rule": item.link.rule.value,
                "incident": item.link.incident_id,
                "incidentTitle": item.incident.title if item.incident else None,
                "byDeployment": item.link.by_deployment,
            }
            for item in explanation.failure
        ],
        "recovery": None
        if explanation.recovery is None
        else {
            "at": explanation.recovery.at.isoformat(),
            "seconds": explanation.recovery.seconds,
            "byDeployment": explanation.recovery.by_deployment,
            "byIncident": explanation.recovery.by_incident,
        },
    }


def render_explanation(explanation: DeploymentExplanation, output_format: str) -> str:
    if output_format == "json":
        return indented_json(explanation_as_data(explanation))
    deployment = explanation.deployment
    console = Console(record=True, width=140, file=io.StringIO())
    console.print(
        f"{deployment.id}: {deployment.component} to {deployment.environment}, commit {deployment.commit_sha or '?'}, "
        f"finished {deployment.finished.isoformat()}, {deployment.status.value}"
        + ("" if explanation.counted else " — not counted in DORA")
        + (" — rework (made because of an incident)" if explanation.rework else "")
    )
    shipped = Table(title=f"Shipped {len(explanation.shipped)} changes", title_justify="left")
    for header in ("commit", "lead time starts", "lead time"):
        shipped.add_column(header)
    for change in explanation.shipped:
        shipped.add_row(change.sha[:12], change.lead_start.isoformat(), duration_text(change.lead_seconds))
    console.print(shipped)
    if explanation.failure:
        failure = Table(title="Counted as failed", title_justify="left")
        for header in ("rule", "incident", "by deployment"):
            failure.add_column(header)
        for item in explanation.failure:
            title = (
                f"{item.link.incident_id}: {item.incident.title}" if item.incident else (item.link.incident_id or "")
            )
            failure.add_row(item.link.rule.value, title, item.link.by_deployment or "")
        console.print(failure)
    else:
        console.print("Not linked to any failure.")
    if explanation.recovery is not None:
        recovery = explanation.recovery
        by = recovery.by_deployment or recovery.by_incident or ""
        console.print(f"Recovered after {duration_text(recovery.seconds)} by {by}")
    return console.export_text()
