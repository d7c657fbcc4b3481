"""The server's settings, passed to the app factory: nothing is read at import time. A server of
several worker processes gets them from the environment the command line set for its workers."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

REPO_VARIABLE = "CHARTER_SERVE_REPO"
SESSION_SECRET_VARIABLE = "CHARTER_SESSION_SECRET"
MAX_BODY_VARIABLE = "CHARTER_MAX_BODY_BYTES"


def new_session_secret() -> str:
    """A fresh secret for signing session cookies (256 bits)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class WebSettings:
    """How the server behaves: the session cookies' signing secret and lifetime, the largest
    request body it reads, and the page sizes of its lists."""

    session_secret: str = field(default_factory=new_session_secret, repr=False)
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

    @property
    def secret_bytes(self) -> bytes:
        return self.session_secret.encode("utf-8")


def settings_from_environment() -> tuple[Path, WebSettings]:
    """The repository and the settings `charter serve` put in the environment of its workers."""
    repo = os.environ.get(REPO_VARIABLE)
    if not repo:
        raise RuntimeError(f"{REPO_VARIABLE} is not set: start the server with `charter serve`")
    secret = os.environ.get(SESSION_SECRET_VARIABLE) or new_session_secret()
    limit = os.environ.get(MAX_BODY_VARIABLE)
    settings = WebSettings(session_secret=secret)
    if limit and limit.isdigit():
        settings = WebSettings(session_secret=secret, max_body_bytes=int(limit))
    return Path(repo), settings
