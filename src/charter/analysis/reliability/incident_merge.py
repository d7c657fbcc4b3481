"""One incident from many records (DESIGN.md "How files join"): a postmortem and a PagerDuty record
of the same incident are one incident when one lists the other's id in `aliases`, or both list the
same alias. The postmortem's fields win; the exports fill what it lacks (acknowledged and resolved
times, services, cause)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any

from charter.model.incident import Incident

# Fields a later record fills when the first record of a group lacks them.
_FILLED = ("started", "detected", "acknowledged", "resolved", "cause", "caused_by_deployment", "caused_by_change",
           "postmortem_status", "postmortem_date")  # fmt: skip
_FIELD_NAMES = frozenset(field.name for field in fields(Incident))


def _names(incident: Incident) -> set[str]:
    return {name.strip().lower() for name in (incident.id, *incident.aliases) if name.strip()}


def merge_incidents(postmortems: Sequence[Incident], imported: Sequence[Incident]) -> list[Incident]:
    """Postmortems first, then imported records; records that share an id or alias become one, led
    by its first postmortem (else its first imported record). Order: each group where its first
    record was."""
    records = [*postmortems, *imported]
    parent = list(range(len(records)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owner: dict[str, int] = {}
    for index, incident in enumerate(records):
        for name in _names(incident):
            if name in owner:
                first, second = root(owner[name]), root(index)
                if first != second:
                    parent[max(first, second)] = min(first, second)
            else:
                owner[name] = index
    groups: dict[int, list[Incident]] = {}
    for index, incident in enumerate(records):
        groups.setdefault(root(index), []).append(incident)
    return [_merged(group) for _, group in sorted(groups.items())]


def _merged(group: list[Incident]) -> Incident:
    lead, others = group[0], group[1:]
    if not others:
        return lead
    filled = {
        name: next((getattr(other, name) for other in others if getattr(other, name) is not None), None)
        for name in _FILLED
        if getattr(lead, name) is None
    }
    services = lead.services or next((other.services for other in others if other.services), ())
    action_items = lead.action_items or next((other.action_items for other in others if other.action_items), ())
    aliases = dict.fromkeys(name for record in group for name in (record.id, *record.aliases) if name != lead.id)
    extra = {key: value for other in reversed(others) for key, value in other.extra.items()}
    extra.update(lead.extra)
    extra["mergedFrom"] = ", ".join(other.id for other in others)
    changes: dict[str, Any] = {name: value for name, value in filled.items() if name in _FIELD_NAMES}
    changes.update(services=services, action_items=action_items, aliases=tuple(aliases), extra=extra)
    return replace(lead, **changes)
