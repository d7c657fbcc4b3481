"""One SLO model for OpenSLO v1, Sloth `prometheus/v1` and Pyrra `ServiceLevelObjective`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from charter.model.diagnostics import Location

SloFormat = Literal["openslo", "sloth", "pyrra"]


@dataclass(frozen=True, slots=True)
class Slo:
    """A service level objective, whatever file format declared it."""

    name: str
    source_format: SloFormat
    objective: float  # target ratio of good events, e.g. 0.999
    service: str | None = None
    component: str | None = None  # explicit `charter.dev/component` label or annotation
    period: timedelta | None = None  # None: the policy's default period applies
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    location: Location | None = None
