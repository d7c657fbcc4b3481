"""The server's bearer tokens and its audit log: rows in, rows out. A token is kept only as its
SHA-256 digest; the caller owns the transaction of every write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.engine import Connection, Row

from charter.store.schema import api_tokens, audit_log


@dataclass(frozen=True, slots=True)
class StoredToken:
    """One token as stored: never the token itself, only its digest and first characters."""

    id: int
    name: str
    role: str
    digest: str
    prefix: str
    created: datetime
    expires: datetime | None
    last_used: datetime | None
    revoked: datetime | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log: who (a token's name, or `cli`), did what, to what."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: str


def _token(row: Row[tuple[object, ...]]) -> StoredToken:
    mapping = row._mapping
    return StoredToken(**{name: mapping[name] for name in StoredToken.__slots__})


def insert_token(
    connection: Connection,
    name: str,
    role: str,
    digest: str,
    prefix: str,
    created: datetime,
    expires: datetime | None,
) -> int:
    """Add a token; returns its id."""
    token_id: int = connection.execute(
        insert(api_tokens)
        .values(name=name, role=role, digest=digest, prefix=prefix, created=created, expires=expires)
        .returning(api_tokens.c.id)
    ).scalar_one()
    return token_id


def token_by_digest(connection: Connection, digest: str) -> StoredToken | None:
    row = connection.execute(select(api_tokens).where(api_tokens.c.digest == digest)).one_or_none()
    return None if row is None else _token(row)


def token_by_id(connection: Connection, token_id: int) -> StoredToken | None:
    row = connection.execute(select(api_tokens).where(api_tokens.c.id == token_id)).one_or_none()
    return None if row is None else _token(row)


def active_tokens_named(connection: Connection, name: str) -> list[StoredToken]:
    """The tokens called `name` that are not revoked."""
    query = select(api_tokens).where(api_tokens.c.name == name, api_tokens.c.revoked.is_(None))
    return [_token(row) for row in connection.execute(query.order_by(api_tokens.c.id))]


def list_tokens(
    connection: Connection, include_revoked: bool, offset: int = 0, limit: int | None = None
) -> list[StoredToken]:
    """Tokens in the order they were made."""
    query = select(api_tokens).order_by(api_tokens.c.id).offset(offset)
    if not include_revoked:
        query = query.where(api_tokens.c.revoked.is_(None))
    if limit is not None:
        query = query.limit(limit)
    return [_token(row) for row in connection.execute(query)]


def count_tokens(connection: Connection, include_revoked: bool) -> int:
    query = select(func.count()).select_from(api_tokens)
    if not include_revoked:
        query = query.where(api_tokens.c.revoked.is_(None))
    return int(connection.execute(query).scalar_one())


def revoke_token(connection: Connection, token_id: int, at: datetime) -> bool:
    """Mark a token revoked; False when it does not exist or already was."""
    result = connection.execute(
        update(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.revoked.is_(None)).values(revoked=at)
    )
    return result.rowcount == 1


def touch_token(connection: Connection, token_id: int, at: datetime) -> None:
    """Record a use of the token (only ever moves `last_used` forward)."""
    connection.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, or_(api_tokens.c.last_used.is_(None), api_tokens.c.last_used < at))
        .values(last_used=at)
    )


def append_audit(connection: Connection, at: datetime, actor: str, action: str, target: str, detail: str = "") -> None:
    connection.execute(insert(audit_log).values(at=at, actor=actor, action=action, target=target, detail=detail))


def read_audit(connection: Connection, offset: int, limit: int) -> list[AuditEntry]:
    """The audit log, newest first."""
    query = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).offset(offset).limit(limit)
    return [
        AuditEntry(**{name: row._mapping[name] for name in AuditEntry.__slots__}) for row in connection.execute(query)
    ]


def count_audit(connection: Connection) -> int:
    return int(connection.execute(select(func.count()).select_from(audit_log)).scalar_one())
