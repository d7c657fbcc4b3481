"""The weights and time-to-live an assessment uses: `spec.assessment` of charter.yaml over the defaults
of the catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from charter.analysis.assessment.catalogue import (
    CHECKS,
    DEFAULT_TIER_WEIGHTS,
    DEFAULT_TIME_TO_LIVE,
    Area,
)
from charter.model.organization import AssessmentSettings


@dataclass(frozen=True, slots=True)
class AssessmentWeights:
    """The weight of every check (0: left out), of a component by its tier, and each area's time-to-live."""

    checks: Mapping[str, float]
    tiers: Mapping[int, float]
    untiered: float
    time_to_live: Mapping[Area, timedelta]

    def tier_weight(self, tier: int | None) -> float:
        if tier is None:
            return self.untiered
        return self.tiers.get(tier, self.untiered)


def assessment_weights(settings: AssessmentSettings | None) -> AssessmentWeights:
    """The catalogue's defaults with the settings over them (weights of unknown checks are ignored here;
    `settings_problems` reports them)."""
    settings = settings or AssessmentSettings()
    checks = {check.id: settings.weights.get(check.id, check.weight) for check in CHECKS}
    time_to_live = dict(DEFAULT_TIME_TO_LIVE) | {Area(area): ttl for area, ttl in settings.time_to_live.items()}
    return AssessmentWeights(
        checks,
        DEFAULT_TIER_WEIGHTS | dict(settings.tier_weights),
        settings.untiered_weight,
        time_to_live,
    )
