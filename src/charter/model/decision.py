"""Architecture decision records (MADR, adr-tools / Nygard, log4brains)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field

from charter.model.diagnostics import Location

KNOWN_DECISION_STATUSES = frozenset(
    {"proposed", "accepted", "rejected", "deprecated", "superseded", "draft"}
)


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision record. `id` is the record's number as written in its file name (`0012` from
    `0012-use-x.md`), or, for log4brains' date-prefixed names, its slug: the file name without
    `.md` (`20201016-use-the-adr-slug-as-its-unique-id`), which is how log4brains identifies and
    links records. `supersedes` / `superseded_by` hold ids of other records in the same form."""

    id: str
    title: str
    status: str | None = None
    date: dt.date | None = None
    supersedes: tuple[str, ...] = ()
    superseded_by: tuple[str, ...] = ()
    # Entity references the record names (front matter `risks:` / `entities:` / `findings:`, or
    # `risk:NAME` style references in the text), as `kind:name`.
    mentions: tuple[str, ...] = ()
    expires: dt.date | None = None
    location: Location | None = None
    aliases: tuple[str, ...] = field(default=())


def _as_list(value: Any) -> Any:
    """A single string where a list is expected is a list of one."""
    if isinstance(value, str):
        return [value]
    if value is None:
        return []
    return value


StringList = Annotated[list[str], BeforeValidator(_as_list)]


class DecisionFrontMatter(BaseModel):
    """The front matter keys Charter reads from a decision record (MADR 3+ writes `status`,
    `date`, `decision-makers`, ...). Other keys (Jekyll's `parent`, `nav_order`, MADR's
    `consulted`, ...) belong to other tools and are ignored."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    status: str | None = None
    decided: dt.date | None = Field(default=None, validation_alias="date")
    title: str | None = None
    expires: dt.date | None = Field(
        default=None, validation_alias=AliasChoices("expires", "review-by", "reviewBy", "until")
    )
    supersedes: StringList = Field(default_factory=list)
    superseded_by: StringList = Field(
        default_factory=list, validation_alias=AliasChoices("superseded-by", "supersededBy")
    )
    risks: StringList = Field(default_factory=list)
    entities: StringList = Field(default_factory=list)
    findings: StringList = Field(default_factory=list)
    aliases: StringList = Field(default_factory=list)
