"""Opsgenie alerts and incidents, as its API and its CSV export write them:

- API JSON: `GET /v2/alerts` or `GET /v1/incidents` (`{"data": [...]}`) or a bare array. Fields:
  `id`, `tinyId`, `message`, `status` (alerts: open / closed; incidents: open / resolved / closed),
  `acknowledged`, `priority` P1..P5 (Opsgenie's default is P3), `createdAt`, `updatedAt`, `tags`,
  `impactedServices` (incidents: service ids), `report.ackTime` and `report.closeTime`
  (milliseconds after `createdAt`), `alias`.
- CSV export of alerts: the same names as columns (`TinyId`, `Message`, `Status`, `Priority`,
  `CreatedAt`, `Acknowledged`, `AckTime`, `CloseTime`, `Tags`, `Teams`, `Alias`; case, spaces and `_`
  ignored); `CreatedAt` may be ISO 8601 or epoch milliseconds.

Resolved is `createdAt + report.closeTime`, else `impactEndDate`, else `updatedAt` of a closed or
resolved record (when Opsgenie gives no close time, the last update is the nearest it records).
Services: `impactedServices` and tags matched to components (`opsgenie.com/component-selector`,
`charter.dev/incident-service` or the component's name); an alert whose tags match none has no
service, an incident keeps its impacted service ids."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

from charter.model.file_formats import IncidentFormat
from charter.model.imported_incident import IncidentStatus
from charter.sources.incidents.common import (
    Fields,
    IncidentImportOptions,
    IncidentRecordError,
    Parsed,
    after_seconds,
    build_record,
    parsed_csv_rows,
    required_zoned_timestamp,
    split_names,
    zoned_timestamp,
)
from charter.sources.records import Place, RawRecord, mapping_value, required_text, text_value

TOOL = IncidentFormat.OPSGENIE
API_KEYS = frozenset({"tinyId", "impactedServices", "isSeen", "acknowledged"})
CSV_KEYS = frozenset({"tinyid"})


def api_record(record: Mapping[str, object], place: Place, options: IncidentImportOptions) -> Parsed:
    """One alert or incident object of the Opsgenie API; raises BadRecord."""
    source_id = required_text(record.get("id"), place.field("id"), "id", max_length=200)
    tiny_id = text_value(record.get("tinyId"), place.field("tinyId"), "tinyId", numbers=True, max_length=64)
    started = required_zoned_timestamp(record.get("createdAt"), place.field("createdAt"), "createdAt")
    report = record.get("report")
    report_fields = mapping_value(report, place.field("report"), "report") if report is not None else {}
    at_report = place.field("report")
    acknowledged = after_seconds(
        started, report_fields.get("ackTime"), at_report.field("ackTime"), "ackTime", milliseconds=True
    )
    status = _status(record.get("status"), place.field("status"), record.get("acknowledged") is True)
    resolved = after_seconds(
        started, report_fields.get("closeTime"), at_report.field("closeTime"), "closeTime", milliseconds=True
    )
    resolved = resolved or zoned_timestamp(record.get("impactEndDate"), place.field("impactEndDate"), "impactEndDate")
    if resolved is None and status is IncidentStatus.RESOLVED:
        resolved = zoned_timestamp(record.get("updatedAt"), place.field("updatedAt"), "updatedAt")
    impacted = split_names(record.get("impactedServices"), place.field("impactedServices"), "impactedServices")
    tags = split_names(record.get("tags"), place.field("tags"), "tags")
    alias = text_value(record.get("alias"), place.field("alias"), "alias", max_length=512)
    priority = text_value(record.get("priority"), place.field("priority"), "priority", max_length=64) or "P3"
    fields = Fields(
        source_id=source_id,
        id=source_id,
        title=required_text(record.get("message"), place.field("message"), "message", max_length=4000),
        severity=options.severity(TOOL, priority, place.field("priority")),
        status=status,
        started=zoned_timestamp(record.get("impactStartDate"), place.field("impactStartDate"), "impactStartDate")
        or started,
        source_severity=priority,
        services=impacted + tags,
        fallback_services=impacted,
        service_ids=impacted,
        acknowledged=acknowledged,
        resolved=resolved,
        aliases=(
            f"opsgenie:{tiny_id}" if tiny_id else "",
            f"opsgenie:{alias}" if alias else "",
            f"opsgenie:{source_id}",
        ),
    )
    return build_record(TOOL, fields, place, options)


def _aliases(tiny_id: str | None, alias: str | None, source_id: str) -> tuple[str, ...]:
    """The names a postmortem may list: `opsgenie:<tinyId>`, `opsgenie:<alias>`, `opsgenie:<id>`."""
    return tuple(f"opsgenie:{name}" for name in (tiny_id, alias, source_id) if name)


def _status(value: object, place: Place, acknowledged: bool) -> IncidentStatus:
    text = required_text(value, place, "status", max_length=64).lower()
    if text == "open":
        return IncidentStatus.ACKNOWLEDGED if acknowledged else IncidentStatus.OPEN
    if text in ("closed", "resolved"):
        return IncidentStatus.RESOLVED
    raise IncidentRecordError(
        "IMP022", f"`status` {text!r} is not an Opsgenie alert or incident status", place,
        "Opsgenie alerts are open or closed; incidents open, resolved or closed.",
    )  # fmt: skip


# CSV -----------------------------------------------------------------------------------------------


def csv_alerts(path: Path, options: IncidentImportOptions) -> Iterator[Parsed]:
    required = {"TinyId": ("tinyid",), "Message": ("message",), "CreatedAt": ("createdat", "created")}
    yield from parsed_csv_rows(path, required, _csv_alert, options)


def _csv_alert(row: RawRecord, options: IncidentImportOptions) -> Parsed:
    place = row.place
    tiny_id = required_text(row.get("tinyid"), place, "TinyId", max_length=64)
    started = _csv_time(row.get("createdat", "created"), place, "CreatedAt")
    acknowledged_flag = str(row.get("acknowledged") or "").lower() in ("true", "yes", "1")
    status = _status(row.get("status"), place, acknowledged_flag)
    acknowledged = after_seconds(started, row.get("acktime"), place, "AckTime", milliseconds=True)
    resolved = after_seconds(started, row.get("closetime"), place, "CloseTime", milliseconds=True)
    if resolved is None and status is IncidentStatus.RESOLVED and row.get("updatedat"):
        resolved = _csv_time(row.get("updatedat"), place, "UpdatedAt")
    tags = split_names(row.get("tags"), place, "Tags")
    services = split_names(row.get("impactedservices", "services"), place, "ImpactedServices")
    alias = text_value(row.get("alias"), place, "Alias", max_length=512)
    priority = text_value(row.get("priority"), place, "Priority", max_length=64) or "P3"
    source_id = text_value(row.get("id", "alertid"), place, "Id", max_length=200) or tiny_id
    fields = Fields(
        source_id=source_id,
        id=source_id,
        title=required_text(row.get("message"), place, "Message", max_length=4000),
        severity=options.severity(TOOL, priority, place),
        status=status,
        started=started,
        source_severity=priority,
        services=services + tags,
        fallback_services=services,
        service_ids=services,
        acknowledged=acknowledged,
        resolved=resolved,
        aliases=_aliases(tiny_id, alias, source_id),
    )
    return build_record(TOOL, fields, place, options)


def _csv_time(value: object, place: Place, name: str) -> datetime:
    """ISO 8601 with a zone, or epoch milliseconds (which are UTC by definition)."""
    text = required_text(value, place, name, max_length=64)
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    return required_zoned_timestamp(text, place, name)


def looks_like_api_record(item: Mapping[str, object]) -> bool:
    return bool(API_KEYS & item.keys())
