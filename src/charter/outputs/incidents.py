"""`charter incidents` renderers: incident metrics per service, team, severity or the organisation,
the repeat incidents, the SEV1/SEV2 postmortems past due, and the open action items with their
owners; as a terminal table, JSON, CSV (metrics) or Markdown."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from rich.console import Console
from rich.table import Table

from charter.analysis.reliability.incidents import (
    GroupMetrics,
    IncidentReport,
    OpenActionItem,
    PostmortemState,
    PostmortemStatus,
    RepeatIncident,
)
from charter.model.incident import SEVERITIES
from charter.outputs.json_text import indented_json
from charter.outputs.markdown import markdown_table
from charter.outputs.reports.durations import duration_text

HEADERS = ["scope", "incidents", *SEVERITIES, "open", "MTTA p50", "MTTA p90", "MTTR p50", "MTTR p90",
           "in SEV1", "in SEV2", "repeats", "postmortems on time", "action items open (overdue)"]  # fmt: skip
NOTE = "MTTA: started -> acknowledged; MTTR: started -> resolved. Action items: every incident's, open now."


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _group_row(group: GroupMetrics) -> list[str]:
    return [
        group.scope,
        str(group.incidents),
        *(str(group.by_severity.get(severity, 0)) for severity in SEVERITIES),
        str(group.open_incidents),
        duration_text(group.mtta_p50),
        duration_text(group.mtta_p90),
        duration_text(group.mttr_p50),
        duration_text(group.mttr_p90),
        duration_text(group.seconds_in_severity.get("SEV1") or None),
        duration_text(group.seconds_in_severity.get("SEV2") or None),
        str(group.repeats),
        f"{_ratio(group.postmortem_completion)} ({group.postmortems_on_time}/{group.postmortems_needed})",
        f"{group.action_items_open} ({group.action_items_overdue})",
    ]


def _title(report: IncidentReport) -> str:
    last_day = (report.until - timedelta(microseconds=1)).date()
    return f"Incidents {report.since.date().isoformat()} to {last_day.isoformat()} by {report.by.value}"


# Data (JSON) -------------------------------------------------------------------------------------


def _group_data(group: GroupMetrics) -> dict[str, Any]:
    return {
        "scope": group.scope,
        "incidents": group.incidents,
        "openIncidents": group.open_incidents,
        "bySeverity": group.by_severity,
        "mttaP50Seconds": group.mtta_p50,
        "mttaP90Seconds": group.mtta_p90,
        "mttrP50Seconds": group.mttr_p50,
        "mttrP90Seconds": group.mttr_p90,
        "secondsInSeverity": group.seconds_in_severity,
        "repeats": group.repeats,
        "postmortemsNeeded": group.postmortems_needed,
        "postmortemsOnTime": group.postmortems_on_time,
        "postmortemsOverdue": group.postmortems_overdue,
        "postmortemCompletion": group.postmortem_completion,
        "actionItemsOpen": group.action_items_open,
        "actionItemsOverdue": group.action_items_overdue,
        "metrics": group.metric_values(),
    }


def _repeat_data(repeat: RepeatIncident) -> dict[str, Any]:
    return {
        "incident": repeat.incident_id,
        "repeats": repeat.earlier_id,
        "service": repeat.service,
        "cause": repeat.cause,
        "daysApart": repeat.days_apart,
    }


def _postmortem_data(status: PostmortemStatus) -> dict[str, Any]:
    return {
        "incident": status.incident_id,
        "severity": status.severity,
        "resolved": status.resolved.isoformat() if status.resolved else None,
        "due": status.due.isoformat() if status.due else None,
        "written": status.written.isoformat() if status.written else None,
        "state": status.state.value,
    }


def _action_data(entry: OpenActionItem) -> dict[str, Any]:
    item = entry.item
    return {
        "incident": entry.incident_id,
        "id": item.id,
        "title": item.title,
        "owner": item.owner,
        "due": item.due.isoformat() if item.due else None,
        "status": item.status,
        "type": item.type,
        "overdueDays": entry.overdue_days,
    }


def incidents_as_data(report: IncidentReport) -> dict[str, Any]:
    return {
        "since": report.since.isoformat(),
        "until": report.until.isoformat(),
        "by": report.by.value,
        "groups": [_group_data(group) for group in report.groups],
        "incidents": [
            {
                "id": incident.id,
                "title": incident.title,
                "severity": incident.severity,
                "services": list(incident.services),
                "started": incident.started.isoformat() if incident.started else None,
                "acknowledged": incident.acknowledged.isoformat() if incident.acknowledged else None,
                "resolved": incident.resolved.isoformat() if incident.resolved else None,
                "cause": incident.cause,
                "aliases": list(incident.aliases),
                "source": incident.extra.get("source", "postmortem"),
                "errorBudgetShares": dict(report.budget_shares.get(incident.id, {})),
            }
            for incident in report.incidents
        ],
        "repeats": [_repeat_data(repeat) for repeat in report.repeats],
        "postmortems": [_postmortem_data(status) for status in report.postmortems],
        "actionItems": [_action_data(entry) for entry in report.action_items],
    }


def render_json(report: IncidentReport) -> str:
    return indented_json(incidents_as_data(report))


def render_csv(report: IncidentReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["scope", "metric", "value"])
    for group in report.groups:
        for metric, value in group.metric_values().items():
            writer.writerow([group.scope, metric, "" if value is None else value])
    return buffer.getvalue()


# Tables ------------------------------------------------------------------------------------------

REPEAT_HEADERS = ["incident", "repeats", "service", "cause", "days apart"]
POSTMORTEM_HEADERS = ["incident", "severity", "resolved", "due", "state"]
ACTION_HEADERS = ["incident", "action item", "owner", "due", "status", "overdue"]
BUDGET_HEADERS = ["incident", "severity", "SLO", "error budget used"]


def _repeat_rows(report: IncidentReport) -> list[list[str]]:
    return [[item.incident_id, item.earlier_id, item.service, item.cause, f"{item.days_apart:.1f}"]
            for item in report.repeats]  # fmt: skip


def _late_postmortem_rows(report: IncidentReport) -> list[list[str]]:
    late = (PostmortemState.OVERDUE, PostmortemState.LATE)
    return [
        [item.incident_id, item.severity, item.resolved.date().isoformat() if item.resolved else "–",
         item.due.isoformat() if item.due else "–", item.state.value]
        for item in report.postmortems
        if item.state in late
    ]  # fmt: skip


def _action_rows(report: IncidentReport) -> list[list[str]]:
    return [
        [entry.incident_id, f"{entry.item.id}: {entry.item.title}", entry.item.owner or "(no owner)",
         entry.item.due.isoformat() if entry.item.due else "–", entry.item.status,
         f"{entry.overdue_days}d" if entry.overdue else ""]
        for entry in report.action_items
    ]  # fmt: skip


def _budget_rows(report: IncidentReport) -> list[list[str]]:
    severity = {incident.id: incident.severity for incident in report.incidents}
    found = [
        (share, incident, slo) for incident, shares in report.budget_shares.items() for slo, share in shares.items()
    ]
    return [[incident, severity.get(incident, ""), slo, f"{share:.1%}"]
            for share, incident, slo in sorted(found, key=lambda item: (-item[0], item[1], item[2]))]  # fmt: skip


def _sections(report: IncidentReport) -> list[tuple[str, list[str], list[list[str]]]]:
    return [
        ("Error budget used by incidents", BUDGET_HEADERS, _budget_rows(report)),
        ("Repeat incidents", REPEAT_HEADERS, _repeat_rows(report)),
        ("SEV1/SEV2 postmortems past due", POSTMORTEM_HEADERS, _late_postmortem_rows(report)),
        ("Open action items", ACTION_HEADERS, _action_rows(report)),
    ]


def render_table(report: IncidentReport) -> str:
    console = Console(record=True, width=200, file=io.StringIO())
    if not report.groups:
        console.print(
            f"{_title(report)}: no incidents. Write postmortems under incidents/ or import exports "
            "(`charter import incidents`)."
        )
        return console.export_text()
    table = Table(title=_title(report), title_justify="left")
    for header in HEADERS:
        table.add_column(header)
    for group in report.groups:
        table.add_row(*_group_row(group))
    console.print(table)
    for title, headers, rows in _sections(report):
        if not rows:
            continue
        section = Table(title=title, title_justify="left")
        for header in headers:
            section.add_column(header)
        for row in rows:
            section.add_row(*row)
        console.print(section)
    console.print(NOTE)
    return console.export_text()


def render_markdown(report: IncidentReport) -> str:
    lines = [f"# {_title(report)}", ""]
    lines += markdown_table(HEADERS, [_group_row(group) for group in report.groups])
    for title, headers, rows in _sections(report):
        if rows:
            lines += ["", f"## {title}", ""]
            lines += markdown_table(headers, rows)
    lines += ["", NOTE]
    return "\n".join(lines) + "\n"
