"""The answers of the webhook endpoints: what a post of events did, and what was wrong with one
that was refused (every bad field at its JSON path)."""

from __future__ import annotations

from charter.outputs.views.base import View


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
