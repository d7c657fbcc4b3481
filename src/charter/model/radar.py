"""Technology radar entries: Charter's RadarEntry kind, Build-Your-Own-Radar CSV / JSON and
Backstage tech-radar JSON all become `RadarEntry`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from charter.model.base import OpenModel, StrictModel
from charter.model.diagnostics import Location
from charter.model.kinds import CharterEntity


@dataclass(frozen=True, slots=True)
class RadarEntry:
    """One blip. `name` identifies it (RadarEntry `metadata.name`, Backstage `id`, BYOR `name`);
    `title` is what people read. `ring` is lower-cased (`adopt`, `trial`, `assess`, `hold` by
    convention); `quadrant` is kept as written."""

    name: str
    ring: str
    quadrant: str
    description: str = ""
    is_new: bool = False
    moved: int = 0  # +1 moved in (towards adopt), -1 moved out, 0 unchanged
    updated: date | None = None
    location: Location | None = None
    title: str = ""
    url: str | None = None


# Charter's own kind --------------------------------------------------------------------------------


class RadarEntrySpec(StrictModel):
    """A technology radar entry: its ring, quadrant and movement."""

    ring: Annotated[str, Field(min_length=1)] = Field(
        description="The ring (`adopt`, `trial`, `assess`, `hold`, or the radar's own)."
    )
    quadrant: Annotated[str, Field(min_length=1)] = Field(description="The quadrant.")
    description: str = Field("", description="Why the entry is in its ring.")
    moved: Annotated[int, Field(ge=-1, le=1)] = Field(
        0, description="-1 moved out, 0 unchanged, 1 moved in since the last radar."
    )
    is_new: bool = Field(False, description="New on this radar.")
    updated: date | None = Field(None, description="The day it was last updated.")
    url: str | None = Field(None, description="More about it.")


class RadarEntryDocument(CharterEntity):
    """`apiVersion: charter.dev/v1`, `kind: RadarEntry`."""

    kind: Literal["RadarEntry"]
    spec: RadarEntrySpec = Field(description="The entry's ring, quadrant and movement.")


# Build-Your-Own-Radar (CSV rows and JSON objects) -----------------------------------------------

BYOR_STATUS_MOVES = {"new": 0, "moved in": 1, "moved out": -1, "no change": 0}


def _flag(value: Any) -> Any:
    """BYOR's isNew as Google Sheets writes it (TRUE / FALSE), as JSON booleans, or empty."""
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("", "false", "no"):
            return False
        if lowered in ("true", "yes"):
            return True
    return value


def _status(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split()) or None
    return value


def _text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class ByorBlip(OpenModel):
    """One BYOR entry: `name, ring, quadrant, isNew, description`, or `status` (New, Moved In,
    Moved Out, No Change) in place of `isNew` in newer BYOR."""

    name: Annotated[str, BeforeValidator(_text), Field(min_length=1)]
    ring: Annotated[str, BeforeValidator(_text), Field(min_length=1)]
    quadrant: Annotated[str, BeforeValidator(_text), Field(min_length=1)]
    is_new: Annotated[bool, BeforeValidator(_flag)] = False
    status: Annotated[Literal["new", "moved in", "moved out", "no change"] | None, BeforeValidator(_status)] = None
    description: str | None = ""


# Backstage tech-radar JSON --------------------------------------------------------------------


class BackstageQuadrant(OpenModel):
    id: str
    name: str


class BackstageRing(OpenModel):
    id: str
    name: str
    color: str | None = None


class BackstageTimelineEntry(OpenModel):
    moved: int = 0
    ring_id: str
    date: str
    description: str | None = None


class BackstageLink(OpenModel):
    url: str
    title: str | None = None


class BackstageEntry(OpenModel):
    id: str
    title: str
    quadrant: str
    key: str | None = None
    url: str | None = None
    description: str | None = None
    links: list[BackstageLink] = Field(default_factory=list)
    timeline: Annotated[list[BackstageTimelineEntry], Field(min_length=1)]


class BackstageRadar(OpenModel):
    quadrants: list[BackstageQuadrant]
    rings: list[BackstageRing]
    entries: list[BackstageEntry]
