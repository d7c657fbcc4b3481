"""`charter incidents` laid out: the groups' metrics, then the error budget used by incidents, the
repeat incidents, the SEV1/SEV2 postmortems past due and the open action items (each only when it
has rows), and a note on what the times mean; the CSV one row per group and registry metric."""

from __future__ import annotations

from datetime import timedelta

from charter.model.incident import SEVERITIES
from charter.outputs.document import MARKDOWN, TERMINAL, Block, CsvTable, Document, Paragraph, TableBlock, only
from charter.outputs.reports.durations import duration_text
from charter.outputs.views.incidents import IncidentGroup, IncidentsReport

HEADERS = ["scope", "incidents", *SEVERITIES, "open", "MTTA p50", "MTTA p90", "MTTR p50", "MTTR p90",
           "in SEV1", "in SEV2", "repeats", "postmortems on time", "action items open (overdue)"]  # fmt: skip
DROP_FIRST = ["MTTA p90", "MTTR p90", "in SEV2", "in SEV1", "repeats", "MTTA p50"]  # in a narrow terminal
NOTE = "MTTA: started -> acknowledged; MTTR: started -> resolved. Action items: every incident's, open now."
LATE_STATES = ("overdue", "late")
IMPORT_HINT = "`charter import incidents`"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _group_row(group: IncidentGroup) -> list[str]:
    return [
        group.scope,
        str(group.incidents),
        *(str(group.by_severity.get(severity, 0)) for severity in SEVERITIES),
        str(group.open_incidents),
        duration_text(group.mtta_p50_seconds),
        duration_text(group.mtta_p90_seconds),
        duration_text(group.mttr_p50_seconds),
        duration_text(group.mttr_p90_seconds),
        duration_text(group.seconds_in_severity.get("SEV1") or None),
        duration_text(group.seconds_in_severity.get("SEV2") or None),
        str(group.repeats),
        f"{_ratio(group.postmortem_completion)} ({group.postmortems_on_time}/{group.postmortems_needed})",
        f"{group.action_items_open} ({group.action_items_overdue})",
    ]


def _title(view: IncidentsReport) -> str:
    last_day = (view.until - timedelta(microseconds=1)).date()
    return f"Incidents {view.since.date().isoformat()} to {last_day.isoformat()} by {view.by}"


def _budget_table(view: IncidentsReport) -> TableBlock:
    used = [
        (share, incident.id, slo, incident.severity)
        for incident in view.incidents
        for slo, share in incident.error_budget_shares.items()
    ]
    used.sort(key=lambda item: (-item[0], item[1], item[2]))
    rows = [[incident, severity, slo, f"{share:.1%}"] for share, incident, slo, severity in used]
    headers = ["incident", "severity", "SLO", "error budget used"]
    return TableBlock.of(headers, rows, title="Error budget used by incidents")


def _repeat_table(view: IncidentsReport) -> TableBlock:
    rows = [[item.incident, item.repeats, item.service, item.cause, f"{item.days_apart:.1f}"] for item in view.repeats]
    return TableBlock.of(["incident", "repeats", "service", "cause", "days apart"], rows, title="Repeat incidents")


def _late_postmortem_table(view: IncidentsReport) -> TableBlock:
    rows = [
        [item.incident, item.severity, item.resolved.date().isoformat() if item.resolved else "–",
         item.due.isoformat() if item.due else "–", item.state]
        for item in view.postmortems
        if item.state in LATE_STATES
    ]  # fmt: skip
    headers = ["incident", "severity", "resolved", "due", "state"]
    return TableBlock.of(headers, rows, title="SEV1/SEV2 postmortems past due")


def _action_table(view: IncidentsReport) -> TableBlock:
    rows = [
        [item.incident, f"{item.id}: {item.title}", item.owner or "(no owner)",
         item.due.isoformat() if item.due else "–", item.status, f"{item.overdue_days}d" if item.overdue_days else ""]
        for item in view.action_items
    ]  # fmt: skip
    headers = ["incident", "action item", "owner", "due", "status", "overdue"]
    return TableBlock.of(headers, rows, title="Open action items")


def incidents_document(view: IncidentsReport) -> Document:
    csv = CsvTable(
        ["scope", "metric", "value"],
        [
            [group.scope, metric, "" if value is None else value]
            for group in view.groups
            for metric, value in group.metrics.items()
        ],
    )
    # With no incidents, a terminal shows one line that says where incidents come from.
    shown = None if view.groups else only(MARKDOWN)
    sections = [_budget_table(view), _repeat_table(view), _late_postmortem_table(view), _action_table(view)]
    blocks: list[Block] = [
        TableBlock.of(
            HEADERS,
            [_group_row(group) for group in view.groups],
            DROP_FIRST,
            title=_title(view),
            title_level=1,
            only=shown,
        ),
        *(table for table in sections if table.rows),
        Paragraph(NOTE, only=shown),
    ]
    if not view.groups:
        empty = f"{_title(view)}: no incidents. Write postmortems under incidents/ or import exports ({IMPORT_HINT})."
        blocks.insert(0, Paragraph(empty, only=only(TERMINAL)))
    return Document(blocks, csv, width=200)
