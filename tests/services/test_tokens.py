"""Tokens on SQLite and PostgreSQL: made with a role and shown once (only a digest is stored),
authenticated in constant time, refused when unknown, expired or revoked, their use recorded at
most once a minute, and every write on the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from charter.model.access import Role, allows
from charter.model.errors import NotAuthenticated, NotFound, UsageError
from charter.services.tokens import (
    Authenticator,
    audit_log_report,
    create_token,
    parse_expiry,
    revoke_token,
    token_digest,
    token_list_report,
)
from charter.store.database import Store, open_store
from charter.store.schema import api_tokens

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path, database_url) as opened:
        yield opened


def test_a_token_is_stored_only_as_its_digest(store: Store) -> None:
    made = create_token(store, "ci", Role.ingest, None)
    assert made.secret.startswith("charter_") and len(made.secret) > 40
    with store.engine.connect() as connection:
        rows = connection.execute(select(api_tokens)).mappings().all()
    assert [row["digest"] for row in rows] == [token_digest(made.secret)]
    assert all(made.secret not in str(value) for row in rows for value in row.values() if value != made.token.prefix)
    assert made.token.prefix == made.secret[: len(made.token.prefix)] and len(made.token.prefix) < 20


def test_authentication_admits_a_live_token_and_refuses_the_others(store: Store) -> None:
    clock = [NOW]
    authenticator = Authenticator(store, clock=lambda: clock[0])
    live = create_token(store, "reader", Role.viewer, NOW + timedelta(days=1), now=NOW)
    assert authenticator.by_secret(live.secret).role is Role.viewer
    with pytest.raises(NotAuthenticated, match="not one this server issued"):
        authenticator.by_secret(live.secret + "x")
    clock[0] = NOW + timedelta(days=2)
    with pytest.raises(NotAuthenticated, match="expired"):
        authenticator.by_secret(live.secret)
    clock[0] = NOW
    revoke_token(store, "reader")
    with pytest.raises(NotAuthenticated, match="revoked"):
        authenticator.by_secret(live.secret)
    with pytest.raises(NotAuthenticated, match="revoked"):
        authenticator.by_id(live.token.id)


def test_use_is_recorded_at_most_once_a_minute(store: Store) -> None:
    clock = [NOW]
    authenticator = Authenticator(store, clock=lambda: clock[0])
    made = create_token(store, "reader", Role.viewer, None, now=NOW)
    for seconds in (0, 10, 59, 61):
        clock[0] = NOW + timedelta(seconds=seconds)
        authenticator.by_secret(made.secret)
    uses = [entry for entry in audit_log_report(store, 0, 100).entries if entry.action == "token.use"]
    assert [entry.at for entry in uses] == [NOW + timedelta(seconds=61), NOW]
    assert token_list_report(store).tokens[0].last_used == NOW + timedelta(seconds=61)


def test_names_roles_and_expiry_are_checked(store: Store) -> None:
    create_token(store, "ci", Role.ingest, None)
    with pytest.raises(UsageError, match="exists"):
        create_token(store, "ci", Role.viewer, None)
    with pytest.raises(UsageError, match="--name"):
        create_token(store, " ", Role.viewer, None)
    with pytest.raises(UsageError, match="before it is made"):
        create_token(store, "old", Role.viewer, NOW - timedelta(days=1), now=NOW)
    revoke_token(store, "ci")
    create_token(store, "ci", Role.viewer, None)  # the name is free again once revoked
    with pytest.raises(NotFound):
        revoke_token(store, "nobody")
    listed = token_list_report(store, include_revoked=True)
    assert [(token.name, token.state) for token in listed.tokens] == [("ci", "revoked"), ("ci", "active")]
    assert [(token.name, token.state) for token in token_list_report(store).tokens] == [("ci", "active")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90d", timedelta(days=90)), ("12w", timedelta(weeks=12)), ("36h", timedelta(hours=36)), ("never", None)],
)
def test_expiry_is_a_duration_or_never(text: str, expected: timedelta | None) -> None:
    moment = parse_expiry(text, NOW)
    assert (moment - NOW if moment else None) == expected


@pytest.mark.parametrize("text", ["0d", "5x", "90", "-1d", "d"])
def test_a_bad_expiry_names_the_option(text: str) -> None:
    with pytest.raises(UsageError, match="--expires"):
        parse_expiry(text, NOW)


@pytest.mark.parametrize(
    ("role", "needed", "allowed"),
    [
        (Role.viewer, Role.viewer, True),
        (Role.viewer, Role.editor, False),
        (Role.viewer, Role.ingest, False),
        (Role.ingest, Role.ingest, True),
        (Role.ingest, Role.viewer, False),
        (Role.editor, Role.viewer, True),
        (Role.editor, Role.editor, True),
        (Role.editor, Role.admin, False),
        (Role.editor, Role.ingest, False),
        (Role.admin, Role.admin, True),
        (Role.admin, Role.editor, True),
        (Role.admin, Role.ingest, True),
    ],
)
def test_what_each_role_may_do(role: Role, needed: Role, allowed: bool) -> None:
    assert allows(role, needed) is allowed


def test_a_verified_token_is_trusted_for_its_window_and_a_revocation_holds_after_it(store: Store) -> None:
    ticks = [100.0]
    authenticator = Authenticator(store, clock=lambda: NOW, cache_seconds=5.0, monotonic=lambda: ticks[0])
    made = create_token(store, "wall", Role.viewer, None, now=NOW)
    assert authenticator.trusted_by_secret(made.secret) is None  # nothing verified yet
    assert authenticator.by_secret(made.secret, record=False).name == "wall"
    revoke_token(store, "wall")  # elsewhere: another worker, or `charter token revoke`
    ticks[0] = 104.9  # within the window: still trusted, from memory
    trusted = authenticator.trusted_by_secret(made.secret)
    assert trusted is not None and trusted.name == "wall"
    assert authenticator.by_secret(made.secret, record=False).name == "wall"
    ticks[0] = 105.0  # the window is over: the store is read again, and says revoked
    assert authenticator.trusted_by_secret(made.secret) is None
    with pytest.raises(NotAuthenticated, match="revoked"):
        authenticator.by_secret(made.secret, record=False)


def test_a_token_revoked_through_this_server_or_expired_is_not_trusted_a_moment_longer(store: Store) -> None:
    clock = [NOW]
    authenticator = Authenticator(store, clock=lambda: clock[0], cache_seconds=60.0, monotonic=lambda: 0.0)
    session = create_token(store, "browser", Role.viewer, None, now=NOW)
    assert authenticator.by_id(session.token.id, record=False).name == "browser"
    revoke_token(store, "browser")
    authenticator.forget(session.token.id)
    assert authenticator.trusted_by_id(session.token.id) is None
    with pytest.raises(NotAuthenticated, match="revoked"):
        authenticator.by_id(session.token.id, record=False)
    short = create_token(store, "short", Role.viewer, NOW + timedelta(hours=1), now=NOW)
    assert authenticator.by_secret(short.secret, record=False).name == "short"
    clock[0] = NOW + timedelta(hours=1)
    assert authenticator.trusted_by_secret(short.secret) is None
    with pytest.raises(NotAuthenticated, match="expired"):
        authenticator.by_secret(short.secret, record=False)


def test_without_a_window_nothing_is_trusted_from_memory(store: Store) -> None:
    authenticator = Authenticator(store, clock=lambda: NOW)
    made = create_token(store, "every-time", Role.viewer, None, now=NOW)
    assert authenticator.by_secret(made.secret, record=False).name == "every-time"
    assert authenticator.trusted_by_secret(made.secret) is None
