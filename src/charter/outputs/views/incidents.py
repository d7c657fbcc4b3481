"""`charter incidents`'s view: incident metrics per service, team, severity or the organisation over
a period, the period's incidents, the repeat incidents, the SEV1/SEV2 postmortems and every open
action item with its owner."""

from __future__ import annotations

from typing import ClassVar

from charter.outputs.views.base import IsoDate, IsoDateTime, ReportView, View


class IncidentGroup(View):
    """One group's numbers; durations in seconds, None where no incident had the times."""

    scope: str
    incidents: int
    open_incidents: int
    by_severity: dict[str, int]
    mtta_p50_seconds: float | None
    mtta_p90_seconds: float | None
    mttr_p50_seconds: float | None
    mttr_p90_seconds: float | None
    seconds_in_severity: dict[str, float]  # SEV1 and SEV2
    repeats: int
    postmortems_needed: int
    postmortems_on_time: int
    postmortems_overdue: int
    postmortem_completion: float | None
    action_items_open: int
    action_items_overdue: int
    metrics: dict[str, float | None]  # the same numbers under the metric registry's names


class IncidentSummary(View):
    id: str
    title: str
    severity: str
    services: list[str]
    started: IsoDateTime | None
    acknowledged: IsoDateTime | None
    resolved: IsoDateTime | None
    cause: str | None
    aliases: list[str]
    source: str  # postmortem, or the tool it was imported from
    error_budget_shares: dict[str, float]  # SLO name → share of its error budget used


class RepeatIncident(View):
    incident: str
    repeats: str  # the earlier incident of the same service and cause
    service: str
    cause: str
    days_apart: float


class Postmortem(View):
    incident: str
    severity: str
    resolved: IsoDateTime | None
    due: IsoDate | None
    written: IsoDate | None
    state: str  # on-time | late | overdue | pending | not-required


class ActionItem(View):
    incident: str
    id: str
    title: str
    owner: str | None
    due: IsoDate | None
    status: str
    type: str | None
    overdue_days: int  # 0 when not overdue


class IncidentsReport(ReportView):
    report: ClassVar[str] = "incidents"

    since: IsoDateTime
    until: IsoDateTime  # excluded
    by: str  # service | team | severity | org
    groups: list[IncidentGroup]
    incidents: list[IncidentSummary]  # the period's, by start
    repeats: list[RepeatIncident]
    postmortems: list[Postmortem]
    action_items: list[ActionItem]  # most overdue first
