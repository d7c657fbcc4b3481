"""incident.io incidents, as its API v2 and its CSV export write them:

- API JSON: `GET /v2/incidents` (`{"incidents": [...], "pagination_meta": ...}`), a bare array, or
  `GET /v2/incidents/{id}` (`{"incident": {...}}`). Fields: `id`, `reference` (INC-123, the id
  people write), `name`, `severity.name`, `incident_status.category`, `mode`, `created_at`,
  `incident_timestamp_values` (`incident_timestamp.name` with `value.value`), `custom_field_entries`,
  `postmortem_document_url`, `permalink`.
- CSV export: one row per incident with columns `Reference` (or `ID`), `Name`, `Severity`, `Status`
  (name or category), `Created At` or `Reported At`, and the timestamps and custom fields as
  columns named like them (`Impact Started`, `Acknowledged At`, `Resolved At`, `Closed At`,
  `Affected Services`...).

Timestamps by name (case and a trailing "at" ignored): impact started / started -> started (else
the reported or created time); detected / identified / reported -> detected; acknowledged /
accepted -> acknowledged; resolved / fixed, else closed -> resolved. Status categories: triage, live
and paused are open; learning and closed are resolved; declined, merged and canceled incidents, and
test or tutorial mode, are not incidents and are skipped. Services come from custom fields whose
name holds "service", "component" or "product". Default severities: Critical SEV1, Major SEV2,
Minor SEV3 (and the others `severityMap` or the built-in table gives)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from charter.model.file_formats import IncidentFormat
from charter.model.imported_incident import IncidentStatus
from charter.model.incident import CAUSE_CATEGORIES
from charter.sources.incidents.common import (
    Fields,
    IncidentImportOptions,
    IncidentRecordError,
    Parsed,
    build_record,
    earliest,
    parsed_csv_rows,
    required_zoned_timestamp,
    split_names,
    zoned_timestamp,
)
from charter.sources.records import (
    BadRecord,
    Place,
    RawRecord,
    Skipped,
    field_key,
    mapping_value,
    required_text,
    text_value,
)

TOOL = IncidentFormat.INCIDENT_IO
API_KEYS = frozenset({"reference", "incident_status", "incident_timestamp_values", "custom_field_entries"})
CSV_KEYS = frozenset({"reference"})
CATEGORIES = {
    **dict.fromkeys(("triage", "live", "paused", "active"), IncidentStatus.OPEN),
    **dict.fromkeys(("learning", "closed", "post-incident", "resolved"), IncidentStatus.RESOLVED),
}
NOT_INCIDENTS = frozenset({"declined", "merged", "canceled", "cancelled"})
# Status names of the CSV export, when it gives the status and not its category.
STATUS_NAMES = {
    **dict.fromkeys(("investigating", "fixing", "monitoring", "identified", "mitigating"), IncidentStatus.OPEN),
    **dict.fromkeys(("documenting", "post-incident", "postmortem"), IncidentStatus.RESOLVED),
}
# Columns of the CSV export that are not custom fields.
_OWN_COLUMNS = frozenset(
    {
        "id",
        "reference",
        "name",
        "title",
        "status",
        "statuscategory",
        "severity",
        "mode",
        "permalink",
        "url",
        "link",
        "postmortemdocumenturl",
        "postmortem",
        "incidenttype",
        "type",
    }
)
SKIPPED_MODES = frozenset({"test", "tutorial"})
_SERVICE_FIELD = re.compile(r"service|component|product", re.IGNORECASE)
_CAUSE_FIELD = re.compile(r"cause", re.IGNORECASE)
_LINK_FIELD = re.compile(r"pagerduty|opsgenie|external", re.IGNORECASE)
_TIMESTAMPS = {
    "started": ("impactstarted", "impactstart", "started"),
    "detected": ("detected", "identified", "reported"),
    "acknowledged": ("acknowledged", "accepted"),
    "resolved": ("resolved", "fixed"),
    "closed": ("closed",),
}


def api_incident(record: Mapping[str, object], place: Place, options: IncidentImportOptions) -> Parsed:
    """One incident object of the API v2; raises BadRecord."""
    source_id = required_text(record.get("id"), place.field("id"), "id", max_length=200)
    mode = text_value(record.get("mode"), place.field("mode"), "mode", max_length=64)
    status_value = _mapping(record.get("incident_status"), place.field("incident_status"))
    category = text_value(
        status_value.get("category"), place.field("incident_status").field("category"), "category", max_length=64
    )
    if (mode or "").lower() in SKIPPED_MODES or (category or "").lower() in NOT_INCIDENTS:
        return Skipped(f"{mode or category} incident")
    status = _status(category, place.field("incident_status").field("category"))
    reference = text_value(record.get("reference"), place.field("reference"), "reference", max_length=200)
    severity_value = _mapping(record.get("severity"), place.field("severity"))
    severity_name = text_value(severity_value.get("name"), place.field("severity").field("name"), "severity.name")
    times = _api_timestamps(record.get("incident_timestamp_values"), place.field("incident_timestamp_values"))
    created = required_zoned_timestamp(record.get("created_at"), place.field("created_at"), "created_at")
    custom = _CustomFields.of(
        _api_custom_fields(record.get("custom_field_entries"), place.field("custom_field_entries"))
    )
    url = text_value(record.get("permalink"), place.field("permalink"), "permalink", max_length=2000)
    fields = _fields(
        _Shared(source_id, reference, severity_name, status, times, created, custom, url),
        title=required_text(record.get("name"), place.field("name"), "name", max_length=4000),
        severity=options.severity(TOOL, severity_name, place.field("severity")),
        postmortem_url=text_value(
            record.get("postmortem_document_url"), place.field("postmortem_document_url"), "postmortem", max_length=2000
        ),
    )
    return build_record(TOOL, fields, place, options)


def _mapping(value: object, place: Place) -> Mapping[str, object]:
    return {} if value is None else mapping_value(value, place, place.json_path or "value")


def _status(category: str | None, place: Place) -> IncidentStatus:
    name = (category or "").strip().lower()
    found = CATEGORIES.get(name) or STATUS_NAMES.get(name)
    if found is None:
        raise IncidentRecordError(
            "IMP022", f"status {category!r} is not an incident.io status or status category", place,
            "incident.io status categories: triage, live, paused, learning, closed, declined, merged, canceled.",
        )  # fmt: skip
    return found


def _timestamp_kind(name: str) -> str | None:
    key = field_key(name)
    key = key.removesuffix("at") if key not in ("at",) else key
    for kind, names in _TIMESTAMPS.items():
        if key in names:
            return kind
    return None


def _api_timestamps(value: object, place: Place) -> dict[str, datetime]:
    found: dict[str, datetime] = {}
    if value is None:
        return found
    if not isinstance(value, list):
        raise BadRecord("must be a JSON array", place)
    for index, entry in enumerate(value):
        at = place.field(index)
        fields = mapping_value(entry, at, "timestamp value")
        definition = _mapping(fields.get("incident_timestamp"), at.field("incident_timestamp"))
        name = text_value(definition.get("name"), at.field("incident_timestamp").field("name"), "name")
        kind = _timestamp_kind(name or "")
        inner = fields.get("value")
        if kind is None or inner is None:
            continue
        moment = zoned_timestamp(
            _mapping(inner, at.field("value")).get("value"), at.field("value").field("value"), name or ""
        )
        if moment is not None and kind not in found:
            found[kind] = moment
    return found


def _api_custom_fields(value: object, place: Place) -> dict[str, tuple[str, ...]]:
    """Each custom field's name and its values (catalog entries, options, text)."""
    found: dict[str, tuple[str, ...]] = {}
    if value is None:
        return found
    if not isinstance(value, list):
        raise BadRecord("must be a JSON array", place)
    for index, entry in enumerate(value):
        at = place.field(index)
        fields = mapping_value(entry, at, "custom field entry")
        definition = _mapping(fields.get("custom_field"), at.field("custom_field"))
        values = fields.get("values") or []
        if not isinstance(values, list):
            raise BadRecord("must be a JSON array", at.field("values"))
        names = [
            name
            for position, item in enumerate(values)
            for name in _custom_value(item, at.field("values").field(position))
        ]
        found[str(definition.get("name") or "")] = tuple(dict.fromkeys(names))
    return found


