"""The answers of the webhook endpoints: what a post of events did, what was wrong with one that
was refused (every bad field at its JSON path), and the outgoing subscriptions."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from charter.outputs.views.base import IsoDateTime, ReportView, View


class IngestView(View):
    """A post of events taken: how many it held, how many were new and written, how many came before."""

    kind: str
    received: int
    written: int
    duplicates: int


class EventProblemView(View):
    path: str
    message: str
    hint: str | None = None


class EventsRefusedView(View):
    """A post refused: why, and for a 422 every bad field; nothing of it was written."""

    detail: str
    problems: list[EventProblemView] = []


class WebhookView(View):
    """A subscription (never its secret) and its outbox: messages waiting, delivered and given up."""

    id: int
    url: str
    events: list[str]
    created: IsoDateTime
    created_by: str
    state: str  # active | disabled
    disabled_reason: str | None
    pending: int
    delivered: int
    failed: int


class WebhookList(ReportView):
    report: ClassVar[str] = "webhooks"

    webhooks: list[WebhookView]
    total: int


class CreatedWebhookView(View):
    """A subscription just made: the signing secret, for the receiver to verify with, shown once."""

    secret: str
    details: WebhookView


class WebhookRequest(View):
    url: Annotated[str, Field(min_length=1, max_length=2000)]
    events: Annotated[list[str], Field(min_length=1, max_length=10)]
