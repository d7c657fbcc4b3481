"""The dashboard's overview: the part of the organisation shown, what it holds, and every metric
the latest snapshot (at a day) recorded for it, each with the page that holds its evidence."""

from __future__ import annotations

from typing import ClassVar

from charter.outputs.views.base import IsoDateTime, ReportView, View


class ScopeFilter(View):
    team: str | None = None
    system: str | None = None
    tier: int | None = None
    description: str


class SnapshotInfo(View):
    id: int
    taken_at: IsoDateTime
    repo_commit: str | None


class Count(View):
    name: str  # components, teams, systems, slos, risks, initiatives, incidents
    value: int
    evidence: str  # the page that lists them


class OverviewMetric(View):
    metric: str
    scope: str
    value: float | None
    unit: str
    description: str
    evidence: str  # the page whose report explains the number


class OverviewReport(ReportView):
    report: ClassVar[str] = "overview"

    organization: str
    filter: ScopeFilter
    as_of: str | None
    snapshot: SnapshotInfo | None
    counts: list[Count]
    metrics: list[OverviewMetric]
    metrics_total: int
    metrics_shown: int


class Acknowledged(View):
    """An escalation acknowledged through the server: by whom (the token's name), when and why."""

    escalation: str
    subject: str
    acknowledged_at: IsoDateTime
    acknowledged_by: str
    reason: str