@dataclass(frozen=True, slots=True)
class _CustomFields:
    """What custom fields say, by their names: services (service, component, product), the cause
    category (a field named like "cause" whose value is one of Charter's categories), and the
    incident's ids in other tools (a field named like PagerDuty, Opsgenie or external), as aliases."""

    services: tuple[str, ...] = ()
    cause: str | None = None
    aliases: tuple[str, ...] = ()

    @classmethod
    def of(cls, fields: Mapping[str, tuple[str, ...]]) -> _CustomFields:
        services = [value for name, values in fields.items() if _SERVICE_FIELD.search(name) for value in values]
        causes = [value.lower() for name, values in fields.items() if _CAUSE_FIELD.search(name) for value in values]
        aliases: list[str] = []
        for name, values in fields.items():
            tool = _LINK_FIELD.search(name)
            if tool:
                prefix = tool.group(0).lower()
                aliases += [f"{prefix}:{value}" if prefix in ("pagerduty", "opsgenie") else value for value in values]
        cause = next((value for value in causes if value in CAUSE_CATEGORIES), None)
        return cls(tuple(dict.fromkeys(services)), cause, tuple(aliases))


def _custom_value(item: object, place: Place) -> Iterator[str]:
    fields = mapping_value(item, place, "custom field value")
    for key in ("value_catalog_entry", "value_option"):
        nested = fields.get(key)
        if isinstance(nested, dict):
            text = nested.get("name") or nested.get("value")
            if isinstance(text, str) and text.strip():
                yield text.strip()
    text = fields.get("value_text")
    if isinstance(text, str) and text.strip():
        yield text.strip()


