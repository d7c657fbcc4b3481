"""The server's own tables (revision 0014): secrets `charter serve` generates once and every
worker and every restart shares, such as the key session cookies are signed with."""

from __future__ import annotations

from sqlalchemy import Column, String, Table

from charter.store.schema_base import metadata
from charter.store.types import UtcDateTime

server_secrets = Table(
    "server_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
    Column("created", UtcDateTime, nullable=False),
)
