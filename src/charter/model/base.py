"""Shared pieces of the domain types: the Pydantic base config, metadata, durations, quarters."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel


class StrictModel(BaseModel):
    """Charter's own kinds: camelCase in files, snake_case in Python, unknown fields rejected so
    that a typo is a diagnostic instead of a silently ignored setting."""

    # defer_build: a class's validator is built when it first validates, not when its module is
    # imported; a command that never reads a kind (`charter sync` reads few) does not pay for it.
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True, defer_build=True
    )


class OpenModel(BaseModel):
    """Foreign formats (Backstage, OpenSLO, ...): their owners may add fields, so extras are kept."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="allow", frozen=True, defer_build=True
    )


_NAME_PATTERN = r"^[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$"


class Link(OpenModel):
    """A link shown with the entity (Backstage's `metadata.links`)."""

    url: str = Field(description="Where the link points.")
    title: str | None = Field(None, description="The link's text.")
    icon: str | None = Field(None, description="An icon name (Backstage's).")
    type: str | None = Field(None, description="What the link is (`runbook`, `dashboard`, ...).")


class Metadata(OpenModel):
    """Backstage's metadata block, which Charter's kinds share."""

    name: Annotated[str, Field(min_length=1, max_length=63, pattern=_NAME_PATTERN)] = Field(
        description="The entity's name, unique for its kind in its namespace (letters, digits, `-_.`)."
    )
    namespace: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=63)] = Field(
        "default", description="The namespace the name is unique in."
    )
    title: str | None = Field(None, description="A display name.")
    description: str | None = Field(None, description="What the entity is, in a sentence or two.")
    labels: dict[str, str] = Field(default_factory=dict, description="Short key-value labels.")
    annotations: dict[str, str] = Field(
        default_factory=dict, description="Key-value annotations; Charter reads the `charter.dev/*` ones."
    )
    tags: list[str] = Field(default_factory=list, description="Free-form tags.")
    links: list[Link] = Field(default_factory=list, description="Links shown with the entity.")


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def parse_duration(text: str) -> timedelta:
    """Parse a Prometheus-style duration (`30d`, `1h30m`, `5m`) into a timedelta."""
    compact = text.strip().replace(" ", "")
    if not compact:
        raise ValueError("empty duration")
    seconds = 0.0
    position = 0
    for match in _DURATION.finditer(compact):
        if match.start() != position:
            break
        seconds += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    if position != len(compact):
        raise ValueError(f"{text!r} is not a duration like 30d, 6h or 5m")
    return timedelta(seconds=seconds)


def _duration(value: Any) -> Any:
    if isinstance(value, str):
        return parse_duration(value)
    return value


Duration = Annotated[timedelta, BeforeValidator(_duration)]

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


def parse_quarter(text: str) -> tuple[int, int]:
    match = _QUARTER.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a quarter like 2027Q1")
    return int(match.group(1)), int(match.group(2))


def _quarter(value: Any) -> Any:
    if isinstance(value, str):
        year, number = parse_quarter(value)
        return f"{year}Q{number}"
    return value


Quarter = Annotated[str, BeforeValidator(_quarter)]


def quarter_start(quarter: str) -> date:
    year, number = parse_quarter(quarter)
    return date(year, 3 * (number - 1) + 1, 1)


def quarter_end(quarter: str) -> date:
    """The last day of the quarter."""
    year, number = parse_quarter(quarter)
    if number == 4:
        return date(year, 12, 31)
    return date(year, 3 * number + 1, 1) - timedelta(days=1)
