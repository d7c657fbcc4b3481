"""The server's settings, passed to the app factory: nothing is read at import time. A server of
several worker processes gets them from the environment the command line set for its workers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_VARIABLE = "CHARTER_SERVE_REPO"
SESSION_SECRET_VARIABLE = "CHARTER_SESSION_SECRET"
MAX_BODY_VARIABLE = "CHARTER_MAX_BODY_BYTES"
WEBHOOK_SECRET_VARIABLE = "CHARTER_WEBHOOK_SECRET"
WEBHOOK_ALLOW_PRIVATE_VARIABLE = "CHARTER_WEBHOOK_ALLOW_PRIVATE"
RECEIPT_DAYS_VARIABLE = "CHARTER_EVENT_RECEIPT_DAYS"
DEFAULT_RECEIPT_DAYS = 30


def webhook_secret_from_environment() -> str | None:
    """`CHARTER_WEBHOOK_SECRET` (`whsec_` and base64, as Standard Webhooks writes it), if set: then
    every posted event must be signed with it."""
    return os.environ.get(WEBHOOK_SECRET_VARIABLE) or None


def session_secret_from_environment() -> str | None:
    """`CHARTER_SESSION_SECRET`, if set: sessions are signed with it rather than the store's secret."""
    return os.environ.get(SESSION_SECRET_VARIABLE) or None


def receipt_days_from_environment() -> int:
    """`CHARTER_EVENT_RECEIPT_DAYS` (a whole number of days, at least 1), else 30."""
    text = os.environ.get(RECEIPT_DAYS_VARIABLE, "").strip()
    return int(text) if text.isdigit() and int(text) >= 1 else DEFAULT_RECEIPT_DAYS


def allow_private_from_environment() -> bool:
    """`CHARTER_WEBHOOK_ALLOW_PRIVATE=1`: outgoing webhooks may go to private and loopback addresses."""
    return os.environ.get(WEBHOOK_ALLOW_PRIVATE_VARIABLE, "").strip().lower() in ("1", "true", "yes")


@dataclass(frozen=True, slots=True)
class WebSettings:
    """How the server behaves: the session cookies' signing secret and lifetime, the largest
    request body it reads, and the page sizes of its lists."""

    # None: the store's (generated once, shared by every worker and restart); `CHARTER_SESSION_SECRET`
    # sets one instead.
    session_secret: str | None = field(default_factory=session_secret_from_environment, repr=False)
    session_hours: int = 12
    max_body_bytes: int = 1_048_576
    default_page_size: int = 50
    max_page_size: int = 500
    # Secure cookies on plain HTTP too (a server behind a proxy that ends TLS and sends no
    # X-Forwarded-Proto); otherwise a cookie is Secure when the request came over HTTPS.
    always_secure_cookies: bool = False
    # How often the server looks for changed strategy files and reads them again (0: never), so a
    # dashboard does not stay on the strategy it started with.
    reread_seconds: float = 30.0
    # Webhooks (web/events.py, web/webhooks.py): the secret incoming events are signed with (None:
    # unsigned events are taken; a signature older or newer than 5 minutes is refused), and whether
    # outgoing webhooks may go to private and loopback addresses.
    webhook_secret: str | None = field(default_factory=webhook_secret_from_environment, repr=False)
    webhook_allow_private: bool = field(default_factory=allow_private_from_environment)
    # How often the outbox is looked at (0: never), and the first retry's delay (doubled each time).
    webhook_delivery_seconds: float = 2.0
    webhook_retry_seconds: float = 10.0
    # How long an ingested event's id is remembered (a sender's retry within it is answered as a
    # repeat; after it, the same id would be taken as new); receipts older are pruned on ingest, at
    # most once an hour.
    event_receipt_days: int = field(default_factory=receipt_days_from_environment)
    # How long a verified bearer token or session is trusted without reading the store again: a
    # token revoked (or expired) is refused within this many seconds (0: read it on every request).
    token_cache_seconds: float = 5.0
    # How long the snapshot in force is trusted without asking the store: a `charter sync` shows on
    # the overview within this many seconds (0: ask on every request).
    snapshot_check_seconds: float = 1.0

    @property
    def secret_bytes(self) -> bytes:
        if self.session_secret is None:  # the app's start-up puts the store's in its settings
            raise RuntimeError("the session secret is read from the store when the server starts")
        return self.session_secret.encode("utf-8")


def settings_from_environment() -> tuple[Path, WebSettings]:
    """The repository and the settings `charter serve` put in the environment of its workers."""
    repo = os.environ.get(REPO_VARIABLE)
    if not repo:
        raise RuntimeError(f"{REPO_VARIABLE} is not set: start the server with `charter serve`")
    limit = os.environ.get(MAX_BODY_VARIABLE)
    settings = WebSettings()
    if limit and limit.isdigit():
        settings = WebSettings(max_body_bytes=int(limit))
    return Path(repo), settings
