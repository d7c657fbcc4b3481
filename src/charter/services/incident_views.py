"""The incident report (`analysis.reliability.incidents`) as `charter incidents`'s view model."""

from __future__ import annotations

from charter.analysis.reliability.incidents import (
    GroupMetrics,
    IncidentReport,
    OpenActionItem,
    PostmortemStatus,
    RepeatIncident,
)
from charter.model.incident import Incident
from charter.outputs.views import incidents as view


def _group(group: GroupMetrics) -> view.IncidentGroup:
    return view.IncidentGroup(
        scope=group.scope,
        incidents=group.incidents,
        open_incidents=group.open_incidents,
        by_severity=group.by_severity,
        mtta_p50_seconds=group.mtta_p50,
        mtta_p90_seconds=group.mtta_p90,
        mttr_p50_seconds=group.mttr_p50,
        mttr_p90_seconds=group.mttr_p90,
        seconds_in_severity=group.seconds_in_severity,
        repeats=group.repeats,
        postmortems_needed=group.postmortems_needed,
        postmortems_on_time=group.postmortems_on_time,
        postmortems_overdue=group.postmortems_overdue,
        postmortem_completion=group.postmortem_completion,
        action_items_open=group.action_items_open,
        action_items_overdue=group.action_items_overdue,
        metrics=group.metric_values(),
    )


def _incident(incident: Incident, shares: dict[str, float]) -> view.IncidentSummary:
    return view.IncidentSummary(
        id=incident.id,
        title=incident.title,
        severity=incident.severity,
        services=list(incident.services),
        started=incident.started,
        acknowledged=incident.acknowledged,
        resolved=incident.resolved,
        cause=incident.cause,
        aliases=list(incident.aliases),
        source=incident.extra.get("source", "postmortem"),
        error_budget_shares=shares,
    )


def _repeat(repeat: RepeatIncident) -> view.RepeatIncident:
    return view.RepeatIncident(
        incident=repeat.incident_id,
        repeats=repeat.earlier_id,
        service=repeat.service,
        cause=repeat.cause,
        days_apart=repeat.days_apart,
    )


def _postmortem(status: PostmortemStatus) -> view.Postmortem:
    return view.Postmortem(
        incident=status.incident_id,
        severity=status.severity,
        resolved=status.resolved,
        due=status.due,
        written=status.written,
        state=status.state.value,
    )


def _action_item(entry: OpenActionItem) -> view.ActionItem:
    item = entry.item
    return view.ActionItem(
        incident=entry.incident_id,
        id=item.id,
        title=item.title,
        owner=item.owner,
        due=item.due,
        status=item.status,
        type=item.type,
        overdue_days=entry.overdue_days,
    )


def incidents_view(report: IncidentReport) -> view.IncidentsReport:
    return view.IncidentsReport(
        since=report.since,
        until=report.until,
        by=report.by.value,
        groups=[_group(group) for group in report.groups],
        incidents=[_incident(item, dict(report.budget_shares.get(item.id, {}))) for item in report.incidents],
        repeats=[_repeat(repeat) for repeat in report.repeats],
        postmortems=[_postmortem(status) for status in report.postmortems],
        action_items=[_action_item(entry) for entry in report.action_items],
    )
