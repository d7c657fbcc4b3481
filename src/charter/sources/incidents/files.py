"""Reading one incident export file: which tool wrote it (from its content, or `--input-format`),
and whether it is JSON or CSV; its records are yielded one by one."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from charter.model.codes import Codes
from charter.model.diagnostics import Diagnostic, Location
from charter.model.file_formats import IncidentFormat
from charter.model.imported_incident import ImportedIncident
from charter.sources.incidents import incident_io, opsgenie, pagerduty
from charter.sources.incidents.common import (
    IncidentImportOptions,
    Parsed,
    record_diagnostic,
    with_unmatched_warnings,
)
from charter.sources.records import CODES as RECORD_CODES
from charter.sources.records import (
    BadRecord,
    ImportFileError,
    Place,
    Skipped,
    field_key,
    first_text,
    json_document,
    mapping_value,
    unreadable,
)

CODES = Codes(
    uses=(RECORD_CODES["IMP003"],),
)
diagnostic = CODES.diagnostic


_JsonParser = Callable[[Mapping[str, object], Place, IncidentImportOptions], Parsed]
# Each tool's parser of one API object, and what its objects are called in messages.
_JSON_PARSERS: dict[IncidentFormat, tuple[str, _JsonParser]] = {
    IncidentFormat.PAGERDUTY: ("incident", pagerduty.api_incident),
    IncidentFormat.OPSGENIE: ("alert", opsgenie.api_record),
    IncidentFormat.INCIDENT_IO: ("incident", incident_io.api_incident),
}
_LOOKS_LIKE: dict[IncidentFormat, Callable[[Mapping[str, object]], bool]] = {
    IncidentFormat.INCIDENT_IO: incident_io.looks_like_api_incident,
    IncidentFormat.OPSGENIE: opsgenie.looks_like_api_record,
    IncidentFormat.PAGERDUTY: pagerduty.looks_like_api_incident,
}
# The keys that hold the list of records in each tool's API answer.
_LIST_KEYS = ("incidents", "data")


def read_incident_file(path: Path, options: IncidentImportOptions) -> Iterator[ImportedIncident | Diagnostic | Skipped]:
    """Every incident of the file, a diagnostic for each bad record and each unmatched service.
    Raises ImportFileError (IMP001, IMP003) when the file as a whole cannot be read."""
    start = first_text(path)
    parsed = _json_file(path, options) if start.startswith(("{", "[")) else _csv_file(path, options)
    yield from with_unmatched_warnings(parsed)


def _json_file(path: Path, options: IncidentImportOptions) -> Iterator[Parsed]:
    document = json_document(path)
    items, root = _records_of(document, path)
    tool = options.input_format or _tool_of_json(items, path)
    kind, parse = _JSON_PARSERS[tool]
    for index, item in enumerate(items):
        place = Place(str(path), 0, f"{root}[{index}]")
        try:
            yield parse(mapping_value(item, place, kind), place, options)
        except BadRecord as error:
            yield record_diagnostic(error)


def _records_of(document: object, path: Path) -> tuple[list[object], str]:
    """The array of records and its JSON path: a bare array, `incidents`, `data`, or one `incident`."""
    if isinstance(document, list):
        return document, "$"
    if isinstance(document, dict):
        for key in _LIST_KEYS:
            if isinstance(document.get(key), list):
                return document[key], f"$.{key}"
        if isinstance(document.get("incident"), dict):
            return [document["incident"]], "$.incident"
        if "id" in document:
            return [document], "$"
    raise unreadable(path, "a JSON document without an `incidents` or `data` array of records", 1, 1)


def _tool_of_json(items: list[object], path: Path) -> IncidentFormat:
    first = next((item for item in items if isinstance(item, dict)), None)
    if first is None:
        if not items:
            return IncidentFormat.PAGERDUTY  # an empty export imports nothing, whoever wrote it
        raise _unknown_format(path, "the JSON array holds no objects")
    for tool, looks_like in _LOOKS_LIKE.items():
        if looks_like(first):
            return tool
    raise _unknown_format(path, "the JSON records have none of PagerDuty's, Opsgenie's or incident.io's fields")


def _csv_file(path: Path, options: IncidentImportOptions) -> Iterator[Parsed]:
    columns = _header(path)
    tool = options.input_format or _tool_of_csv(columns, path)
    if tool is IncidentFormat.PAGERDUTY:
        yield from pagerduty.csv_incidents(path, columns, options)
    elif tool is IncidentFormat.OPSGENIE:
        yield from opsgenie.csv_alerts(path, options)
    else:
        yield from incident_io.csv_incidents(path, options)


def _header(path: Path) -> set[str]:
    line = first_text(path, 65536).partition("\n")[0]
    try:
        row = next(csv.reader([line]), [])
    except csv.Error as error:
        raise unreadable(path, f"not CSV: {error}", 1) from None
    return {field_key(name) for name in row}


def _tool_of_csv(columns: set[str], path: Path) -> IncidentFormat:
    if columns >= pagerduty.DEVLAKE_KEYS or pagerduty.CSV_KEYS & columns:
        return IncidentFormat.PAGERDUTY
    if opsgenie.CSV_KEYS & columns:
        return IncidentFormat.OPSGENIE
    if incident_io.CSV_KEYS & columns:
        return IncidentFormat.INCIDENT_IO
    raise _unknown_format(path, "neither JSON nor a CSV header of PagerDuty, Opsgenie or incident.io")


def _unknown_format(path: Path, reason: str) -> ImportFileError:
    return ImportFileError(
        diagnostic(
            "IMP003",
            f"cannot tell which tool wrote {path}: {reason}",
            Location(str(path)),
            hint="Pass `--input-format pagerduty`, `opsgenie` or `incident-io`.",
        )
    )
