"""`charter scorecard`'s view: each Standard's entities with their level and rule outcomes, and the
share of entities at least at each level per team and per system."""

from __future__ import annotations

from typing import ClassVar

from charter.outputs.views.base import ReportView, View


class Rollup(View):
    group: str
    total: int
    at_least: dict[str, float]


class EntityLevel(View):
    entity: str
    level: str | None
    pending: str | None  # the next level, when only unknown results stand in its way
    rules: dict[str, str]  # rule id → pass | fail | unknown
    failing: list[str]
    unknown_because: dict[str, str] = {}  # rule id → why it is unknown (no deployment in the window, ...)


class StandardScorecard(View):
    standard: str
    title: str  # its spec title, or its name
    levels: list[str]
    rule_levels: dict[str, str]  # rule id → the level it belongs to
    entities: list[EntityLevel]
    by_team: list[Rollup]
    by_system: list[Rollup]


class ScorecardReport(ReportView):
    report: ClassVar[str] = "scorecard"

    scorecards: list[StandardScorecard]
