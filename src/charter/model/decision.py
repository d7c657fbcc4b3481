"""Architecture decision records (MADR, adr-tools / Nygard, log4brains)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field

from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Location, Severity

# REF006 is about the supersede links below: governance finds a link to no record, the reader one that
# could mean two records.
CODES = Codes(
    Rule(
        "REF006",
        "Superseded record missing",
        Severity.ERROR,
        rationale="A decision that supersedes or is superseded by a record that does not exist breaks the trail.",
        fix="Correct the link or add the missing record.",
        example="""\
<!-- decisions/0006-run-on-kubernetes.md -->
## Status

Superseded by [18. Replace the message bus](0018-replace-the-message-bus.md)
<!-- decisions/ holds no 0018 -->
""",
    ),
)


KNOWN_DECISION_STATUSES = frozenset({"proposed", "accepted", "rejected", "deprecated", "superseded", "draft"})


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision record, identified by `slug`, its file name without `.md`
    (`0012-use-x`, `20201016-use-the-adr-slug-as-its-unique-id`), as log4brains identifies and
    links records. `id` is the name it goes by: its `number` as written in the file name (`0012`)
    while no other record has that number, else its slug (two branches may each add "the next"
    record). `supersedes` / `superseded_by` hold the ids of other records."""

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
    slug: str | None = None
    number: str | None = None  # as written: `0012`; None for log4brains' dated names
    # The roadmap tradeoff a record may write down (front matter `quarter: 2027Q1`, `defers:
    # [initiative:NAME]`): in that quarter, these initiatives are deferred to bring the committed
    # work back within capacity. `defers` holds initiative names; `defers_at` the line of each.
    quarter: str | None = None
    quarter_at: Location | None = None
    defers: tuple[str, ...] = ()
    defers_at: tuple[Location | None, ...] = ()

    @property
    def is_accepted(self) -> bool:
        return self.status == "accepted"

    def in_force(self, today: dt.date | None) -> bool:
        """Accepted and, when `today` is given, not expired."""
        return self.is_accepted and (today is None or self.expires is None or self.expires >= today)


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

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True, defer_build=True)

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
    quarter: Any = None  # checked by the reader, which names the line: `2027-Q1` is not a quarter
    defers: StringList = Field(default_factory=list)
