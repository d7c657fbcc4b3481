"""The components in a scope, one page of them at a time: the list the dashboard's filters draw from."""

from __future__ import annotations

from typing import ClassVar

from charter.outputs.views.base import ReportView, View


class ComponentItem(View):
    component: str
    title: str | None
    type: str | None
    owner: str | None
    system: str | None
    tier: int | None
    lifecycle: str | None


class ComponentList(ReportView):
    report: ClassVar[str] = "components"

    components: list[ComponentItem]
    total: int
    offset: int
    limit: int
