"""Who may do what on the server: the four roles of a bearer token and what each is allowed, and
the identity a request is made under."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """A token's role. viewer reads; ingest only posts events (the role CI and the incident tool
    get); editor reads and acknowledges escalations; admin does all that and manages tokens and
    webhook subscriptions."""

    viewer = "viewer"
    ingest = "ingest"
    editor = "editor"
    admin = "admin"


# What a role may do, as the roles whose needs it meets.
GRANTS: dict[Role, frozenset[Role]] = {
    Role.viewer: frozenset({Role.viewer}),
    Role.ingest: frozenset({Role.ingest}),
    Role.editor: frozenset({Role.viewer, Role.editor}),
    Role.admin: frozenset(Role),
}


def allows(role: Role, needed: Role) -> bool:
    """Whether a token of `role` may do what needs `needed`."""
    return needed in GRANTS[role]


@dataclass(frozen=True, slots=True)
class Identity:
    """The token a request was made with: its id, name and role (never the token itself)."""

    token_id: int
    name: str
    role: Role
    expires: datetime | None = None

    def may(self, needed: Role) -> bool:
        return allows(self.role, needed)
