"""How recent the facts behind `charter assess` are, read as a few grouped queries: the latest successful
deployment per component and environment, the latest day of SLI data per SLO, the latest scan that saw a
finding of each component and the latest scan of each target, the latest OpenSSF Scorecard run per
repository, and when each repository was mined. Every read stops at `until`: the evidence there was at
that moment. Also the component values of the latest snapshot by then, which the assessment scores."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from charter.model.delivery import DeploymentStatus
from charter.model.metric_values import MetricValue, scope_from_stored
from charter.store.schema import (
    deployments,
    finding_scans,
    findings,
    git_repositories,
    incidents,
    metric_values,
    scorecard_checks,
    sli_hourly,
    snapshots,
)


def snapshot_component_values(
    connection: Connection, until: datetime
) -> tuple[int, datetime, list[MetricValue]] | None:
    """The latest snapshot taken at or before `until` (its id and time) with its values for components,
    but its assessment scores; None when there is no snapshot by then."""
    query = select(snapshots.c.id, snapshots.c.taken_at).where(snapshots.c.taken_at <= until)
    row = connection.execute(query.order_by(snapshots.c.taken_at.desc(), snapshots.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    columns = (metric_values.c.metric, metric_values.c.scope_ref, metric_values.c.value, metric_values.c.unit)
    query = select(*columns).where(
        metric_values.c.snapshot_id == row.id,
        metric_values.c.scope_kind == "component",
        metric_values.c.metric.not_like("assessment.%"),
    )
    values = [
        MetricValue(row.metric, scope_from_stored("component", row.scope_ref), row.value, row.unit)
        for row in connection.execute(query)
    ]
    return row.id, row.taken_at, values


def latest_imported_incident(connection: Connection, until: datetime) -> datetime | None:
    """When the latest imported incident that started by `until` started."""
    query = select(func.max(incidents.c.started)).where(incidents.c.started <= until)
    latest: datetime | None = connection.execute(query).scalar()
    return latest


def latest_deployments(connection: Connection, until: datetime) -> dict[tuple[str, str], datetime]:
    """(component key, environment) → the latest successful deployment finished before `until`."""
    query = (
        select(deployments.c.component, deployments.c.environment, func.max(deployments.c.finished))
        .where(deployments.c.finished < until, deployments.c.status == DeploymentStatus.SUCCESS.value)
        .group_by(deployments.c.component, deployments.c.environment)
    )
    return {(component, environment): finished for component, environment, finished in connection.execute(query)}


def latest_sli_days(connection: Connection, until: date) -> dict[str, date]:
    """SLO name → the latest day up to `until` with SLI data."""
    query = select(sli_hourly.c.slo, func.max(sli_hourly.c.day)).where(sli_hourly.c.day <= until)
    return dict(connection.execute(query.group_by(sli_hourly.c.slo)).all())


def latest_finding_scans(connection: Connection, until: datetime) -> dict[str, datetime]:
    """Component reference (`component:default/name`) → the latest time a scan saw one of its findings,
    among the findings first seen before `until` (no later than `until`)."""
    query = (
        select(findings.c.component, func.max(findings.c.last_seen))
        .where(findings.c.component.is_not(None), findings.c.first_seen < until)
        .group_by(findings.c.component)
    )
    return {component: min(seen, until) for component, seen in connection.execute(query)}


def latest_scans(connection: Connection, until: datetime) -> dict[str, datetime]:
    """Scan target → the latest scan of it, by any scanner, among the targets first scanned before `until`
    (no later than `until`); a scan that found nothing is here too."""
    query = (
        select(finding_scans.c.target, func.max(finding_scans.c.last_scanned_at))
        .where(finding_scans.c.first_scanned_at < until)
        .group_by(finding_scans.c.target)
    )
    return {target: min(scanned, until) for target, scanned in connection.execute(query)}


def latest_scorecard_runs(connection: Connection, until: datetime) -> dict[str, datetime]:
    """Repository (as Scorecard names it) → its latest Scorecard run before `until`."""
    query = (
        select(scorecard_checks.c.repository, func.max(scorecard_checks.c.scored_at))
        .where(scorecard_checks.c.scored_at < until)
        .group_by(scorecard_checks.c.repository)
    )
    return dict(connection.execute(query).all())


def repositories_mined(connection: Connection) -> dict[str, datetime]:
    """Repository name → when `charter sync` last mined it."""
    query = select(git_repositories.c.name, git_repositories.c.mined_at)
    return dict(connection.execute(query).all())
