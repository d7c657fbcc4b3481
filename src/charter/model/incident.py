"""Incidents and their postmortems, as their Markdown front matter or an importer records them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from charter.model.base import OpenModel, StrictModel
from charter.model.diagnostics import Location

CAUSE_CATEGORIES = frozenset({"change", "config", "dependency", "capacity", "infrastructure", "security", "unknown"})
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5")
KNOWN_POSTMORTEM_STATUSES = frozenset({"draft", "in-review", "published", "not-required"})
ACTION_ITEM_STATUSES = ("open", "in-progress", "done", "wontfix")


@dataclass(frozen=True, slots=True)
class ActionItem:
    id: str
    title: str
    owner: str | None = None
    due: date | None = None
    status: str = "open"
    type: str | None = None


@dataclass(frozen=True, slots=True)
class Incident:
    """One incident. Timestamps are timezone-aware (UTC when the source wrote none)."""

    id: str
    title: str
    severity: str
    services: tuple[str, ...] = ()
    started: datetime | None = None
    detected: datetime | None = None
    acknowledged: datetime | None = None
    resolved: datetime | None = None
    cause: str | None = None
    caused_by_deployment: str | None = None
    caused_by_change: str | None = None
    postmortem_status: str | None = None
    postmortem_date: date | None = None
    action_items: tuple[ActionItem, ...] = ()
    aliases: tuple[str, ...] = ()
    location: Location | None = None
    extra: dict[str, str] = field(default_factory=dict)


# Front matter of `incidents/**/*.md` -------------------------------------------------------------


def _timestamp(value: Any) -> Any:
    """ISO 8601 text to an aware datetime; a naive timestamp is UTC."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("not an ISO 8601 timestamp like 2026-03-01T14:05:00Z") from None
    else:
        raise ValueError("expected an ISO 8601 timestamp (2026-03-01T14:05:00Z)")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]

_SEVERITY = re.compile(r"^sev[\s_-]?([1-5])$", re.IGNORECASE)


def _severity(value: Any) -> Any:
    match = _SEVERITY.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}")
    return f"SEV{match.group(1)}"


def _lower(value: Any) -> Any:
    return value.strip().lower().replace(" ", "-").replace("_", "-") if isinstance(value, str) else value


def _number_as_text(value: Any) -> Any:
    """`id: 42` is the id "42" (YAML reads it as a number)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


_ACTION_STATUS_ALIASES = {
    "closed": "done",
    "completed": "done",
    "complete": "done",
    "fixed": "done",
    "todo": "open",
    "to-do": "open",
}


def _action_status(value: Any) -> Any:
    lowered = _lower(value)
    return _ACTION_STATUS_ALIASES.get(lowered, lowered) if isinstance(lowered, str) else lowered


class CausedBy(StrictModel):
    """What triggered the incident: a deployment's id or a change's commit SHA, exactly one."""

    deployment: str | None = Field(None, description="The id of the deployment that caused it.")
    change: Annotated[str | None, Field(pattern=r"^[0-9a-fA-F]{7,64}$")] = Field(
        None, description="The commit SHA (7 to 64 hex digits) of the change that caused it."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> CausedBy:
        if (self.deployment is None) == (self.change is None):
            raise ValueError("name exactly one of `deployment` and `change`")
        return self


class Postmortem(StrictModel):
    """The postmortem's state."""

    status: Annotated[str, BeforeValidator(_lower)] = Field(
        description="`draft`, `in-review`, `published` or `not-required`."
    )
    written: date | None = Field(default=None, alias="date", description="The day it was written.")


class ActionItemFrontMatter(StrictModel):
    """A follow-up of the incident."""

    id: str | None = Field(None, description="The item's id (a ticket key).")
    title: str = Field(description="What is to be done.")
    owner: str | None = Field(None, description="Who does it (a user or group reference).")
    due: date | None = Field(None, description="The day it is due.")
    status: Annotated[Literal["open", "in-progress", "done", "wontfix"], BeforeValidator(_action_status)] = Field(
        "open", description="Where it stands (`closed`, `fixed` and `completed` read as done)."
    )
    type: Annotated[Literal["mitigate", "prevent", "process"] | None, BeforeValidator(_lower)] = Field(
        None, description="What kind of follow-up it is."
    )


class IncidentFrontMatter(OpenModel):
    """The front matter of a postmortem. Keys (camelCase): id, title, severity, services, started,
    detected, acknowledged, resolved, cause, causedBy, postmortem, actionItems, aliases. Keys of other
    tools (Jekyll's `layout`, `tags`, ...) are kept as extras."""

    id: Annotated[str | None, BeforeValidator(_number_as_text)] = Field(
        None, description="The incident's id (default: the file name)."
    )
    title: str | None = Field(None, description="The incident's title (default: the first `#` heading).")
    severity: Annotated[str, BeforeValidator(_severity)] = Field(description="SEV1 to SEV5 (`1`, `sev1`, `P1`).")
    services: Annotated[list[str], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="The components affected, by name or entity reference."
    )
    started: Timestamp = Field(description="When the impact started (ISO 8601; UTC unless a zone is given).")
    detected: Timestamp | None = Field(None, description="When it was detected.")
    acknowledged: Timestamp | None = Field(None, description="When a responder acknowledged it (MTTA ends here).")
    resolved: Timestamp | None = Field(None, description="When the impact ended (MTTR ends here).")
    cause: Annotated[
        Literal["change", "config", "dependency", "capacity", "infrastructure", "security", "unknown"] | None,
        BeforeValidator(_lower),
    ] = Field(None, description="What kind of cause it had.")
    caused_by: CausedBy | None = Field(
        None, description="The deployment id or commit SHA that caused it (a failed change for DORA)."
    )
    postmortem: Postmortem | None = Field(None, description="The postmortem's status and the date it was written.")
    action_items: list[ActionItemFrontMatter] = Field(
        default_factory=list, description="Follow-up work: id, title, owner, due, status, type."
    )
    aliases: Annotated[list[str], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="The incident's ids in other tools, so imports merge with it."
    )


# Keys whose presence makes a front matter an incident's (a Jekyll page's front matter is not).
INCIDENT_KEYS = frozenset(
    {
        "severity",
        "started",
        "detected",
        "acknowledged",
        "resolved",
        "cause",
        "causedBy",
        "postmortem",
        "actionItems",
        "services",
    }
)
