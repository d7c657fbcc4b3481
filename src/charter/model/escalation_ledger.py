"""What the store keeps of each escalation across runs (the ledger): when it was first and last
seen, who acknowledged it, when and why, when it was resolved (the condition cleared), and the
suppression that hides it, with its reason and expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class LedgerState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    SUPPRESSED = "suppressed"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class RaisedEscalation:
    """One escalation of a run, as the ledger records it."""

    id: str
    fingerprint: str
    code: str
    subject: str
    owner: str | None
    severity: str
    message: str
    suppressed_reason: str | None = None
    suppressed_until: date | None = None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One escalation in the ledger. A resolved escalation that is raised again opens anew: its
    first-seen time is that run's, and its acknowledgement is cleared."""

    id: str
    fingerprint: str
    code: str
    subject: str
    owner: str | None
    severity: str
    message: str
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledgement: str | None = None  # the reason given with `ack`
    suppressed_reason: str | None = None
    suppressed_until: date | None = None

    @property
    def state(self) -> LedgerState:
        if self.resolved_at is not None:
            return LedgerState.RESOLVED
        if self.suppressed_reason is not None:
            return LedgerState.SUPPRESSED
        if self.acknowledged_at is not None:
            return LedgerState.ACKNOWLEDGED
        return LedgerState.OPEN


@dataclass(frozen=True, slots=True)
class LedgerUpdate:
    """What one run did to the ledger: the ids it saw for the first time (or again after they were
    resolved), the ids it resolved, and whether it wrote at all (a run evaluated earlier than the
    ledger's latest does not rewrite history)."""

    new: frozenset[str]
    resolved: frozenset[str]
    written: bool
