"""What every incident importer shares: the options (severity map, which
component each tool's service is), severity and time parsing with incident-specific diagnostics, and
the helpers that turn an export's raw values into an `ImportedIncident`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from charter.model.catalog import CatalogEntity
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Severity
from charter.model.estate import Estate
from charter.model.file_formats import IncidentFormat
from charter.model.imported_incident import ImportedIncident, IncidentStatus
from charter.model.incident import Incident
from charter.sources.limits import ANY_TIME
from charter.sources.records import (
    PLAUSIBLE_TIME_HINT,
    TIMESTAMP_HINT,
    BadRecord,
    FirstPlaces,
    Place,
    RawRecord,
    Skipped,
    bad_record,
    csv_records,
    parse_timestamp,
    text_value,
)

# IMP022 is raised by each tool's reader (IncidentRecordError) and reported here.
CODES = Codes(
    Rule(
        "IMP020",
        "Incident service matches no component",
        Severity.WARNING,
        rationale="An imported incident on a service no component claims counts for no team; it is imported anyway.",
        fix=(
            "Name the component like the service, or annotate it with `pagerduty.com/service-id`, "
            "`opsgenie.com/component-selector` or `charter.dev/incident-service`."
        ),
        example="""\
# facts/incidents-pagerduty.json
{"incidents": [{"id": "Q1", "service": {"id": "PXYZ", "summary": "Payments API"}, ...}]}
# and no component is called payments-api or annotated pagerduty.com/service-id: PXYZ
""",
    ),
    Rule(
        "IMP021",
        "Unknown incident severity",
        Severity.ERROR,
        rationale=(
            "A severity, priority or urgency Charter cannot map to SEV1..SEV5 would miscount every severity-based "
            "number."
        ),
        fix="Map it in charter.yaml: `spec.sources.incidents.severityMap: {NAME: SEV2}`.",
        example="""\
# facts/incidents-incident-io.csv
ID,Reference,Name,Status,Severity,...
01H,INC-7,Checkout errors,Closed,Blocker,...     # Blocker: spec.sources.incidents.severityMap
""",
    ),
    Rule(
        "IMP022",
        "Unknown incident state",
        Severity.ERROR,
        rationale="An incident state Charter does not know cannot be told open or resolved.",
        fix="Export the incidents as the tool writes them, or correct the status column.",
        example="""\
# facts/incidents-opsgenie.csv
TinyId,Message,Status,Priority,...
17,Checkout errors,snoozed,P2,...
""",
    ),
    Rule(
        "IMP023",
        "Incident time without a time zone",
        Severity.ERROR,
        rationale="Incident tools write times with a zone; a time without one would be off by hours in MTTA and MTTR.",
        fix="Export times in ISO 8601 with `Z` or an offset (2024-05-01T14:30:00Z).",
        example="""\
# facts/incidents-incident-io.csv
ID,...,Created At,...
01H,...,2026-03-01 10:00:00,...     # 2026-03-01T10:00:00Z
""",
    ),
)
diagnostic = CODES.diagnostic


# Severity ------------------------------------------------------------------------------------------

# Built-in mappings, after `spec.sources.incidents.severityMap`. PagerDuty's urgency is two-valued:
# high pages someone now (SEV2, the usual "major" threshold), low waits for working hours (SEV4).
DEFAULT_SEVERITIES: dict[str, str] = {
    **{f"p{number}": f"SEV{number}" for number in range(1, 6)},
    **{f"sev{number}": f"SEV{number}" for number in range(1, 6)},
    "pagerduty:high": "SEV2",
    "pagerduty:low": "SEV4",
    "critical": "SEV1",
    "major": "SEV2",
    "high": "SEV2",
    "medium": "SEV3",
    "moderate": "SEV3",
    "minor": "SEV3",
    "low": "SEV4",
    "info": "SEV5",
    "informational": "SEV5",
}
_SEVERITY_LIKE = re.compile(r"^(sev|p)[\s_-]?([1-5])$", re.IGNORECASE)


class IncidentRecordError(BadRecord):
    """A bad record with its own code (IMP021..IMP023) instead of the generic IMP002."""

    def __init__(self, code: str, message: str, place: Place, hint: str | None = None) -> None:
        super().__init__(message, place, hint)
        self.code = code


def record_diagnostic(error: BadRecord) -> Diagnostic:
    found = bad_record(error.message, error.place, error.hint)
    if isinstance(error, IncidentRecordError):
        return replace(found, code=error.code, severity=CODES[error.code].severity)
    return found


@dataclass(frozen=True, slots=True)
class IncidentImportOptions:
    """How to read a file: its format (None: from the content), the severity map of charter.yaml
    (keys lower-cased), and which component each tool service name, id or tag belongs to (keys
    lower-cased; None: no catalog, services are kept as the tool names them)."""

    input_format: IncidentFormat | None = None
    severity_map: Mapping[str, str] = field(default_factory=dict)
    service_components: Mapping[str, str] | None = None

    def severity(self, tool: IncidentFormat, value: str | None, place: Place) -> str:
        """SEV1..SEV5 for a tool's severity, priority or urgency name; IMP021 when none maps."""
        configured = {key.lower(): severity for key, severity in self.severity_map.items()}
        if value is None:
            if "default" in configured:
                return configured["default"]
            raise IncidentRecordError(
                "IMP021",
                "the incident has no severity",
                place,
                "Set one in the tool, or give `severityMap: {default: SEV3}` under charter.yaml's "
                "`spec.sources.incidents`.",
            )
        name = value.strip().lower()
        for key in (f"{tool.value}:{name}", name):
            if key in configured:
                return configured[key]
        for key in (f"{tool.value}:{name}", name):
            if key in DEFAULT_SEVERITIES:
                return DEFAULT_SEVERITIES[key]
        match = _SEVERITY_LIKE.match(name)
        if match:
            return f"SEV{match.group(2)}"
        raise IncidentRecordError(
            "IMP021",
            f"severity {value!r} maps to none of SEV1..SEV5",
            place,
            f"Map it in charter.yaml: `spec.sources.incidents.severityMap: {{{value!r}: SEV2}}`.",
        )

    def components(self, candidates: Iterable[str]) -> tuple[str, ...]:
        """The components these tool service names, ids or tags belong to, in first-seen order."""
        if self.service_components is None:
            return ()
        found = (self.service_components.get(name.strip().lower()) for name in candidates if name)
        return tuple(dict.fromkeys(component for component in found if component is not None))


