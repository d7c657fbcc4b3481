"""The sample roadmap's tradeoffs, planted on initiatives the register already drew (no random draws,
so the rest of the organisation stays the same): one team over-committed in the first quarter and
answered by an accepted decision record that defers part of its work; another over-committed in the
second quarter with no recorded tradeoff (CAP006), among its commitments the mitigation of a risk
above appetite that no quarter of the horizon can fit; a chain of three initiatives that depend on
one another; and a hiring-freeze scenario for `charter plan --scenario`."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from charter.demo.plan import Catalog, Planted, Team

RESERVE = 0.15  # the share of every Capacity held back for unplanned work
OVERCOMMITTED = "CAP006"
ANSWERED_BY_DECISION = "CAP006 not due: over-committed, answered by an accepted decision record that defers work"
SCENARIO_PATH = "scenarios/hiring-freeze.yaml"
RELIABILITY_GOAL = "reliable-core"  # a goal of the sample's charter.yaml (`demo/strategy.py`)


def team_weeks(team: Team) -> float:
    """A team's Capacity in a quarter: eleven team-weeks per member, at least eight."""
    return float(max(8, 11 * len(team.members)))


def available(team: Team) -> float:
    return team_weeks(team) * (1 - RESERVE)


@dataclass(frozen=True, slots=True)
class Deferral:
    """An accepted decision record's roadmap tradeoff: in `quarter`, `team` defers `defers`."""

    quarter: str
    team: str
    defers: tuple[str, ...]
    kept: tuple[str, ...]  # the work the team keeps in the quarter


@dataclass(frozen=True, slots=True)
class RoadmapTradeoffs:
    deferral: Deferral | None
    scenario: str | None  # the YAML of SCENARIO_PATH


def plant_roadmap_tradeoffs(
    catalog: Catalog,
    quarters: Sequence[str],
    initiatives: list[dict[str, Any]],
    decision_slots: int,
    planted: Planted,
) -> RoadmapTradeoffs:
    """Rework some of `initiatives` (dicts with `_role`, as the register writes them) in place."""
    free = [item for item in initiatives if "mitigates" not in item["spec"]]
    pool = [item for item in free if item["_role"] in ("ordinary", "migration")]
    mitigations = sorted(
        (item for item in initiatives if item["_role"] == "mitigation" and "mitigates" in item["spec"]),
        key=lambda item: str(item["metadata"]["name"]),
    )
    if len(quarters) < 2 or len(catalog.teams) < 3 or len(pool) < 4 or not mitigations:
        return RoadmapTradeoffs(None, None)
    first, second = quarters[0], quarters[1]
    mitigation = mitigations[0]
    reworked = [*pool[:4], mitigation]
    load = _committed_work([item for item in initiatives if not any(item is other for other in reworked)])
    teams = sorted(catalog.teams, key=lambda team: (sum(load[team.name].values()), team.name))
    answered, unanswered = teams[0], teams[1]

    # The answered team: 1.2 times its room committed to the first quarter; the record defers the
    # second piece of work, which leaves the first within capacity.
    room = available(answered) - load[answered.name][first]
    kept, deferred = pool[0], pool[1]
    _rework(kept, answered, math.floor(0.7 * room), first)
    _rework(deferred, answered, math.ceil(0.5 * room), first)
    deferral = None
    capacity_entity = f"capacity:capacity-{first.lower()}"
    if decision_slots > 0:
        names = (str(deferred["metadata"]["name"]),)
        deferral = Deferral(first, answered.name, names, (str(kept["metadata"]["name"]),))
        planted.accept(ANSWERED_BY_DECISION, capacity_entity)
    else:
        planted.flaw(OVERCOMMITTED, capacity_entity)

    # The unanswered team: its capacity filled by commitments in both quarters, and the mitigation of
    # a risk above appetite, larger than a quarter of it, committed to the second as well.
    full = math.floor(10 * available(unanswered)) / 10
    _rework(pool[2], unanswered, round(full - load[unanswered.name][first], 1), first)
    _rework(pool[3], unanswered, round(full - load[unanswered.name][second], 1), second)
    _rework(mitigation, unanswered, math.ceil(1.25 * available(unanswered)), second)
    mitigation["spec"]["goals"] = [RELIABILITY_GOAL]
    planted.flaw(OVERCOMMITTED, f"capacity:capacity-{second.lower()}")

    _release_overcommitments(catalog, initiatives, {(answered.name, first), (unanswered.name, second)}, planted)

    # A chain of three initiatives, each waiting for the one before it (uncommitted ones first; in the
    # order they were drawn, as the drawn dependencies are, so no cycle can close).
    rest = [item for item in free if not any(item is other for other in reworked)]
    chosen = sorted(rest, key=lambda item: "committed" in item["spec"])[:3]
    chain = sorted(chosen, key=lambda item: _index(initiatives, item))
    for before, after in zip(chain, chain[1:], strict=False):
        after["spec"]["dependsOn"] = [f"initiative:{before['metadata']['name']}"]
    return RoadmapTradeoffs(deferral, _scenario(second, (answered, unanswered, teams[2])))


