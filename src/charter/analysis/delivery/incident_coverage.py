"""Whether change failure rate can be measured: a component with no incident record at all (no
incident names it, none of its deployments is linked to a failure, rolled back or hotfixed) has no
data for it, not a rate of 0% that would band elite. And which incident sources the records of a
period came from, so a reader sees what the rate rests on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from charter.analysis.delivery.failures import service_components
from charter.model.delivery import Deployment
from charter.model.incident import Incident

POSTMORTEMS = "postmortems"


@dataclass(frozen=True, slots=True)
class IncidentSource:
    """One source of incident records: `postmortems` (the strategy repository's Markdown) or the tool
    an export came from (`pagerduty`, `opsgenie`, `incident-io`); how many of its incidents started
    in the period, and the first and last start among all of them."""

    source: str
    in_period: int
    first: datetime | None
    last: datetime | None


def incident_record_components(
    incidents: Iterable[Incident], linked: Collection[str], deployments: Sequence[Deployment]
) -> frozenset[str]:
    """The components (lower-case) some incident record covers: an incident names them among its
    services, or one of their deployments is linked to a failure (`linked`: deployment ids), rolls
    another back, hotfixes it, or names an incident (`failures.is_rework`)."""
    covered = {component for incident in incidents for component in service_components(incident)}
    # One pass over what may be a million deployments: plain attribute tests, no call per deployment.
    recorded = {
        deployment.component
        for deployment in deployments
        if deployment.rollback_of or deployment.hotfix_for or deployment.incident or deployment.id in linked
    }
    covered.update(component.lower() for component in recorded)
    return frozenset(covered)


def incident_sources(incidents: Iterable[Incident], since: datetime, until: datetime) -> tuple[IncidentSource, ...]:
    """Each source of the incident records, by name: how many started in [since, until), and the
    span of all its records' starts. A postmortem merged with an export counts for both."""
    starts: Mapping[str, list[datetime | None]] = defaultdict(list)
    for incident in incidents:
        for source in sources_of(incident):
            starts[source].append(incident.started)
    found = []
    for source in sorted(starts):
        known = sorted(moment for moment in starts[source] if moment is not None)
        in_period = sum(1 for moment in known if since <= moment < until)
        found.append(IncidentSource(source, in_period, known[0] if known else None, known[-1] if known else None))
    return tuple(found)


def sources_of(incident: Incident) -> list[str]:
    """Where an incident's records came from: its postmortem file, the tool its export came from."""
    sources = [POSTMORTEMS] if incident.location is not None else []
    imported = incident.extra.get("source")
    if imported:
        sources.append(imported)
    return sources or ["unknown"]
