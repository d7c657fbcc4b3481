"""What the webhook tests share: a server over a copy of the demo organisation with a store of its
own (SQLite in the copy, or a fresh PostgreSQL database), tokens, event bodies and signing."""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook

from charter.model.access import Role
from charter.services.tokens import create_token
from charter.store.database import open_store
from charter.store.schema import deployments, event_receipts, incidents
from charter.web.settings import WebSettings
from tests.integration.serve.conftest import running_server

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@dataclass(frozen=True)
class Ingesting:
    url: str
    root: Path
    database_url: str | None
    tokens: dict[str, str]
    components: tuple[str, ...]

    def client(self, role: str = "ingest") -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.tokens[role]}"}, timeout=60)

    def counts(self) -> dict[str, int]:
        """Webhook rows in the store: deployments, incidents and receipts."""
        with open_store(self.root, self.database_url) as store, store.transaction() as connection:

            def count(query: Any) -> int:
                return int(connection.execute(query).scalar_one())

            return {
                "deployments": count(
                    select(func.count()).select_from(deployments).where(deployments.c.source == "webhook")
                ),
                "incidents": count(select(func.count()).select_from(incidents).where(incidents.c.source == "webhook")),
                "receipts": count(select(func.count()).select_from(event_receipts)),
            }


def copy_demo(demo: Path, into: Path) -> Path:
    root = into / "org"
    shutil.copytree(demo, root, symlinks=True)
    return root


def make_tokens(root: Path, database_url: str | None) -> dict[str, str]:
    suffix = secrets.token_hex(4)
    with open_store(root, database_url) as store:
        return {role.value: create_token(store, f"hooks-{role.value}-{suffix}", role, None).secret for role in Role}


def catalog_components(root: Path, database_url: str | None, token: str, url: str) -> tuple[str, ...]:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        listed = client.get("/api/v1/components", params={"limit": 500}).json()
    return tuple(item["component"] for item in listed["components"])


@contextmanager
def ingesting_server(root: Path, database_url: str | None, settings: WebSettings | None = None) -> Iterator[Ingesting]:
    tokens = make_tokens(root, database_url)
    with running_server(root, database_url, settings or WebSettings(webhook_secret=None)) as url:
        components = catalog_components(root, database_url, tokens["viewer"], url)
        yield Ingesting(url, root, database_url, tokens, components)


def deployment(component: str, number: int, **changes: object) -> dict[str, object]:
    event: dict[str, object] = {
        "id": f"hook-{number}",
        "component": component.rpartition(":")[2].rpartition("/")[2],
        "environment": "production",
        "sha": f"{number:040x}",
        "finished": "2026-10-20T10:00:00Z",
    }
    event.update(changes)
    return event


def incident(component: str, number: int, **changes: object) -> dict[str, object]:
    event: dict[str, object] = {
        "id": f"INC-hook-{number}",
        "title": f"Checkout errors {number}",
        "severity": "SEV2",
        "services": [component.rpartition(":")[2].rpartition("/")[2]],
        "started": "2026-10-20T10:00:00Z",
        "resolved": "2026-10-20T11:00:00Z",
    }
    event.update(changes)
    return event


def signed_headers(body: bytes, message_id: str, at: datetime | None = None, secret: str = SECRET) -> dict[str, str]:
    moment = at or datetime.now(UTC)
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, moment, body),
    }


def body_of(value: object) -> bytes:
    return json.dumps(value).encode()
