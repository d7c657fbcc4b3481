"""Postmortems (`incidents/**/*.md`): Markdown whose YAML front matter records the incident
(see `IncidentFrontMatter` for the keys). The body is the postmortem's prose and is not read."""

from __future__ import annotations

import difflib
from pathlib import PurePosixPath
from typing import Any

from pydantic import ValidationError

from charter.load.context import LoadContext, SourceFile
from charter.load.frontmatter import MarkdownRecord, headings, prose_lines, read_markdown
from charter.load.yaml12 import locate
from charter.model.diagnostics import Location
from charter.model.incident import (
    INCIDENT_KEYS,
    KNOWN_POSTMORTEM_STATUSES,
    ActionItem,
    Incident,
    IncidentFrontMatter,
)

_FIELDS = sorted({field.alias or name for name, field in IncidentFrontMatter.model_fields.items()})
# Timestamps in the order an incident passes through them; each must not precede the ones before.
_SEQUENCE = ("started", "detected", "acknowledged", "resolved")


def read_incident(source: SourceFile, context: LoadContext) -> None:
    """Read one postmortem into `context.incidents`; a Markdown file without incident front matter
    is reported as SCH011, not read."""
    record = read_markdown(source, context)
    if record is None:
        return
    front = record.front_matter
    if record.yaml is None or record.document is None or front is None or not INCIDENT_KEYS & set(front):
        context.report(
            "SCH011",
            "not an incident record: no front matter with severity, started, ... (see `charter schema`)",
            source.location(1, 1),
        )
        return
    stem = PurePosixPath(source.path).stem
    written_id = front.get("id")
    entity = f"incident:{written_id if isinstance(written_id, str) and written_id else stem}"
    try:
        parsed = IncidentFrontMatter.model_validate(front)
    except ValidationError as error:
        context.report_validation_error(error, record.yaml, record.document, entity=entity)
        return
    incident_id = parsed.id or stem
    entity = f"incident:{incident_id}"
    extras = parsed.model_extra or {}
    for key in extras:
        close = difflib.get_close_matches(key, _FIELDS, n=1, cutoff=0.8)
        if close:
            context.report(
                "SCH003",
                f"{key}: unknown field; did you mean `{close[0]}`?",
                _at(record, key),
                entity=entity,
                hint=f"rename the field to `{close[0]}`",
            )
    _check_sequence(parsed, record, context, entity)
    if parsed.postmortem and parsed.postmortem.status not in KNOWN_POSTMORTEM_STATUSES:
        context.report(
            "SCH012",
            f"unknown postmortem status {parsed.postmortem.status!r}",
            _at(record, "postmortem", "status"),
            entity=entity,
            hint="use one of: " + ", ".join(sorted(KNOWN_POSTMORTEM_STATUSES)),
        )
    caused_by = parsed.caused_by
    postmortem = parsed.postmortem
    context.incidents.append(
        Incident(
            id=incident_id,
            title=parsed.title or _first_heading(record) or incident_id,
            severity=parsed.severity,
            services=tuple(parsed.services),
            started=parsed.started,
            detected=parsed.detected,
            acknowledged=parsed.acknowledged,
            resolved=parsed.resolved,
            cause=parsed.cause,
            caused_by_deployment=caused_by.deployment if caused_by else None,
            caused_by_change=caused_by.change.lower() if caused_by and caused_by.change else None,
            postmortem_status=postmortem.status if postmortem else None,
            postmortem_date=postmortem.written if postmortem else None,
            action_items=tuple(
                ActionItem(
                    id=item.id or f"{incident_id}/{number}",
                    title=item.title,
                    owner=item.owner,
                    due=item.due,
                    status=item.status,
                    type=item.type,
                )
                for number, item in enumerate(parsed.action_items, start=1)
            ),
            aliases=tuple(parsed.aliases),
            location=source.location(2, 1),
            extra={key: _text(value) for key, value in extras.items()},
        )
    )


def _check_sequence(parsed: IncidentFrontMatter, record: MarkdownRecord, context: LoadContext, entity: str) -> None:
    """`detected`, `acknowledged` and `resolved` may not precede the timestamps before them."""
    seen: list[tuple[str, Any]] = []
    for name in _SEQUENCE:
        value = getattr(parsed, name)
        if value is None:
            continue
        earlier = next(((other, when) for other, when in seen if when > value), None)
        if earlier is not None:
            context.report(
                "SCH003",
                f"{name}: {value.isoformat()} is before {earlier[0]} ({earlier[1].isoformat()})",
                _at(record, name),
                entity=entity,
                hint="correct the timestamp (a naive timestamp is UTC)",
            )
        seen.append((name, value))


def _at(record: MarkdownRecord, *path: str) -> Location:
    assert record.yaml is not None and record.document is not None
    line, column = locate(record.yaml.text, record.document.index, path) or (2, 1)
    return Location(record.path, line, column)


def _first_heading(record: MarkdownRecord) -> str | None:
    return next((heading.text for heading in headings(list(prose_lines(record))) if heading.level == 1), None)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)
