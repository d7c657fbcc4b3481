"""PagerDuty incidents, in the shapes PagerDuty and the tools around it write them:

- REST API v2 JSON: `GET /incidents` (`{"incidents": [...]}`, optionally with `include[]=acknowledgers`
  or log entries) or a bare array of incident objects. Acknowledged is the earliest of
  `acknowledgements[].at` and the `acknowledge_log_entry` times in `log_entries`; resolved is
  `resolved_at`, else the earliest `resolve_log_entry`, else `last_status_change_at` of a resolved
  incident.
- Apache DevLake's raw table (CSV with one API incident JSON per row in its `data` column).
- The web UI's incidents CSV (columns `id`, `incident_number`, `description` or `title`, `status`,
  `urgency`, `priority`, `service_name`, `service_id`, `created_on` or `created_at`, `resolved_on` or
  `resolved_at`, `seconds_to_first_ack`, `seconds_to_resolve`; names match ignoring case, spaces and `_`).

Severity: the priority's name (P1..P5) when the account uses priorities, else the urgency (high:
SEV2, low: SEV4), through `severityMap` first. States: triggered is open, acknowledged, resolved.
The service is matched to a component by its id (`pagerduty.com/service-id`) or name."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path

from charter.model.diagnostics import Diagnostic
from charter.model.file_formats import IncidentFormat
from charter.model.imported_incident import IncidentStatus
from charter.sources.incidents.common import (
    Fields,
    IncidentImportOptions,
    IncidentRecordError,
    Parsed,
    after_seconds,
    build_record,
    earliest,
    parsed_csv_rows,
    record_diagnostic,
    required_zoned_timestamp,
    zoned_timestamp,
)
from charter.sources.records import BadRecord, Place, RawRecord, csv_records, mapping_value, required_text, text_value

TOOL = IncidentFormat.PAGERDUTY
STATES = {"triggered": IncidentStatus.OPEN, "acknowledged": IncidentStatus.ACKNOWLEDGED,
          "resolved": IncidentStatus.RESOLVED}  # fmt: skip
# Keys of an API incident object, to tell the shape from others.
API_KEYS = frozenset({"incident_number", "urgency", "escalation_policy", "first_trigger_log_entry"})
# The web UI's CSV, and DevLake's raw table: the (normalised) columns that tell them.
CSV_KEYS = frozenset({"urgency", "incidentnumber", "secondstofirstack", "escalationpolicyname"})
DEVLAKE_KEYS = frozenset({"data", "params"})


def api_incident(item: object, place: Place, options: IncidentImportOptions) -> Parsed:
    """One incident object of the REST API v2; raises BadRecord."""
    record = mapping_value(item, place, "incident")
    source_id = required_text(record.get("id"), place.field("id"), "id", max_length=200)
    number = text_value(record.get("incident_number"), place.field("incident_number"), "incident_number", numbers=True)
    title = text_value(record.get("title"), place.field("title"), "title", max_length=4000)
    title = title or required_text(record.get("summary"), place.field("summary"), "title", max_length=4000)
    started = required_zoned_timestamp(record.get("created_at"), place.field("created_at"), "created_at")
    status = _state(record.get("status"), place.field("status"))
    urgency = text_value(record.get("urgency"), place.field("urgency"), "urgency", max_length=64)
    priority = _priority(record.get("priority"), place.field("priority"))
    source_severity = priority or urgency
    service = _reference(record.get("service"), place.field("service"))
    acknowledged = earliest(
        *_times(record.get("acknowledgements"), place.field("acknowledgements"), "at"),
        *_log_times(record.get("log_entries"), place.field("log_entries"), "acknowledge_log_entry"),
    )
    resolved = zoned_timestamp(record.get("resolved_at"), place.field("resolved_at"), "resolved_at") or earliest(
        *_log_times(record.get("log_entries"), place.field("log_entries"), "resolve_log_entry")
    )
    if resolved is None and status is IncidentStatus.RESOLVED:
        resolved = zoned_timestamp(
            record.get("last_status_change_at"), place.field("last_status_change_at"), "last_status_change_at"
        )
    url = text_value(record.get("html_url"), place.field("html_url"), "html_url", max_length=2000)
    service_id, service_name = service
    fields = Fields(
        source_id=source_id,
        id=source_id,
        title=title,
        severity=options.severity(TOOL, source_severity, place.field("priority" if priority else "urgency")),
        status=status,
        started=started,
        source_severity=source_severity,
        services=tuple(name for name in (service_id, service_name) if name),
        fallback_services=_named(service_name or service_id),
        service_ids=(service_id,) if service_id else (),
        acknowledged=acknowledged,
        resolved=resolved,
        aliases=(f"pagerduty:{source_id}", f"pagerduty:#{number}" if number else "", url or ""),
        url=url,
    )
    return build_record(TOOL, fields, place, options)


def _state(value: object, place: Place) -> IncidentStatus:
    text = required_text(value, place, "status", max_length=64).lower()
    found = STATES.get(text)
    if found is None:
        raise IncidentRecordError(
            "IMP022", f"`status` {text!r} is not a PagerDuty incident state", place,
            "PagerDuty incidents are triggered, acknowledged or resolved.",
        )  # fmt: skip
    return found


def _priority(value: object, place: Place) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return text_value(value, place, "priority", max_length=64)
    priority = mapping_value(value, place, "priority")
    return text_value(priority.get("name") or priority.get("summary"), place.field("name"), "priority", max_length=64)


def _reference(value: object, place: Place) -> tuple[str | None, str | None]:
    """(id, name) of a `service_reference`."""
    if value is None:
        return None, None
    reference = mapping_value(value, place, "service")
    identifier = text_value(reference.get("id"), place.field("id"), "service.id", max_length=200)
    name = text_value(reference.get("summary") or reference.get("name"), place.field("summary"), "service.summary")
    return identifier, name


def _times(value: object, place: Place, key: str) -> Iterator[datetime | None]:
    if value is None:
        return
    if not isinstance(value, list):
        raise BadRecord("must be a JSON array", place)
    for index, entry in enumerate(value):
        at = place.field(index)
        yield zoned_timestamp(mapping_value(entry, at, "entry").get(key), at.field(key), key)


def _log_times(value: object, place: Place, entry_type: str) -> Iterator[datetime | None]:
    if value is None:
        return
    if not isinstance(value, list):
        raise BadRecord("`log_entries` must be a JSON array", place)
    for index, entry in enumerate(value):
        at = place.field(index)
        fields = mapping_value(entry, at, "log entry")
        if fields.get("type") == entry_type:
            yield zoned_timestamp(fields.get("created_at"), at.field("created_at"), "created_at")


# CSV -----------------------------------------------------------------------------------------------


def csv_incidents(path: Path, columns: Iterable[str], options: IncidentImportOptions) -> Iterator[Parsed]:
    """DevLake's raw table (an API incident JSON per row) or the web UI's incidents CSV."""
    if set(columns) >= DEVLAKE_KEYS:
        yield from _devlake_rows(path, options)
        return
    required = {"id": ("id", "incidentid"), "created_on": ("createdon", "createdat", "created")}
    yield from parsed_csv_rows(path, required, _ui_row, options)


def _devlake_rows(path: Path, options: IncidentImportOptions) -> Iterator[Parsed]:
    for row in csv_records(path, {"data": ("data",)}):
        if isinstance(row, Diagnostic):
            yield row
            continue
        place = Place(row.place.path, row.place.line, "data")
        try:
            document = json.loads(str(row.get("data") or ""))
        except json.JSONDecodeError as error:
            yield record_diagnostic(BadRecord(f"not valid JSON: {error.msg}", place))
            continue
        try:
            yield api_incident(document, Place(row.place.path, row.place.line, "data"), options)
        except BadRecord as error:
            yield record_diagnostic(error)


def _ui_row(row: RawRecord, options: IncidentImportOptions) -> Parsed:
    place = row.place
    source_id = required_text(row.get("id", "incidentid"), place, "id", max_length=200)
    number = text_value(row.get("incidentnumber"), place, "incident_number")
    title = required_text(row.get("title", "description", "summary"), place, "description", max_length=4000)
    started = required_zoned_timestamp(row.get("createdon", "createdat", "created"), place, "created_on")
    resolved = zoned_timestamp(row.get("resolvedon", "resolvedat", "resolved"), place, "resolved_on")
    resolved = resolved or after_seconds(started, row.get("secondstoresolve"), place, "seconds_to_resolve")
    acknowledged = zoned_timestamp(row.get("acknowledgedon", "acknowledgedat"), place, "acknowledged_on")
    acknowledged = acknowledged or after_seconds(started, row.get("secondstofirstack"), place, "seconds_to_first_ack")
    state = text_value(row.get("status"), place, "status", max_length=64)
    status = _state(state, place) if state else IncidentStatus.RESOLVED if resolved else IncidentStatus.OPEN
    priority = text_value(row.get("priority", "priorityname"), place, "priority", max_length=64)
    urgency = text_value(row.get("urgency"), place, "urgency", max_length=64)
    service_id = text_value(row.get("serviceid"), place, "service_id", max_length=200)
    service_name = text_value(row.get("servicename", "service"), place, "service_name")
    url = text_value(row.get("htmlurl", "url", "link"), place, "url", max_length=2000)
    fields = Fields(
        source_id=source_id,
        id=source_id,
        title=title,
        severity=options.severity(TOOL, priority or urgency, place),
        status=status,
        started=started,
        source_severity=priority or urgency,
        services=tuple(name for name in (service_id, service_name) if name),
        fallback_services=_named(service_name or service_id),
        service_ids=(service_id,) if service_id else (),
        acknowledged=acknowledged,
        resolved=resolved,
        aliases=(f"pagerduty:{source_id}", f"pagerduty:#{number}" if number else "", url or ""),
        url=url,
    )
    return build_record(TOOL, fields, place, options)


def _named(name: str | None) -> tuple[str, ...]:
    return (name,) if name else ()


def looks_like_api_incident(item: Mapping[str, object]) -> bool:
    return bool(API_KEYS & item.keys()) or item.get("type") == "incident"
