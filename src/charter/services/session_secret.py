"""The key `charter serve` signs session cookies and CSRF tokens with: generated once, kept in the
store, so every worker and every restart signs alike (a restart logs nobody out). Rotating it logs
every browser out; bearer tokens are not affected."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from charter.services.context import utc_now
from charter.services.store_reads import reading_store

if TYPE_CHECKING:
    from charter.store.database import Store

SESSION_SECRET_NAME = "session-signing"


def new_session_secret() -> str:
    """A fresh secret for signing session cookies (256 bits)."""
    return secrets.token_urlsafe(32)


def session_signing_secret(store: Store) -> str:
    """The store's session secret, generated and kept now when it has none (the first worker to
    start keeps its own; any other reads that one)."""
    from charter.store.server_secrets import keep_secret, read_secret

    with reading_store(), store.engine.connect() as connection:
        found = read_secret(connection, SESSION_SECRET_NAME)
    if found is not None:
        return found
    with store.transaction() as connection:
        return keep_secret(connection, SESSION_SECRET_NAME, new_session_secret(), utc_now())


def rotate_session_secret(store: Store, actor: str) -> None:
    """A new session secret: every session cookie signed with the old one is refused once the
    servers restart (they read it when they start), so every browser logs in again."""
    from charter.store.server_secrets import replace_secret
    from charter.store.tokens import append_audit

    now = utc_now()
    with store.transaction() as connection:
        replace_secret(connection, SESSION_SECRET_NAME, new_session_secret(), now)
        append_audit(connection, now, actor, "session-secret.rotate", "server", "every session ends")
