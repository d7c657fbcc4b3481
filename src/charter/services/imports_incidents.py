"""`charter import incidents`: incidents from PagerDuty, Opsgenie and incident.io exports, each file
in its own transaction; re-importing an export updates its incidents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from charter.model.file_formats import IncidentFormat
from charter.services.context import Context
from charter.services.imports import FileImport, ImportOutcome, ImportReport, import_all_or_nothing, import_each
from charter.sources.incidents.common import IncidentImportOptions, service_components
from charter.sources.incidents.files import read_incident_file
from charter.store.database import Store
from charter.store.incidents import write_incidents


@dataclass(frozen=True, slots=True)
class IncidentImportRequest:
    """The files to import and the tool that wrote them (None: told from the content)."""

    files: tuple[Path, ...]
    input_format: IncidentFormat | None = None


def import_incident_files(context: Context, request: IncidentImportRequest) -> ImportOutcome:
    """Import incidents, their severities mapped by charter.yaml and their services to the catalog's
    components."""
    organization = context.estate.organization
    severity_map = organization.spec.sources.incidents.severity_map if organization else {}
    options = IncidentImportOptions(request.input_format, severity_map, service_components(context.estate))
    return import_each(
        context, request.files, lambda store, path: FileImport(import_incidents(store, path, options), "incidents")
    )


def import_incidents(store: Store, path: Path, options: IncidentImportOptions) -> ImportReport:
    """Import one export file in one transaction: all its incidents, or none when one is bad."""
    return import_all_or_nothing(
        store,
        path,
        read_incident_file(path, options),
        lambda connection, batch: write_incidents(connection, batch, str(path)),
    )
