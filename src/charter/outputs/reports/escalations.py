"""`charter escalations` laid out: a summary line, then a digest per owner (owners with errors
first) listing each escalation with its id, subject, what is wrong, the evidence and the action;
then the suppressed ones, those this run resolved, what could not be evaluated, and the ledger's
time to acknowledge and to resolve."""

from __future__ import annotations

from charter.outputs.document import Column, Document, Heading, Paragraph, TableBlock
from charter.outputs.views.escalations import Durations, EscalationItem, EscalationsReport, OwnerDigest

NONE = "—"
UNOWNED = "(no owning group)"
EVIDENCE_SHOWN = 5  # evidence lines per escalation; the rest are counted
COLUMNS = [
    Column("id"),
    Column("severity"),
    Column("state"),
    Column("subject", fold=True),
    Column("what", fold=True),
    Column("evidence", fold=True),
    Column("action", fold=True),
    Column("first seen"),
]


def _evidence(item: EscalationItem) -> str:
    lines = [f"{entry.kind} {entry.ref}" + (f" ({entry.detail})" if entry.detail else "") for entry in item.evidence]
    more = len(lines) - EVIDENCE_SHOWN
    return "; ".join(lines[:EVIDENCE_SHOWN]) + (f"; and {more} more" if more > 0 else "")


def _state(item: EscalationItem) -> str:
    state = item.state + (" · new" if item.new else "")
    if item.acknowledged_by:
        state += f" by {item.acknowledged_by}"
    return state


def _row(item: EscalationItem) -> list[str]:
    return [
        item.id,
        item.severity,
        _state(item),
        item.subject,
        f"{item.title}: {item.message}",
        _evidence(item),
        item.action,
        item.first_seen.date().isoformat(),
    ]


def _counted(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _digest_title(digest: OwnerDigest) -> str:
    counts = f"{_counted(digest.errors, 'error')}, {_counted(digest.warnings, 'warning')}, {digest.info} info"
    return f"{digest.owner or UNOWNED}: {counts}, {digest.new} new"


def _hours(durations: Durations) -> str:
    if durations.count == 0 or durations.median_hours is None or durations.p90_hours is None:
        return NONE
    return f"{durations.median_hours:.1f} h (p90 {durations.p90_hours:.1f} h, {durations.count})"


def escalations_document(view: EscalationsReport) -> Document:
    counts = view.counts
    blocks: list[Heading | TableBlock | Paragraph] = [
        Heading(f"Escalations as of {view.as_of.isoformat()}"),
        Paragraph(
            f"{counts.open} open ({counts.new} new, {counts.acknowledged} acknowledged), {counts.suppressed} "
            f"suppressed, {counts.resolved} resolved by this run"
            + ("" if view.ledger_written else "; the ledger was not written")
        ),
    ]
    blocks.extend(
        TableBlock(COLUMNS, [_row(item) for item in digest.escalations], title=_digest_title(digest))
        for digest in view.digests
    )
    if not view.digests:
        blocks.append(Paragraph("Nothing to escalate."))
    if view.suppressed:
        blocks.append(
            TableBlock.of(
                ["id", "subject", "reason", "until"],
                [
                    [
                        item.id,
                        item.subject,
                        item.suppressed_reason or NONE,
                        item.suppressed_until.isoformat() if item.suppressed_until else NONE,
                    ]
                    for item in view.suppressed
                ],
                title="Suppressed",
            )
        )
    if view.resolved:
        blocks.append(
            TableBlock.of(
                ["id", "subject", "owner", "first seen", "resolved"],
                [
                    [
                        item.id,
                        item.subject,
                        item.owner or UNOWNED,
                        f"{item.first_seen:%Y-%m-%d}",
                        f"{item.resolved_at:%Y-%m-%d}",
                    ]
                    for item in view.resolved
                ],
                title="Resolved by this run",
            )
        )
    if view.not_evaluated:
        blocks.append(
            TableBlock.of(
                ["code", "why"], [[item.code, item.reason] for item in view.not_evaluated], title="Not evaluated"
            )
        )
    times = view.response_times
    blocks.append(
        TableBlock.of(
            ["code", "time to acknowledge (median)", "time to resolve (median)"],
            [
                ["all", _hours(times.to_acknowledge), _hours(times.to_resolve)],
                *([item.code, _hours(item.to_acknowledge), _hours(item.to_resolve)] for item in times.by_code),
            ],
            title=f"Response times ({times.raised} in the ledger, {times.still_open} still open)",
        )
    )
    return Document(blocks)
