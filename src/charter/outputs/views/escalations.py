"""`charter escalations`' view: the open escalations grouped by the owner who must act (a digest per
team), each with its evidence, suggested action and place in the ledger; the suppressed ones with
their reason and expiry; those this run resolved; what could not be evaluated; and the time to
acknowledge and to resolve measured from the ledger."""

from __future__ import annotations

from typing import ClassVar

from charter.outputs.views.base import IsoDate, IsoDateTime, ReportView, View


class EvidenceItem(View):
    kind: str  # incident | finding | kev | scorecard | control | slo | deployment | risk | initiative | entity
    ref: str
    detail: str


class EscalationItem(View):
    id: str  # what `charter escalations ack` takes
    code: str
    title: str  # the code's title
    severity: str
    subject: str
    owner: str | None  # the Group that must act; None: nobody resolves
    message: str
    evidence: list[EvidenceItem]
    action: str
    location: str | None  # file:line in the strategy repository
    state: str  # open | acknowledged | suppressed
    new: bool  # first seen by this run (or raised again after it was resolved)
    first_seen: IsoDateTime
    last_seen: IsoDateTime
    acknowledged_at: IsoDateTime | None
    acknowledged_by: str | None
    acknowledgement: str | None
    suppressed_reason: str | None
    suppressed_until: IsoDate | None


class OwnerDigest(View):
    owner: str | None
    errors: int
    warnings: int
    info: int
    new: int
    escalations: list[EscalationItem]


class ResolvedItem(View):
    id: str
    code: str
    subject: str
    owner: str | None
    first_seen: IsoDateTime
    resolved_at: IsoDateTime


class NotEvaluatedItem(View):
    code: str
    reason: str


class Durations(View):
    count: int
    median_hours: float | None
    p90_hours: float | None


class CodeResponse(View):
    code: str
    to_acknowledge: Durations
    to_resolve: Durations


class ResponseTimes(View):
    raised: int  # escalations in the ledger
    still_open: int
    to_acknowledge: Durations
    to_resolve: Durations
    by_code: list[CodeResponse]


class EscalationCounts(View):
    open: int
    new: int
    acknowledged: int
    suppressed: int
    resolved: int  # by this run


class EscalationsReport(ReportView):
    report: ClassVar[str] = "escalations"

    as_of: IsoDateTime
    ledger_written: bool  # False: a dry run, or evaluated before the ledger's latest run
    counts: EscalationCounts
    digests: list[OwnerDigest]  # by owner, owners with errors first; the unowned last
    suppressed: list[EscalationItem]
    resolved: list[ResolvedItem]
    not_evaluated: list[NotEvaluatedItem]
    response_times: ResponseTimes