# Values --------------------------------------------------------------------------------------------


def zoned_timestamp(value: object, place: Place, name: str) -> datetime | None:
    """An ISO 8601 time that names its zone, as aware UTC; None when absent. IMP023 without a zone."""
    text = text_value(value, place, name, max_length=64)
    if text is None:
        return None
    if not _has_zone(text):
        raise IncidentRecordError("IMP023", f"`{name}` {text!r} has no time zone", place)
    try:
        moment = parse_timestamp(text)
    except (ValueError, OverflowError):
        raise BadRecord(f"`{name}` is not an ISO 8601 time: {text!r}", place, TIMESTAMP_HINT) from None
    problem = ANY_TIME.problem(moment)
    if problem is not None:
        raise BadRecord(f"`{name}` {problem}", place, PLAUSIBLE_TIME_HINT)
    return moment


def required_zoned_timestamp(value: object, place: Place, name: str) -> datetime:
    moment = zoned_timestamp(value, place, name)
    if moment is None:
        raise BadRecord(f"`{name}` is missing", place, TIMESTAMP_HINT)
    return moment


_ZONE = re.compile(r"(Z|[+-]\d\d(:?\d\d)?)$", re.IGNORECASE)


def _has_zone(text: str) -> bool:
    """Whether the time of day ends with `Z` or an offset; a date alone has no zone."""
    stripped = text.strip()
    time_starts = max(stripped.upper().rfind("T"), stripped.rfind(" "))
    return time_starts > 0 and bool(_ZONE.search(stripped[time_starts + 1 :]))


def after_seconds(
    start: datetime, value: object, place: Place, name: str, *, milliseconds: bool = False
) -> datetime | None:
    """`start` plus a duration the export gives in seconds (or milliseconds); None when absent."""
    if value is None or value == "":
        return None
    try:
        amount = float(value) if isinstance(value, int | float | str) and not isinstance(value, bool) else None
    except ValueError:
        amount = None
    if amount is None or amount < 0:
        raise BadRecord(f"`{name}` must be a non-negative number, not {value!r}", place)
    return start + timedelta(milliseconds=amount) if milliseconds else start + timedelta(seconds=amount)


def earliest(*moments: datetime | None) -> datetime | None:
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else None


def split_names(value: object, place: Place, name: str) -> tuple[str, ...]:
    """A list of names from a JSON array of text, or CSV text separated by commas or semicolons."""
    if value is None or value == "":
        return ()
    if isinstance(value, list):
        return tuple(text for index, item in enumerate(value) if (text := text_value(item, place.field(index), name)))
    text = text_value(value, place, name, max_length=4000) or ""
    return tuple(part.strip() for part in re.split(r"[,;]", text) if part.strip())


def check_sequence(incident: Incident, place: Place) -> None:
    """Detected, acknowledged and resolved may not precede the start."""
    assert incident.started is not None
    for name in ("detected", "acknowledged", "resolved"):
        moment = getattr(incident, name)
        if moment is not None and moment < incident.started:
            raise BadRecord(
                f"`{name}` ({moment.isoformat()}) is before the start ({incident.started.isoformat()})",
                place,
                "Correct the export's times.",
            )


