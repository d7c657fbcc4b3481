"""What a snapshot keeps of the risk register: each risk's residual level and status, so that
`charter risks` can tell new risks, closures and level changes since the last snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RiskState:
    """One risk as a snapshot recorded it."""

    risk: str
    level: str
    status: str


@dataclass(frozen=True, slots=True)
class PreviousRegister:
    """The register one snapshot recorded, by risk."""

    snapshot_id: int
    taken_at: datetime
    states: Mapping[str, RiskState]
