"""The server's lists laid out, each as one table: `charter token list`, the audit log, the components."""

from __future__ import annotations

from datetime import datetime

from charter.outputs.document import Document
from charter.outputs.reports.listing import listing_document
from charter.outputs.views.components import ComponentList
from charter.outputs.views.tokens import AuditLog, TokenList

NONE = "—"


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else NONE


def tokens_document(view: TokenList) -> Document:
    header = ["id", "name", "role", "token starts", "state", "created", "expires", "last used"]
    rows = [
        [
            str(token.id),
            token.name,
            token.role,
            token.prefix + "…",
            token.state,
            _when(token.created),
            _when(token.expires) if token.expires else "never",
            _when(token.last_used),
        ]
        for token in view.tokens
    ]
    return listing_document(f"Tokens ({view.total})", header, rows)


def audit_document(view: AuditLog) -> Document:
    header = ["at", "actor", "action", "target", "detail"]
    rows = [[_when(entry.at), entry.actor, entry.action, entry.target, entry.detail] for entry in view.entries]
    return listing_document(f"Audit log ({view.total} entries)", header, rows)


def components_document(view: ComponentList) -> Document:
    header = ["component", "type", "owner", "system", "tier", "lifecycle"]
    rows = [
        [
            item.component,
            item.type or NONE,
            item.owner or NONE,
            item.system or NONE,
            str(item.tier) if item.tier is not None else NONE,
            item.lifecycle or NONE,
        ]
        for item in view.components
    ]
    return listing_document(f"Components ({view.total})", header, rows)
