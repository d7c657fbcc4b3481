"""Webhook event bodies (`POST /api/v1/events/deployments|incidents`): a JSON object or a list of
them, read into the same records `charter import` writes, with every bad field reported at its JSON
path (`$[2].sha`) rather than the first one only. Each record carries its event id, the key that
makes a repeated delivery change nothing.

Deployments take the fields of `charter import deployments`' JSON Lines records (`component`,
`environment`, `sha`, `finished`, `started`, `status`, `id`, `rollbackOf`, `hotfixFor`, `incident`).
Incidents take the fields of an incident record: `id`, `title`, `severity` (SEV1..SEV5, or a name
charter.yaml's `severityMap` maps), `services` (component names, or the tool service names the
catalog's incident annotations claim), `status` (open, acknowledged, resolved; resolved when
`resolved` is given), `started`, `detected`, `acknowledged`, `resolved`, `cause`, `causedBy`
(`{deployment: ID}` or `{change: SHA}`), `aliases`, `url`, `postmortemUrl`. Both take an optional
`eventId`; without one the event id is the `webhook-id` header (with `#N` for the N-th item of a
list), else the deployment's id, else the incident's id and a digest of its content (so that an
incident's later update is a new event)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from charter.model.delivery import Deployment, DeploymentStatus
from charter.model.imported_incident import ImportedIncident, IncidentStatus
from charter.model.incident import Incident
from charter.sources.deployments import (
    COMPONENT,
    ENVIRONMENT,
    FINISHED,
    HOTFIX_FOR,
    ID,
    INCIDENT,
    ROLLBACK_OF,
    SHA,
    STARTED,
    STATUS,
    component_value,
    status_value,
)
from charter.sources.incidents.common import IncidentImportOptions, check_sequence
from charter.sources.records import (
    BadRecord,
    Place,
    RawRecord,
    commit_sha_value,
    field_key,
    required_text,
    required_timestamp,
    text_value,
    timestamp_value,
)

T = TypeVar("T")
R = TypeVar("R")

WEBHOOK_SOURCE = "webhook"
BODY = "request body"
EVENT_ID = ("eventid",)
MAX_EVENTS = 10_000
_SEVERITIES = frozenset(f"SEV{number}" for number in range(1, 6))


@dataclass(frozen=True, slots=True)
class EventProblem:
    """One bad field of one event: its JSON path, what is wrong and how to fix it."""

    path: str
    message: str
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class ReceivedEvent(Generic[R]):
    """One valid event: its id (for idempotency) and the record it carries."""

    event_id: str
    record: R


@dataclass(slots=True)
class ParsedEvents(Generic[R]):
    """What a body held: its valid events, and every problem of the others (none: all valid)."""

    events: list[ReceivedEvent[R]] = field(default_factory=list)
    problems: list[EventProblem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EventContext:
    """What reading needs of the strategy: the catalog's components (keys) and which component
    each incident tool service name belongs to, and the incident severity map."""

    components: Collection[str]
    incident_options: IncidentImportOptions


class _Fields:
    """Reads the fields of one object, each on its own, keeping every problem."""

    def __init__(self, item: Mapping[str, object], place: Place) -> None:
        self.record = RawRecord({field_key(name): value for name, value in item.items()}, place)
        self.place = place
        self.problems: list[EventProblem] = []

    def read(self, name: str, names: Sequence[str], reader: Callable[[object, Place], T]) -> T | None:
        where = self.place.field(name)
        try:
            return reader(self.record.get(*names), where)
        except BadRecord as error:
            self.problems.append(EventProblem(error.place.json_path or where.described(), error.message, error.hint))
            return None

    def problem(self, name: str, message: str, hint: str | None = None) -> None:
        self.problems.append(EventProblem(self.place.field(name).json_path or name, message, hint))


def event_items(document: object) -> tuple[list[tuple[object, Place]], list[EventProblem]]:
    """The body's objects with their places: `$` for one object, `$[i]` for a list's items."""
    if isinstance(document, dict):
        return [(document, Place(BODY, 0, "$"))], []
    if isinstance(document, list):
        if not document:
            return [], [EventProblem("$", "the list holds no events", "Send one event object or a list of them.")]
        if len(document) > MAX_EVENTS:
            return [], [EventProblem("$", f"{len(document)} events; at most {MAX_EVENTS} fit in one request")]
        return [(item, Place(BODY, 0, f"$[{index}]")) for index, item in enumerate(document)], []
    return [], [EventProblem("$", "the body must be a JSON object or a list of objects")]


def read_deployment_events(document: object, context: EventContext, message_id: str | None) -> ParsedEvents[Deployment]:
    """The deployments of a body, each checked field by field; an unknown component is a problem."""
    return _read_events(document, context, message_id, _deployment, lambda deployment, _item: deployment.id)


def _deployment(
    item: Mapping[str, object], place: Place, context: EventContext
) -> tuple[Deployment | None, str | None, list[EventProblem]]:
    fields = _Fields(item, place)
    component = fields.read("component", COMPONENT, lambda value, where: component_value(value, where, None))
    if component is not None and component not in context.components:
        fields.problem(
            "component", f"component {component!r} is not in the catalog", "Name a component of the catalog."
        )
        component = None
    sha = fields.read("sha", SHA, lambda value, where: commit_sha_value(value, where, "sha"))
    finished = fields.read("finished", FINISHED, lambda value, where: required_timestamp(value, where, "finished"))
    started = fields.read("started", STARTED, lambda value, where: timestamp_value(value, where, "started"))
    environment = fields.read(
        "environment", ENVIRONMENT, lambda value, where: required_text(value, where, "environment", max_length=200)
    )
    status = fields.read("status", STATUS, status_value)
    given_id = fields.read("id", ID, lambda value, where: text_value(value, where, "id", numbers=True))
    if given_id is not None and given_id.startswith("tag:"):
        fields.problem("id", f"`id` {given_id!r} starts with `tag:`, which names release-tag deployments")
    rollback_of = fields.read("rollbackOf", ROLLBACK_OF, lambda value, where: text_value(value, where, "rollbackOf"))
    hotfix_for = fields.read("hotfixFor", HOTFIX_FOR, lambda value, where: text_value(value, where, "hotfixFor"))
    incident = fields.read("incident", INCIDENT, lambda value, where: text_value(value, where, "incident"))
    event_id = fields.read("eventId", EVENT_ID, lambda value, where: text_value(value, where, "eventId", numbers=True))
    if started is not None and finished is not None and started > finished:
        fields.problem("started", f"`started` ({started.isoformat()}) is after `finished` ({finished.isoformat()})")
    if fields.problems or component is None or sha is None or finished is None or environment is None:
        return None, None, fields.problems
    deployment = Deployment(
        id=given_id or Deployment.derived_id(component, sha, finished),
        component=component,
        environment=environment,
        commit_sha=sha,
        finished=finished,
        status=status or DeploymentStatus.SUCCESS,
        started=started,
        rollback_of=rollback_of,
        hotfix_for=hotfix_for,
        incident=incident,
        source=WEBHOOK_SOURCE,
    )
    return deployment, event_id, []


def read_incident_events(
    document: object, context: EventContext, message_id: str | None
) -> ParsedEvents[ImportedIncident]:
    """The incidents of a body, each checked field by field; services no component claims are a problem.
    Without an event id, an incident's is its own id with a digest of its content (a later state of
    an incident is a new event)."""
    return _read_events(
        document, context, message_id, _incident, lambda record, item: f"incident:{record.source_id}:{_digest(item)}"
    )


def _read_events(
    document: object,
    context: EventContext,
    message_id: str | None,
    read_one: Callable[[Mapping[str, object], Place, EventContext], tuple[R | None, str | None, list[EventProblem]]],
    own_id: Callable[[R, Mapping[str, object]], str],
) -> ParsedEvents[R]:
    """A body's events read by `read_one`, each with its event id: the event's own `eventId`, else
    the `webhook-id` header's (`id#N` for the N-th of a list), else `own_id` of the record."""
    items, problems = event_items(document)
    parsed: ParsedEvents[R] = ParsedEvents(problems=problems)
    seen: dict[str, str] = {}
    for index, (item, place) in enumerate(items):
        if not isinstance(item, dict):
            parsed.problems.append(EventProblem(place.json_path or "$", "an event must be a JSON object"))
            continue
        record, event_id, problems = read_one(item, place, context)
        parsed.problems.extend(problems)
        if record is None:
            continue
        chosen = event_id or _from_message(message_id, index, len(items), document) or own_id(record, item)
        _keep(parsed, seen, chosen, record, place)
    return parsed


