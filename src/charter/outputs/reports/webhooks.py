"""`charter webhook list` laid out as one table."""

from __future__ import annotations

from charter.outputs.document import Document
from charter.outputs.reports.listing import listing_document
from charter.outputs.views.events import WebhookList


def webhooks_document(view: WebhookList) -> Document:
    header = ["id", "url", "events", "state", "created", "by", "pending", "delivered", "failed"]
    rows = [
        [
            str(item.id),
            item.url,
            ", ".join(item.events),
            item.state if item.disabled_reason is None else f"{item.state}: {item.disabled_reason}",
            item.created.strftime("%Y-%m-%d %H:%M"),
            item.created_by,
            str(item.pending),
            str(item.delivered),
            str(item.failed),
        ]
        for item in view.webhooks
    ]
    return listing_document(f"Webhook subscriptions ({view.total})", header, rows)
