"""`charter controls`' view: per compliance obligation, its requirements with status, owner,
evidence and review date, the counts by status and the coverage, and what needs attention."""

from __future__ import annotations

from typing import ClassVar

from charter.outputs.views.base import IsoDate, ReportView, View


class RequirementCoverage(View):
    id: str
    title: str
    status: str  # implemented, partial, planned, not-applicable, missing
    control_set: str | None  # None when missing: no ControlSet states it
    owner: str | None
    reason: str | None
    review_by: IsoDate | None
    stale: bool  # its review date has passed
    evidence: list[str]
    evidence_missing: list[str]  # repo paths that do not exist
    evidence_urls: list[str]  # shown, never fetched
    mitigates: list[str]
    in_profile: bool | None  # None when the obligation has no OSCAL source
    gap: bool  # planned or missing


class ObligationCoverage(View):
    obligation: str
    required: bool  # listed in charter.yaml's `spec.compliance`
    control_sets: list[str]
    source: str  # what the requirement list comes from
    counts: dict[str, int]  # requirements the obligation requires, by status
    applicable: int
    coverage: float | None  # implemented share of the applicable requirements; None when none
    gaps: list[str]
    evidence_missing: list[str]
    stale: list[str]
    beyond_profile: list[str]  # stated by a ControlSet, not required by its OSCAL profile
    requirements: list[RequirementCoverage]


class ControlsReport(ReportView):
    report: ClassVar[str] = "controls"

    as_of: IsoDate
    statuses: list[str]  # every requirement status, in the order counts are shown
    obligations: list[ObligationCoverage]