def _incident(
    item: Mapping[str, object], place: Place, context: EventContext
) -> tuple[ImportedIncident | None, str | None, list[EventProblem]]:
    fields = _Fields(item, place)
    incident_id = fields.read("id", ID, lambda value, where: required_text(value, where, "id", max_length=200))
    title = fields.read("title", ("title",), lambda value, where: required_text(value, where, "title", max_length=400))
    severity = fields.read("severity", ("severity",), lambda value, where: _severity(value, where, context))
    services = fields.read("services", ("services",), lambda value, where: _services(value, where, context))
    started = fields.read("started", ("started",), lambda value, where: required_timestamp(value, where, "started"))
    detected = fields.read("detected", ("detected",), lambda value, where: timestamp_value(value, where, "detected"))
    acknowledged = fields.read(
        "acknowledged", ("acknowledged",), lambda value, where: timestamp_value(value, where, "acknowledged")
    )
    resolved = fields.read("resolved", ("resolved",), lambda value, where: timestamp_value(value, where, "resolved"))
    status = fields.read("status", ("status",), lambda value, where: _status(value, where, resolved))
    cause = fields.read("cause", ("cause",), lambda value, where: text_value(value, where, "cause", max_length=200))
    caused_by = fields.read("causedBy", ("causedby",), _caused_by)
    aliases = fields.read("aliases", ("aliases",), lambda value, where: _texts(value, where, "aliases"))
    url = fields.read("url", ("url",), lambda value, where: text_value(value, where, "url", max_length=2000))
    postmortem_url = fields.read(
        "postmortemUrl",
        ("postmortemurl",),
        lambda value, where: text_value(value, where, "postmortemUrl", max_length=2000),
    )
    event_id = fields.read("eventId", EVENT_ID, lambda value, where: text_value(value, where, "eventId", numbers=True))
    if fields.problems or not (incident_id and title and severity and services and started and status):
        return None, None, fields.problems
    deployment, change = caused_by or (None, None)
    incident = Incident(
        id=incident_id,
        title=title,
        severity=severity,
        services=services,
        started=started,
        detected=detected,
        acknowledged=acknowledged,
        resolved=resolved if status is IncidentStatus.RESOLVED else None,
        cause=cause,
        caused_by_deployment=deployment,
        caused_by_change=change,
        aliases=tuple(alias for alias in aliases or () if alias != incident_id),
    )
    try:
        check_sequence(incident, place)
    except BadRecord as error:
        return None, None, [EventProblem(place.json_path or "$", error.message, error.hint)]
    record = ImportedIncident(incident, WEBHOOK_SOURCE, incident_id, status, None, (), postmortem_url, url)
    return record, event_id, []


