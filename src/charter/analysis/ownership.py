"""Who an entity belongs to, as rollups count it: its team (the owning Group) and its system. The
scorecard, the delivery and incident scopes and the security report all roll up by these."""

from __future__ import annotations

from charter.model.estate import Estate
from charter.model.refs import EntityRef


def team_of(estate: Estate, ref: EntityRef) -> str | None:
    """The owning Group; for an entity owned by a person, that person's first Group."""
    owner = estate.owner_of(ref)
    return None if owner is None else group_of_owner(estate, owner)


def group_of_owner(estate: Estate, owner: EntityRef) -> str:
    """An owner as the team it stands for: a Group itself, a person's first Group (the person when
    they belong to none)."""
    if owner.kind == "user":
        groups = sorted(estate.related(owner, "memberOf"), key=str)
        return groups[0].short if groups else owner.short
    return owner.short


def system_of(estate: Estate, ref: EntityRef) -> str | None:
    """The system it is part of (the first, by reference, when there are several)."""
    systems = sorted((target for target in estate.related(ref, "partOf") if target.kind == "system"), key=str)
    return systems[0].short if systems else None
