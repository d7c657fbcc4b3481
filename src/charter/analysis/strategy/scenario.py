"""A scenario laid over the roadmap: capacity changed (`capacity: {2027Q2: {payments: -6}}` adds or
removes team-weeks), initiatives forced in (delivered within the horizon where feasible) or out,
and team-weeks moved from one team to another (`move: [{from: a, to: b, teamWeeks: 10, quarters:
[2027Q2]}]`). Parsed from the YAML's data; problems are ValueErrors naming the field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from charter.analysis.strategy.roadmap import Roadmap, quarter_index
from charter.model.base import parse_quarter


@dataclass(frozen=True, slots=True)
class Move:
    source: str
    target: str
    team_weeks: float
    quarters: tuple[str, ...]  # empty: every quarter of the horizon


@dataclass(frozen=True, slots=True)
class Scenario:
    capacity: Mapping[str, Mapping[str, float]]  # quarter -> team -> team-weeks added (negative: removed)
    force_in: tuple[str, ...] = ()
    force_out: tuple[str, ...] = ()
    moves: tuple[Move, ...] = ()


def _quarter(text: Any, where: str) -> str:
    try:
        year, number = parse_quarter(str(text))
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
    if "-" in str(text):
        raise ValueError(f"{where}: write {year}Q{number}, not {text}")
    return f"{year}Q{number}"


def _names(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{where}: a list of initiatives")
    return tuple(item.removeprefix("initiative:") for item in value)


def parse_scenario(data: Any) -> Scenario:
    if not isinstance(data, dict):
        raise ValueError("a scenario is a mapping with `capacity`, `force` and `move`")
    unknown = set(data) - {"capacity", "force", "move", "description"}
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}: a scenario has capacity, force, move")
    capacity: dict[str, dict[str, float]] = {}
    for quarter, teams in (data.get("capacity") or {}).items():
        name = _quarter(quarter, f"capacity.{quarter}")
        if not isinstance(teams, dict):
            raise ValueError(f"capacity.{quarter}: a mapping team -> team-weeks added or removed")
        capacity[name] = {str(team).removeprefix("group:"): float(weeks) for team, weeks in teams.items()}
    force = data.get("force") or {}
    if not isinstance(force, dict):
        raise ValueError("force: a mapping with `in` and `out`")
    moves = []
    for index, move in enumerate(data.get("move") or []):
        where = f"move[{index}]"
        if not isinstance(move, dict) or not {"from", "to", "teamWeeks"} <= set(move):
            raise ValueError(f"{where}: needs from, to and teamWeeks")
        quarters = tuple(_quarter(item, f"{where}.quarters") for item in move.get("quarters") or [])
        moves.append(
            Move(
                str(move["from"]).removeprefix("group:"),
                str(move["to"]).removeprefix("group:"),
                float(move["teamWeeks"]),
                quarters,
            )
        )
    return Scenario(capacity, _names(force.get("in"), "force.in"), _names(force.get("out"), "force.out"), tuple(moves))


def apply_scenario(roadmap: Roadmap, scenario: Scenario) -> tuple[Roadmap, list[str]]:
    """The roadmap with the scenario laid over it, and what changed, one line each."""
    capacity = {team: dict(quarters) for team, quarters in roadmap.capacity.items()}
    applied: list[str] = []

    def add(team: str, quarter: str, weeks: float) -> None:
        before = capacity.setdefault(team, {}).get(quarter, 0.0)
        capacity[team][quarter] = max(0.0, before + weeks)

    for quarter, teams in sorted(scenario.capacity.items(), key=lambda item: quarter_index(item[0])):
        for team, weeks in sorted(teams.items()):
            if quarter in roadmap.quarters:
                add(team, quarter, weeks)
                applied.append(f"{team} in {quarter}: {weeks:+g} team-weeks")
    for move in scenario.moves:
        for quarter in move.quarters or roadmap.quarters:
            if quarter in roadmap.quarters:
                moved = min(move.team_weeks, roadmap.available(move.source, quarter))
                add(move.source, quarter, -moved)
                add(move.target, quarter, moved)
                applied.append(f"{moved:g} team-weeks moved from {move.source} to {move.target} in {quarter}")
    known = {item.name for item in roadmap.initiatives}
    for name in [*scenario.force_in, *scenario.force_out]:
        if name not in known:
            raise ValueError(f"force: {name} is not an initiative the plan can schedule")
    last = roadmap.quarters[-1] if roadmap.quarters else None
    items = []
    for item in roadmap.initiatives:
        if item.name in scenario.force_out:
            applied.append(f"{item.name} forced out")
            continue
        if item.name in scenario.force_in and last is not None:
            applied.append(f"{item.name} forced in")
            item = replace(item, due=item.due or last)
        items.append(item)
    return replace(roadmap, capacity=capacity, initiatives=tuple(items)), applied