def _severity(value: object, place: Place, context: EventContext) -> str:
    text = required_text(value, place, "severity", max_length=64)
    if text.upper() in _SEVERITIES:
        return text.upper()
    configured = {key.lower(): severity for key, severity in context.incident_options.severity_map.items()}
    found = configured.get(f"{WEBHOOK_SOURCE}:{text.lower()}") or configured.get(text.lower())
    if found is None:
        raise BadRecord(
            f"severity {text!r} maps to none of SEV1..SEV5",
            place,
            f"Send SEV1..SEV5, or map it in charter.yaml: `spec.sources.incidents.severityMap: {{{text!r}: SEV2}}`.",
        )
    return found


def _services(value: object, place: Place, context: EventContext) -> tuple[str, ...]:
    names = _texts(value, place, "services")
    if not names:
        raise BadRecord("`services` is missing", place, "Name the components the incident hit.")
    known = context.incident_options.service_components or {}
    components = []
    for index, name in enumerate(names):
        component = known.get(name.lower())
        if component is None:
            raise BadRecord(
                f"service {name!r} is not a component of the catalog",
                place.field(index),
                "Name a component, or annotate one with `charter.dev/incident-service`.",
            )
        components.append(component)
    return tuple(dict.fromkeys(components))


def _texts(value: object, place: Place, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise BadRecord(f"`{name}` must be a list of texts", place)
    return tuple(text for index, item in enumerate(value) if (text := text_value(item, place.field(index), name)))


def _status(value: object, place: Place, resolved: datetime | None) -> IncidentStatus:
    text = text_value(value, place, "status", max_length=64)
    if text is None:
        return IncidentStatus.RESOLVED if resolved is not None else IncidentStatus.OPEN
    try:
        return IncidentStatus(text.lower())
    except ValueError:
        raise BadRecord(
            f"`status` {text!r} is not an incident status", place, "Use open, acknowledged or resolved."
        ) from None


def _caused_by(value: object, place: Place) -> tuple[str | None, str | None] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) != 1 or not {"deployment", "change"} & value.keys():
        raise BadRecord("`causedBy` must be `{deployment: ID}` or `{change: SHA}`", place)
    if "deployment" in value:
        return text_value(value["deployment"], place.field("deployment"), "deployment", numbers=True), None
    return None, commit_sha_value(value["change"], place.field("change"), "change")


def _from_message(message_id: str | None, index: int, count: int, document: object) -> str | None:
    """The event id a signed message's id gives: the id itself for one object, `id#N` in a list."""
    if message_id is None:
        return None
    return message_id if isinstance(document, dict) and count == 1 else f"{message_id}#{index}"


def _keep(parsed: ParsedEvents[T], seen: dict[str, str], event_id: str, record: T, place: Place) -> None:
    where = place.json_path or "$"
    first = seen.setdefault(event_id, where)
    if first != where:
        parsed.problems.append(
            EventProblem(where, f"event id {event_id!r} appears twice: at {first} and again here", "Send it once.")
        )
        return
    parsed.events.append(ReceivedEvent(event_id, record))


def _digest(item: Mapping[str, object]) -> str:
    canonical = json.dumps(item, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
