"""The escalations report's view from the settled escalations and the ledger: a digest per owner,
the suppressed and the resolved, what could not be evaluated, and the ledger's response times."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from charter.analysis.escalations.codes import CODES
from charter.analysis.escalations.escalation import NotEvaluated
from charter.analysis.escalations.response import Durations, response_times
from charter.model.diagnostics import Severity
from charter.model.escalation_ledger import LedgerEntry, LedgerState, LedgerUpdate
from charter.outputs.views import escalations as view
from charter.services.escalation_settle import SettledEscalation


def escalations_view(
    settled: Sequence[SettledEscalation],
    not_evaluated: Iterable[NotEvaluated],
    ledger: dict[str, LedgerEntry],
    update: LedgerUpdate,
    as_of: datetime,
) -> view.EscalationsReport:
    items = [_item(entry, ledger.get(entry.escalation.id), update, as_of) for entry in settled]
    shown = [item for item in items if item.state != LedgerState.SUPPRESSED.value]
    by_owner: dict[str | None, list[view.EscalationItem]] = defaultdict(list)
    for item in shown:
        by_owner[item.owner].append(item)
    digests = [_digest(owner, escalations) for owner, escalations in by_owner.items()]
    digests.sort(key=lambda digest: (digest.owner is None, -digest.errors, -digest.warnings, digest.owner or ""))
    resolved = sorted(
        (ledger[identifier] for identifier in update.resolved if identifier in ledger),
        key=lambda entry: (entry.code, entry.subject),
    )
    return view.EscalationsReport(
        as_of=as_of,
        ledger_written=update.written,
        counts=view.EscalationCounts(
            open=len(shown),
            new=sum(1 for item in shown if item.new),
            acknowledged=sum(1 for item in shown if item.state == LedgerState.ACKNOWLEDGED.value),
            suppressed=len(items) - len(shown),
            resolved=len(resolved),
        ),
        digests=digests,
        suppressed=[item for item in items if item.state == LedgerState.SUPPRESSED.value],
        resolved=[
            view.ResolvedItem(
                id=entry.id,
                code=entry.code,
                subject=entry.subject,
                owner=entry.owner,
                first_seen=entry.first_seen,
                resolved_at=entry.resolved_at or as_of,
            )
            for entry in resolved
        ],
        not_evaluated=[view.NotEvaluatedItem(code=item.code, reason=item.reason) for item in not_evaluated],
        response_times=_response(ledger.values()),
    )


def _item(
    settled: SettledEscalation, entry: LedgerEntry | None, update: LedgerUpdate, as_of: datetime
) -> view.EscalationItem:
    escalation = settled.escalation
    recorded = entry is not None and entry.resolved_at is None
    acknowledged = entry.acknowledged_at if recorded and entry else None
    if settled.suppressed_reason is not None:
        state = LedgerState.SUPPRESSED
    elif acknowledged is not None:
        state = LedgerState.ACKNOWLEDGED
    else:
        state = LedgerState.OPEN
    return view.EscalationItem(
        id=escalation.id,
        code=escalation.code,
        title=CODES[escalation.code].title,
        severity=settled.severity.value,
        subject=escalation.subject,
        owner=escalation.owner,
        message=escalation.message,
        evidence=[view.EvidenceItem(kind=item.kind, ref=item.ref, detail=item.detail) for item in escalation.evidence],
        action=escalation.action,
        location=str(escalation.location) if escalation.location else None,
        state=state.value,
        new=escalation.id in update.new,
        first_seen=entry.first_seen if recorded and entry else as_of,
        last_seen=entry.last_seen if recorded and entry else as_of,
        acknowledged_at=acknowledged,
        acknowledged_by=entry.acknowledged_by if acknowledged and entry else None,
        acknowledgement=entry.acknowledgement if acknowledged and entry else None,
        suppressed_reason=settled.suppressed_reason,
        suppressed_until=settled.suppressed_until,
    )


def _digest(owner: str | None, escalations: list[view.EscalationItem]) -> view.OwnerDigest:
    severities = [item.severity for item in escalations]
    ordered = sorted(escalations, key=lambda item: (-Severity(item.severity).rank, item.code, item.subject))
    return view.OwnerDigest(
        owner=owner,
        errors=severities.count(Severity.ERROR.value),
        warnings=severities.count(Severity.WARNING.value),
        info=severities.count(Severity.INFO.value),
        new=sum(1 for item in escalations if item.new),
        escalations=ordered,
    )


def _durations(found: Durations) -> view.Durations:
    return view.Durations(count=found.count, median_hours=found.median_hours, p90_hours=found.p90_hours)


def _response(entries: Iterable[LedgerEntry]) -> view.ResponseTimes:
    times = response_times(entries)
    return view.ResponseTimes(
        raised=times.raised,
        still_open=times.still_open,
        to_acknowledge=_durations(times.to_acknowledge),
        to_resolve=_durations(times.to_resolve),
        by_code=[
            view.CodeResponse(code=code, to_acknowledge=_durations(ack), to_resolve=_durations(resolve))
            for code, (ack, resolve) in times.by_code.items()
        ],
    )
