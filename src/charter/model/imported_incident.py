"""An incident as an incident tool's export gives it (PagerDuty, Opsgenie, incident.io): what an
incident source yields and the store keeps, with where it came from and the tool's own status."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from charter.model.file_formats import IncidentFormat
from charter.model.incident import Incident


class IncidentStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class ImportedIncident:
    """One incident of an export: the Incident as analysis reads it, plus where it came from.
    `source` + `source_id` is its identity in the store; `service_ids` are the tool's own ids."""

    incident: Incident
    source: IncidentFormat | str  # `webhook` for incidents posted to the server
    source_id: str
    status: IncidentStatus
    source_severity: str | None = None
    service_ids: tuple[str, ...] = ()
    postmortem_url: str | None = None
    url: str | None = None
