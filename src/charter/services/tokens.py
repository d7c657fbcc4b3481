"""Bearer tokens for the server: create one (shown once, kept as its SHA-256 digest), list, revoke,
and authenticate a request's token, recording its use. A token is 256 random bits, so a fast hash
is right (no password stretching needed); digests are compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from charter.model.access import Identity, Role
from charter.model.errors import NotAuthenticated, NotFound, UsageError
from charter.services.context import StoreNeed, opened_store, repository_root, utc_now
from charter.services.store_reads import reading_store

if TYPE_CHECKING:
    from charter.outputs.views.tokens import AuditLog, CreatedTokenView, TokenList, TokenView
    from charter.store.database import Store
    from charter.store.tokens import AuditEntry, StoredToken

TOKEN_PREFIX = "charter_"
SHOWN_PREFIX_CHARACTERS = 14  # `charter_` and six random characters: enough to tell tokens apart
CLI_ACTOR = "cli"
# A token's use is written (last_used, and the audit log) at most this often per process: a dashboard
# polled by fifty clients must not queue fifty writes a second behind the store's one writer.
USE_RECORD_INTERVAL = timedelta(seconds=60)
_DURATION = re.compile(r"^(\d+)([hdw])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
MAX_NAME_LENGTH = 200
MAX_TRUSTED = 10_000  # verified tokens and sessions kept in memory; more and the memory starts over


@dataclass(frozen=True, slots=True)
class CreatedToken:
    """A new token: the secret, shown this once, and what is stored of it."""

    secret: str
    token: StoredToken


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def parse_expiry(text: str | None, now: datetime) -> datetime | None:
    """`90d`, `12w`, `36h` from now, or `never` (None). UsageError naming --expires otherwise."""
    if text is None or text.strip().lower() == "never":
        return None
    match = _DURATION.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise UsageError(f"--expires {text!r}: write a duration like 90d, 12w or 36h, or `never`")
    return now + int(match.group(1)) * _UNITS[match.group(2)]


def parse_role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise UsageError(f"--role {text!r}: choose one of {', '.join(role.value for role in Role)}") from None


@contextmanager
def open_token_store(repo: Path | None) -> Iterator[Store]:
    """The store of `--repo` for the token commands, without reading the strategy files."""
    with opened_store(repository_root(repo), StoreNeed.REQUIRED) as store:
        assert store is not None  # REQUIRED raises instead
        yield store


def create_token(
    store: Store, name: str, role: Role, expires: datetime | None, actor: str = CLI_ACTOR, now: datetime | None = None
) -> CreatedToken:
    """A new token of `role` called `name` (no other unrevoked token may have that name)."""
    from charter.store.tokens import active_tokens_named, append_audit, insert_token, token_by_id

    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise UsageError(f"--name: give the token a name of 1 to {MAX_NAME_LENGTH} characters")
    moment = now or utc_now()
    if expires is not None and expires <= moment:
        raise UsageError("--expires: the token would expire before it is made")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.transaction() as connection:
        if active_tokens_named(connection, name):
            raise UsageError(f"--name {name!r}: a token of that name exists; revoke it first or choose another name")
        token_id = insert_token(
            connection, name, role.value, token_digest(secret), secret[:SHOWN_PREFIX_CHARACTERS], moment, expires
        )
        append_audit(connection, moment, actor, "token.create", f"token:{token_id}", f"{name} ({role.value})")
        stored = token_by_id(connection, token_id)
    assert stored is not None
    return CreatedToken(secret, stored)


def list_tokens(
    store: Store, include_revoked: bool = False, offset: int = 0, limit: int | None = None
) -> list[StoredToken]:
    from charter.store.tokens import list_tokens as read

    with reading_store(), store.engine.connect() as connection:
        return read(connection, include_revoked, offset, limit)


def count_tokens(store: Store, include_revoked: bool = False) -> int:
    from charter.store.tokens import count_tokens as count

    with reading_store(), store.engine.connect() as connection:
        return count(connection, include_revoked)


def revoke_token(store: Store, which: str, actor: str = CLI_ACTOR, now: datetime | None = None) -> StoredToken:
    """Revoke the token with id `which`, or the one unrevoked token named `which`."""
    from charter.store.tokens import active_tokens_named, append_audit, token_by_id
    from charter.store.tokens import revoke_token as revoke

    moment = now or utc_now()
    with store.transaction() as connection:
        found = token_by_id(connection, int(which)) if which.isdigit() else None
        if found is None:
            named = active_tokens_named(connection, which)
            found = named[0] if named else None
        if found is None or found.revoked is not None:
            raise NotFound(f"no unrevoked token with id or name {which!r} (`charter token list` shows them)")
        revoke(connection, found.id, moment)
        append_audit(connection, moment, actor, "token.revoke", f"token:{found.id}", found.name)
        revoked = token_by_id(connection, found.id)
    assert revoked is not None
    return revoked


def token_state(token: StoredToken, now: datetime) -> str:
    """`active`, `expired` or `revoked`."""
    if token.revoked is not None:
        return "revoked"
    if token.expires is not None and token.expires <= now:
        return "expired"
    return "active"


def read_audit(store: Store, offset: int, limit: int) -> tuple[list[AuditEntry], int]:
    """One page of the audit log, newest first, and how many entries there are."""
    from charter.store.tokens import count_audit
    from charter.store.tokens import read_audit as read

    with reading_store(), store.engine.connect() as connection:
        return read(connection, offset, limit), count_audit(connection)


def record_action(store: Store, actor: str, action: str, target: str, detail: str = "") -> None:
    """Put a write made through the server on the audit log, in its own transaction."""
    from charter.store.tokens import append_audit

    with store.transaction() as connection:
        append_audit(connection, utc_now(), actor, action, target, detail)


class Authenticator:
    """Turns a bearer token (or a session's token id) into an Identity, and records token use at
    most once per USE_RECORD_INTERVAL per token in this process. Shared by a server's threads.

    A token found valid is trusted for `cache_seconds` without reading the store again (never past
    its expiry): a token revoked elsewhere (`charter token revoke`, another worker) is refused within
    that window; one revoked through this process (`forget`) at once."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] = utc_now,
        cache_seconds: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.clock = clock
        self.cache_seconds = cache_seconds
        self.monotonic = monotonic
        self._recorded: dict[int, datetime] = {}
        self._trusted: dict[tuple[str, str | int], tuple[Identity, float]] = {}
        self._lock = threading.Lock()

    def by_secret(self, secret: str, how: str = "bearer", record: bool = True) -> Identity:
        """The identity of a presented token; NotAuthenticated when it is unknown, expired or
        revoked. `record`: record its use now (when due); else the caller does, with `record_use`."""
        from charter.store.tokens import token_by_digest

        digest = token_digest(secret.strip())
        trusted = self._trusted_identity(("digest", digest))
        if trusted is not None:
            return self._admitted(trusted, how, record)
        with reading_store(), self.store.engine.connect() as connection:
            token = token_by_digest(connection, digest)
        if token is None or not hmac.compare_digest(token.digest, digest):
            raise NotAuthenticated("the token is not one this server issued")
        return self._admit(token, ("digest", digest), how, record)

    def by_id(self, token_id: int, how: str = "session", record: bool = True) -> Identity:
        """The identity of a session, which names its token by id: checked again on every request
        (or trusted for `cache_seconds`), so revoking or expiring the token ends its sessions."""
        from charter.store.tokens import token_by_id

        trusted = self._trusted_identity(("id", token_id))
        if trusted is not None:
            return self._admitted(trusted, how, record)
        with reading_store(), self.store.engine.connect() as connection:
            token = token_by_id(connection, token_id)
        if token is None:
            raise NotAuthenticated("the session's token no longer exists; log in again")
        return self._admit(token, ("id", token_id), how, record)

    def trusted_by_secret(self, secret: str) -> Identity | None:
        """The identity of a token verified within `cache_seconds`, from memory only; else None."""
        return self._trusted_identity(("digest", token_digest(secret.strip())))

    def trusted_by_id(self, token_id: int) -> Identity | None:
        """The identity of a session's token verified within `cache_seconds`, from memory only."""
        return self._trusted_identity(("id", token_id))

    def forget(self, token_id: int) -> None:
        """Trust nothing verified of this token any longer (it was just revoked)."""
        with self._lock:
            for key in [key for key, (identity, _) in self._trusted.items() if identity.token_id == token_id]:
                del self._trusted[key]

    def _trusted_identity(self, key: tuple[str, str | int]) -> Identity | None:
        found = self._trusted.get(key)
        if found is None:
            return None
        identity, until = found
        if self.monotonic() >= until or (identity.expires is not None and identity.expires <= self.clock()):
            return None
        return identity

    def _admitted(self, identity: Identity, how: str, record: bool) -> Identity:
        if record:
            self.record_use(identity, how)
        return identity

    def _admit(self, token: StoredToken, key: tuple[str, str | int], how: str, record: bool) -> Identity:
        now = self.clock()
        state = token_state(token, now)
        if state == "revoked":
            raise NotAuthenticated(f"the token {token.name!r} was revoked")
        if state == "expired":
            raise NotAuthenticated(f"the token {token.name!r} expired at {token.expires:%Y-%m-%d %H:%M} UTC")
        identity = Identity(token.id, token.name, Role(token.role), token.expires)
        if self.cache_seconds > 0:
            with self._lock:
                if len(self._trusted) >= MAX_TRUSTED:
                    self._trusted.clear()
                self._trusted[key] = (identity, self.monotonic() + self.cache_seconds)
        return self._admitted(identity, how, record)

    def use_due(self, identity: Identity) -> bool:
        """Whether this token's use is due to be recorded (a read of memory only)."""
        last = self._recorded.get(identity.token_id)
        return last is None or self.clock() - last >= USE_RECORD_INTERVAL

    def record_use(self, identity: Identity, how: str) -> None:
        """Record the token's use (last_used and the audit log), unless recorded less than
        USE_RECORD_INTERVAL ago by this process. A write: it may wait for the store's writer."""
        from charter.store.tokens import append_audit, touch_token

        now = self.clock()
        with self._lock:
            last = self._recorded.get(identity.token_id)
            if last is not None and now - last < USE_RECORD_INTERVAL:
                return
            self._recorded[identity.token_id] = now
        with self.store.transaction() as connection:
            touch_token(connection, identity.token_id, now)
            append_audit(connection, now, identity.name, "token.use", f"token:{identity.token_id}", how)


def token_view(token: StoredToken, now: datetime) -> TokenView:
    from charter.outputs.views.tokens import TokenView

    return TokenView(
        id=token.id,
        name=token.name,
        role=token.role,
        prefix=token.prefix,
        state=token_state(token, now),
        created=token.created,
        expires=token.expires,
        last_used=token.last_used,
        revoked=token.revoked,
    )


def token_list_report(
    store: Store, include_revoked: bool = False, offset: int = 0, limit: int | None = None
) -> TokenList:
    """The tokens as `charter token list` and `GET /api/v1/tokens` show them."""
    from charter.outputs.views.tokens import TokenList

    now = utc_now()
    tokens = list_tokens(store, include_revoked, offset, limit)
    total = count_tokens(store, include_revoked)
    return TokenList(tokens=[token_view(token, now) for token in tokens], total=total, offset=offset, limit=limit)


def created_token_view(created: CreatedToken) -> CreatedTokenView:
    from charter.outputs.views.tokens import CreatedTokenView

    return CreatedTokenView(token=created.secret, details=token_view(created.token, utc_now()))


def audit_log_report(store: Store, offset: int, limit: int) -> AuditLog:
    from charter.outputs.views.tokens import AuditEntryView, AuditLog

    entries, total = read_audit(store, offset, limit)
    return AuditLog(
        entries=[
            AuditEntryView(
                id=entry.id,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                target=entry.target,
                detail=entry.detail,
            )
            for entry in entries
        ],
        total=total,
        offset=offset,
        limit=limit,
    )
