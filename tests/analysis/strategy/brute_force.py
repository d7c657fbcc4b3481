"""The plan by exhaustive enumeration, for tests: every delivery quarter (or none) per initiative,
each assignment checked for feasibility by earliest-deadline-first filling of every team's
quarters, which is exact for divisible work with release and due quarters."""

from __future__ import annotations

from itertools import product

from charter.analysis.strategy.roadmap import Roadmap, quarter_index


def _team_fits(roadmap: Roadmap, team: str, windows: list[tuple[int, int, float]]) -> bool:
    """Jobs (first quarter, delivery quarter, team-weeks) fit the team's quarters."""
    left = {index: amount for index, (_, _, amount) in enumerate(windows)}
    for q, quarter in enumerate(roadmap.quarters):
        capacity = roadmap.available(team, quarter)
        ready = sorted((windows[index][1], index) for index in left if windows[index][0] <= q <= windows[index][1])
        for _, index in ready:
            used = min(capacity, left[index])
            left[index] -= used
            capacity -= used
        if any(left[index] > 1e-9 and windows[index][1] == q for index in left):
            return False
    return True


def feasible(roadmap: Roadmap, delivery: dict[str, int | None]) -> bool:
    items = roadmap.by_name()
    windows: dict[str, list[tuple[int, int, float]]] = {}
    for name, position in delivery.items():
        if position is None:
            continue
        start = 0
        for dependency in items[name].depends_on:
            found = delivery.get(dependency)
            if found is None or found > position:
                return False
            start = max(start, found)
        for team, amount in items[name].work.items():
            windows.setdefault(team, []).append((start, position, amount))
    return all(_team_fits(roadmap, team, jobs) for team, jobs in windows.items())


def deadlines_kept(roadmap: Roadmap, delivery: dict[str, int | None]) -> int:
    kept = 0
    first = quarter_index(roadmap.quarters[0])
    for item in roadmap.initiatives:
        deadline = item.deadline
        if deadline is None:
            continue
        index = quarter_index(deadline)
        position = 0 if index < first else roadmap.position(deadline)
        if position is None:
            continue
        found = delivery[item.name]
        if found is not None and found <= position:
            kept += 1
    return kept


def best_plan(roadmap: Roadmap) -> tuple[int, float]:
    """(deadlines kept, objective) of the best plan: most deadlines kept, then most value."""
    names = [item.name for item in roadmap.initiatives]
    values = {item.name: item.cost_of_delay for item in roadmap.initiatives}
    horizon = roadmap.horizon
    best = (-1, -1.0)
    for choice in product([None, *range(horizon)], repeat=len(names)):
        delivery = dict(zip(names, choice, strict=True))
        if not feasible(roadmap, delivery):
            continue
        objective = sum(values[name] * (horizon - q) for name, q in delivery.items() if q is not None)
        best = max(best, (deadlines_kept(roadmap, delivery), objective))
    return best
