"""Architecture decision records (MADR, adr-tools / Nygard, log4brains)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from charter.model.diagnostics import Location

KNOWN_DECISION_STATUSES = frozenset(
    {"proposed", "accepted", "rejected", "deprecated", "superseded", "draft"}
)


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision record. `id` is the record's number as written (`0012`) or its slug."""

    id: str
    title: str
    status: str | None = None
    date: date | None = None
    supersedes: tuple[str, ...] = ()
    superseded_by: tuple[str, ...] = ()
    # Entity references the record names (front matter `risks:` / `entities:` or `risk:...` in text).
    mentions: tuple[str, ...] = ()
    expires: date | None = None
    location: Location | None = None
    aliases: tuple[str, ...] = field(default=())
