"""Technology radar entries: Charter's RadarEntry kind, Build-Your-Own-Radar CSV / JSON and
Backstage tech-radar JSON all become `RadarEntry`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from charter.model.diagnostics import Location


@dataclass(frozen=True, slots=True)
class RadarEntry:
    name: str
    ring: str
    quadrant: str
    description: str = ""
    is_new: bool = False
    moved: int = 0  # +1 moved in, -1 moved out, 0 unchanged
    updated: date | None = None
    location: Location | None = None
