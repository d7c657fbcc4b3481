"""Webhooks out on the server: the subscriptions' routes (admin) under /api/v1/webhooks, and the
worker that delivers the outbox while the server runs (`deliver_forever`, started by the app)."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, FastAPI, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from charter.model.errors import CharterError
from charter.outputs.views.events import CreatedWebhookView, WebhookList, WebhookRequest, WebhookView
from charter.services import webhooks
from charter.services.dashboard import ScopedContexts
from charter.services.webhook_delivery import DeliveryPolicy, deliver_due
from charter.web.auth import Admin, settings_of
from charter.web.deps import ServerContext

LOG = logging.getLogger("charter.web")
router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
_ANSWERS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token"},
    403: {"description": "The token's role is below admin"},
}


def _json(view: Any, status_code: int = 200) -> Response:
    return Response(view.model_dump_json(by_alias=True), status_code=status_code, media_type="application/json")


@router.get("", response_model=WebhookList, responses=_ANSWERS)
def list_webhooks(_: Admin, context: ServerContext) -> Response:
    """The subscriptions (never their secrets) and their outbox."""
    return _json(webhooks.webhook_list_report(context.required_store()))


@router.post("", response_model=CreatedWebhookView, status_code=201, responses=_ANSWERS)
def add_webhook(identity: Admin, context: ServerContext, request: Request, body: WebhookRequest) -> Response:
    """Subscribe a URL to events; the answer holds the signing secret, this once. Private and
    loopback addresses are refused unless the server allows them (CHARTER_WEBHOOK_ALLOW_PRIVATE=1)."""
    allow = settings_of(request).webhook_allow_private
    created = webhooks.add_subscription(context.required_store(), body.url, body.events, allow, identity.name)
    return _json(webhooks.created_webhook_view(created), 201)


@router.delete("/{webhook_id}", response_model=WebhookView, responses=_ANSWERS)
def remove_webhook(
    identity: Admin, context: ServerContext, webhook_id: Annotated[int, Path(ge=1, le=999_999_999)]
) -> Response:
    """Remove a subscription and the messages not yet sent to it."""
    removed = webhooks.remove_subscription(context.required_store(), str(webhook_id), identity.name)
    return _json(webhooks.webhook_view(webhooks.SubscriptionState(removed, webhooks.OutboxCounts(0, 0, 0))))


async def deliver_forever(app: FastAPI) -> None:
    """Deliver the outbox's due messages every `webhook_delivery_seconds` (0: never), on a thread."""
    settings = app.state.settings
    every: float = settings.webhook_delivery_seconds
    if every <= 0:
        return
    policy = DeliveryPolicy(
        first_delay_seconds=settings.webhook_retry_seconds, allow_private=settings.webhook_allow_private
    )
    with httpx.Client(timeout=policy.timeout_seconds, follow_redirects=False) as client:
        while True:
            contexts: ScopedContexts = app.state.contexts
            try:
                sent = await run_in_threadpool(deliver_due, contexts.context.required_store(), client, policy)
                if sent.delivered or sent.retried or sent.failed or sent.disabled:
                    LOG.info("webhooks: %s", sent)
                    continue  # more may be due at once
            except CharterError as error:
                LOG.warning("webhooks: the outbox cannot be read now: %s", error)
            except Exception:  # the worker outlives a failed round (a dropped connection); it is logged
                LOG.exception("webhooks: a delivery round failed; trying again")
            await asyncio.sleep(every)