def _release_overcommitments(
    catalog: Catalog, initiatives: list[dict[str, Any]], planted_here: set[tuple[str, str]], planted: Planted
) -> None:
    """The draws over-commit a team now and then: release the largest commitments (of initiatives
    that mitigate no risk) until each team-quarter but the planted ones is within capacity; what
    cannot be released is a planted CAP006."""
    teams = {team.name: team for team in catalog.teams}
    committed: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for item in initiatives:
        if "committed" in item["spec"]:
            team = str(item["spec"]["owner"]).removeprefix("group:")
            committed[team, item["spec"]["committed"]["quarter"]].append(item)
    for (team, quarter), items in sorted(committed.items()):
        if (team, quarter) in planted_here or team not in teams:
            continue
        load = sum(float(item["spec"]["estimate"]["teamWeeks"]) for item in items)
        releasable = sorted(
            (item for item in items if "mitigates" not in item["spec"]),
            key=lambda item: (-float(item["spec"]["estimate"]["teamWeeks"]), str(item["metadata"]["name"])),
        )
        for item in releasable:
            if load <= available(teams[team]):
                break
            load -= float(item["spec"]["estimate"]["teamWeeks"])
            del item["spec"]["committed"]
        entity = f"capacity:capacity-{quarter.lower()}"
        if load > available(teams[team]) and entity not in planted.flaws[OVERCOMMITTED]:
            planted.flaw(OVERCOMMITTED, entity)


def _index(initiatives: list[dict[str, Any]], wanted: dict[str, Any]) -> int:
    return next(index for index, item in enumerate(initiatives) if item is wanted)


def _committed_work(initiatives: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Team -> quarter -> team-weeks already committed."""
    load: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for item in initiatives:
        spec = item["spec"]
        if "committed" in spec:
            team = str(spec["owner"]).removeprefix("group:")
            load[team][spec["committed"]["quarter"]] += float(spec["estimate"]["teamWeeks"])
    return load


def _rework(item: dict[str, Any], team: Team, weeks: float, quarter: str | None) -> None:
    spec = item["spec"]
    spec["owner"] = f"group:{team.name}"
    spec["estimate"] = {"teamWeeks": weeks}
    spec.pop("dependsOn", None)
    if quarter is None:
        spec.pop("committed", None)
    else:
        spec["committed"] = {"quarter": quarter}


def _scenario(quarter: str, teams: Sequence[Team]) -> str:
    cuts = "\n".join(f"    {team.name}: -{math.ceil(team_weeks(team) / 4)}" for team in teams)
    return (
        "# charter plan --scenario scenarios/hiring-freeze.yaml: what a hiring freeze costs.\n"
        f"description: No hires from {quarter} on; the open positions of three teams stay empty\n"
        f"capacity:\n  {quarter}:\n{cuts}\n"
    )


def deferral_metadata(deferral: Deferral) -> dict[str, object]:
    return {"quarter": deferral.quarter, "defers": [f"initiative:{name}" for name in deferral.defers]}


def deferral_text(deferral: Deferral) -> str:
    deferred = ", ".join(f"`initiative:{name}`" for name in deferral.defers)
    kept = ", ".join(f"`initiative:{name}`" for name in deferral.kept)
    return (
        f"\n\n## Roadmap tradeoff for {deferral.quarter}\n\n"
        f"The work committed to group `{deferral.team}` in {deferral.quarter} exceeds its capacity after the "
        f"reserve. We keep {kept} and defer {deferred} to a later quarter."
    )
