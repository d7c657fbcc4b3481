"""Webhooks in: `POST /api/v1/events/deployments` and `/api/v1/events/incidents` (role ingest, or
admin). The body is read as bytes, so that a Standard Webhooks signature is checked over exactly
what was sent, and handed to the events service on a thread; the answer comes after the commit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from charter.outputs.views.events import EventProblemView, EventsRefusedView, IngestView
from charter.services.dashboard import ScopedContexts
from charter.services.events import (
    EventContext,
    EventKind,
    EventsRefused,
    PostedEvents,
    event_context,
    ingest_events,
)
from charter.web.auth import Ingest, settings_of

router = APIRouter(prefix="/api/v1/events", tags=["events"])

_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"type": "object", "additionalProperties": True},
                        {"type": "array", "items": {"type": "object", "additionalProperties": True}},
                    ]
                }
            }
        },
    }
}
_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"model": IngestView, "description": "Every event had come before: nothing changed"},
    400: {"model": EventsRefusedView, "description": "The body is not JSON"},
    401: {"description": "No valid token, or (with a signing secret) no valid signature"},
    403: {"description": "The token's role is below ingest"},
    409: {"model": EventsRefusedView, "description": "A replayed signed message"},
    413: {"description": "The body is larger than the server's limit"},
    415: {"model": EventsRefusedView, "description": "The body is not JSON"},
    422: {"model": EventsRefusedView, "description": "Bad fields, each at its JSON path; nothing was written"},
}


def _checking(request: Request) -> EventContext:
    """The catalog's components as the events are checked against them, made once per strategy read."""
    contexts: ScopedContexts = request.app.state.contexts
    cached: tuple[object, EventContext] | None = getattr(request.app.state, "event_context", None)
    if cached is None or cached[0] is not contexts.context:
        cached = (contexts.context, event_context(contexts.context))
        request.app.state.event_context = cached
    return cached[1]


async def _ingest(request: Request, identity_name: str, kind: EventKind) -> Response:
    body = await request.body()
    posted = PostedEvents(body, request.headers.get("content-type"), dict(request.headers))
    contexts: ScopedContexts = request.app.state.contexts
    store = contexts.context.required_store()
    secret = settings_of(request).webhook_secret
    try:
        outcome = await run_in_threadpool(
            ingest_events,
            store,
            _checking(request),
            kind,
            posted,
            secret,
            identity_name,
            retention=request.app.state.receipt_retention,
        )
    except EventsRefused as refused:
        view = EventsRefusedView(
            detail=str(refused),
            problems=[
                EventProblemView(path=item.path, message=item.message, hint=item.hint) for item in refused.problems
            ],
        )
        return Response(
            view.model_dump_json(by_alias=True, exclude_none=True), refused.status, media_type="application/json"
        )
    taken = IngestView(
        kind=outcome.kind.value, received=outcome.received, written=outcome.written, duplicates=outcome.duplicates
    )
    return Response(
        taken.model_dump_json(by_alias=True), 201 if outcome.written else 200, media_type="application/json"
    )


@router.post("/deployments", status_code=201, response_model=IngestView, responses=_ANSWERS, openapi_extra=_BODY)
async def post_deployments(identity: Ingest, request: Request) -> Response:
    """Deployment events: one object or a list, in the fields of `charter import deployments`' JSON
    Lines records; each event id is written once."""
    return await _ingest(request, identity.name, EventKind.deployments)


@router.post("/incidents", status_code=201, response_model=IngestView, responses=_ANSWERS, openapi_extra=_BODY)
async def post_incidents(identity: Ingest, request: Request) -> Response:
    """Incident events: one object or a list, in the fields of an incident record; each event id is
    written once (an incident's later state is a new event)."""
    return await _ingest(request, identity.name, EventKind.incidents)
