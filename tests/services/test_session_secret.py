"""The session cookies' signing key on SQLite and PostgreSQL: generated once and kept in the store,
the same for every later reader (every worker, every restart), and replaced only by a rotation,
which the audit log records."""

from __future__ import annotations

from pathlib import Path

from charter.services.session_secret import rotate_session_secret, session_signing_secret
from charter.services.tokens import read_audit
from charter.store.database import open_store


def test_the_session_secret_is_made_once_and_read_by_every_later_opener(database_url: str, tmp_path: Path) -> None:
    with open_store(tmp_path, database_url) as store:
        first = session_signing_secret(store)
        assert len(first) >= 40
        assert session_signing_secret(store) == first
    with open_store(tmp_path, database_url) as again:  # a restart, or another worker
        assert session_signing_secret(again) == first


def test_rotating_the_session_secret_replaces_it_and_is_audited(database_url: str, tmp_path: Path) -> None:
    with open_store(tmp_path, database_url) as store:
        first = session_signing_secret(store)
        rotate_session_secret(store, actor="cli")
        rotated = session_signing_secret(store)
        assert rotated != first
        entries, _ = read_audit(store, 0, 10)
    assert [(entry.actor, entry.action) for entry in entries] == [("cli", "session-secret.rotate")]