# CSV -----------------------------------------------------------------------------------------------


def csv_incidents(path: Path, options: IncidentImportOptions) -> Iterator[Parsed]:
    required = {
        "Reference": ("reference", "id"),
        "Name": ("name", "title"),
        "Created At": ("createdat", "reportedat", "created", "reported"),
    }
    yield from parsed_csv_rows(path, required, _csv_incident, options)


def _csv_incident(row: RawRecord, options: IncidentImportOptions) -> Parsed:
    place = row.place
    category = text_value(row.get("statuscategory", "status"), place, "Status", max_length=64)
    mode = text_value(row.get("mode"), place, "Mode", max_length=64)
    if (mode or "").lower() in SKIPPED_MODES or (category or "").lower() in NOT_INCIDENTS:
        return Skipped(f"{mode or category} incident")
    status = _status(category, place)
    source_id = required_text(row.get("id", "reference"), place, "ID", max_length=200)
    reference = text_value(row.get("reference"), place, "Reference", max_length=200)
    times: dict[str, datetime] = {}
    for column, value in row.values.items():
        kind = _timestamp_kind(column)
        if kind is not None and kind not in times and (moment := zoned_timestamp(value, place, column)):
            times[kind] = moment
    created = required_zoned_timestamp(row.get("createdat", "reportedat", "created", "reported"), place, "Created At")
    custom = _CustomFields.of(
        {
            column: split_names(value, place, column)
            for column, value in row.values.items()
            if column not in _OWN_COLUMNS
        }
    )
    severity = text_value(row.get("severity"), place, "Severity", max_length=200)
    url = text_value(row.get("permalink", "url", "link"), place, "Permalink", max_length=2000)
    fields = _fields(
        _Shared(source_id, reference, severity, status, times, created, custom, url),
        title=required_text(row.get("name", "title"), place, "Name", max_length=4000),
        severity=options.severity(TOOL, severity, place),
        postmortem_url=text_value(row.get("postmortemdocumenturl", "postmortem"), place, "Postmortem", max_length=2000),
    )
    return build_record(TOOL, fields, place, options)


@dataclass(frozen=True, slots=True)
class _Shared:
    """What the API and the CSV export give alike, once read from either."""

    source_id: str
    reference: str | None
    severity_name: str | None
    status: IncidentStatus
    times: Mapping[str, datetime]
    created: datetime
    custom: _CustomFields
    url: str | None


def _fields(shared: _Shared, *, title: str, severity: str, postmortem_url: str | None) -> Fields:
    """One incident's fields: it started at its impact (else when detected or created) and was
    resolved when resolved (else closed); known by its id, reference and permalink."""
    times = shared.times
    return Fields(
        source_id=shared.source_id,
        id=shared.reference or shared.source_id,
        title=title,
        severity=severity,
        status=shared.status,
        started=times.get("started") or earliest(times.get("detected"), shared.created) or shared.created,
        source_severity=shared.severity_name,
        services=shared.custom.services,
        fallback_services=shared.custom.services,
        cause=shared.custom.cause,
        detected=times.get("detected"),
        acknowledged=times.get("acknowledged"),
        resolved=times.get("resolved") or times.get("closed"),
        aliases=(
            f"incident.io:{shared.source_id}",
            f"incident.io:{shared.reference}" if shared.reference else "",
            shared.url or "",
            *shared.custom.aliases,
        ),
        postmortem_url=postmortem_url,
        url=shared.url,
    )


def looks_like_api_incident(item: Mapping[str, object]) -> bool:
    return bool(API_KEYS & item.keys())
