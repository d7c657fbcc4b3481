"""The server's tokens and audit log as views: what `charter token list` prints and the admin API
returns. Never the token itself: its first characters tell tokens apart."""

from __future__ import annotations

from typing import ClassVar

from charter.outputs.views.base import IsoDateTime, ReportView, View


class TokenView(View):
    id: int
    name: str
    role: str
    prefix: str
    state: str  # active | expired | revoked
    created: IsoDateTime
    expires: IsoDateTime | None
    last_used: IsoDateTime | None
    revoked: IsoDateTime | None


class TokenList(ReportView):
    report: ClassVar[str] = "tokens"

    tokens: list[TokenView]
    total: int
    offset: int = 0
    limit: int | None = None


class CreatedTokenView(View):
    """A token just made: the secret appears here once and is never shown again."""

    token: str
    details: TokenView


class AuditEntryView(View):
    id: int
    at: IsoDateTime
    actor: str
    action: str
    target: str
    detail: str


class AuditLog(ReportView):
    report: ClassVar[str] = "audit-log"

    entries: list[AuditEntryView]
    total: int
    offset: int
    limit: int