# What a reader yields: a record with its place and the tool services no component claims.
Parsed = tuple[ImportedIncident, Place, tuple[str, ...]] | Diagnostic | Skipped


def parsed_csv_rows(
    path: Path,
    required: Mapping[str, tuple[str, ...]],
    parse: Callable[[RawRecord, IncidentImportOptions], Parsed],
    options: IncidentImportOptions,
) -> Iterator[Parsed]:
    """Each row of a tool's CSV export through `parse`: a row it refuses, and the file's own problems
    (a missing column), as diagnostics naming the line."""
    for row in csv_records(path, required):
        if isinstance(row, Diagnostic):
            yield row
            continue
        try:
            yield parse(row, options)
        except BadRecord as error:
            yield record_diagnostic(error)


def with_unmatched_warnings(parsed: Iterable[Parsed]) -> Iterator[ImportedIncident | Diagnostic | Skipped]:
    """Pass records and diagnostics through; one IMP020 warning for the first record of each tool
    service no component claims."""
    warned: set[str] = set()
    ids = FirstPlaces("incident")
    for item in parsed:
        if not isinstance(item, tuple):
            yield item
            continue
        record, place, unmatched = item
        duplicate = ids.duplicate(record.source_id, place)
        if duplicate is not None:
            yield duplicate
            continue
        for name in unmatched:
            if name in warned:
                continue
            warned.add(name)
            where = f" (first at {place.json_path})" if place.json_path else ""
            yield diagnostic(
                "IMP020",
                f"service {name!r} matches no component{where}; its incidents are imported under that name",
                place.location(),
                entity=f"incident:{record.incident.id}",
            )
        yield record


# Services ------------------------------------------------------------------------------------------

INCIDENT_SERVICE_ANNOTATIONS = (
    "pagerduty.com/service-id",  # Backstage's PagerDuty plugin
    "opsgenie.com/component-selector",  # Backstage's Opsgenie plugin
    "charter.dev/incident-service",  # any tool's service names, comma-separated
)


def service_components(estate: Estate) -> dict[str, str]:
    """Lower-cased tool service name, id or tag -> component key: every component's own name, and
    the values of its incident service annotations (comma-separated)."""
    from charter.analysis.component_sources import component_key

    index: dict[str, str] = {}
    annotated: dict[str, str] = {}
    for ref, entity in sorted(estate.entities.items(), key=lambda item: str(item[0])):
        if ref.kind != "component" or not isinstance(entity, CatalogEntity):
            continue
        key = component_key(ref)
        index.setdefault(ref.name.lower(), key)
        for annotation in INCIDENT_SERVICE_ANNOTATIONS:
            for value in str(entity.annotations.get(annotation, "")).split(","):
                if value.strip():
                    annotated.setdefault(value.strip().lower(), key)
    return {**index, **annotated}  # an explicit annotation wins over a name that happens to match


# Building a record ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fields:
    """What a reader found in one record, before services are matched and times checked."""

    source_id: str
    id: str
    title: str
    severity: str
    status: IncidentStatus
    started: datetime
    source_severity: str | None = None
    services: tuple[str, ...] = ()  # names, ids or tags that may name a component
    fallback_services: tuple[str, ...] = ()  # the service names kept when no component matches
    service_ids: tuple[str, ...] = ()
    detected: datetime | None = None
    acknowledged: datetime | None = None
    resolved: datetime | None = None
    aliases: tuple[str, ...] = ()
    cause: str | None = None
    postmortem_url: str | None = None
    url: str | None = None


def build_record(
    tool: IncidentFormat, fields: Fields, place: Place, options: IncidentImportOptions
) -> tuple[ImportedIncident, Place, tuple[str, ...]]:
    """The record, with its services matched to components; raises BadRecord on times out of order."""
    components = options.components(fields.services)
    services: tuple[str, ...] = components
    unmatched: tuple[str, ...] = ()
    if not components:  # no component claims any of them: keep the tool's service names, and say so
        services = fields.fallback_services
        unmatched = () if options.service_components is None else fields.fallback_services
    incident = Incident(
        id=fields.id,
        title=fields.title,
        severity=fields.severity,
        services=services,
        started=fields.started,
        detected=fields.detected,
        acknowledged=fields.acknowledged,
        resolved=fields.resolved if fields.status is IncidentStatus.RESOLVED else None,
        cause=fields.cause,
        aliases=tuple(dict.fromkeys(alias for alias in fields.aliases if alias and alias != fields.id)),
    )
    check_sequence(incident, place)
    record = ImportedIncident(
        incident,
        tool,
        fields.source_id,
        fields.status,
        fields.source_severity,
        fields.service_ids,
        fields.postmortem_url,
        fields.url,
    )
    return record, place, unmatched
