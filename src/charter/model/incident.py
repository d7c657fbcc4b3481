"""Incidents and their postmortems, as their Markdown front matter or an importer records them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from charter.model.diagnostics import Location

CAUSE_CATEGORIES = frozenset(
    {"change", "config", "dependency", "capacity", "infrastructure", "security", "unknown"}
)


@dataclass(frozen=True, slots=True)
class ActionItem:
    id: str
    title: str
    owner: str | None = None
    due: date | None = None
    status: str = "open"
    type: str | None = None


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    title: str
    severity: str
    services: tuple[str, ...] = ()
    started: datetime | None = None
    detected: datetime | None = None
    acknowledged: datetime | None = None
    resolved: datetime | None = None
    cause: str | None = None
    caused_by_deployment: str | None = None
    caused_by_change: str | None = None
    postmortem_status: str | None = None
    postmortem_date: date | None = None
    action_items: tuple[ActionItem, ...] = ()
    aliases: tuple[str, ...] = ()
    location: Location | None = None
    extra: dict[str, str] = field(default_factory=dict)
