"""Capacity checks over the roadmap (`charter check`): initiatives that depend on each other in a
cycle, estimates for teams that do not exist or have no Capacity, estimates of zero, commitments to
quarters without Capacity, over-committed team-quarters no accepted decision record answers, and
decision records that defer initiatives that do not exist. What `charter plan` leaves out of the plan,
each named here with its file and line."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from numbers import Real

from charter.analysis.checks.context import CheckContext
from charter.analysis.strategy.commitments import Overcommitment, overcommitments
from charter.analysis.strategy.from_estate import (
    NOT_PLANNED,
    capacity_table,
    dependency_name,
    initiative_name,
    team_name,
    work_by_team,
)
from charter.model.base import quarter_end
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.estate import CODES as ESTATE_CODES
from charter.model.estate import Estate
from charter.model.kinds import Capacity, Initiative

DEPENDENCY_CYCLE = "CAP002"
UNKNOWN_TEAM = "CAP003"
TEAM_WITHOUT_CAPACITY = "CAP004"
QUARTER_WITHOUT_CAPACITY = "CAP005"
OVERCOMMITTED = "CAP006"
ZERO_ESTIMATE = "CAP007"

CODES = Codes(
    Rule(
        DEPENDENCY_CYCLE,
        "Initiatives depend on each other in a cycle",
        Severity.ERROR,
        rationale="No initiative of a dependency cycle can start before the others are delivered: the order is wrong.",
        fix="Remove the `dependsOn` entry that closes the cycle, or merge the initiatives into one.",
        example="""\
# roadmap/platform.yaml
metadata: {name: service-mesh}
spec: {dependsOn: [initiative:mtls-everywhere]}
---
metadata: {name: mtls-everywhere}
spec: {dependsOn: [initiative:service-mesh]}
""",
    ),
    Rule(
        UNKNOWN_TEAM,
        "Estimate names an unknown team",
        Severity.ERROR,
        rationale="Work estimated for a team that is not a declared Group cannot be planned: nobody has that capacity.",
        fix="Name a declared Group in `estimate.teamWeeks`, or declare the team.",
        example="""\
# roadmap/search.yaml
spec:
  estimate: {teamWeeks: {search: 6, serach-infra: 4}}   # no Group serach-infra
""",
    ),
    Rule(
        TEAM_WITHOUT_CAPACITY,
        "Estimate for a team with no Capacity",
        Severity.WARNING,
        rationale="A team with no Capacity in any quarter has no team-weeks to give: its work is never planned.",
        fix="Add the team to the Capacity of the quarters it works in, or move the work to a team that has capacity.",
        example="""\
# roadmap/capacity.yaml names payments and platform only
# roadmap/search.yaml
spec: {owner: group:search, estimate: {teamWeeks: 6}}
""",
    ),
    Rule(
        QUARTER_WITHOUT_CAPACITY,
        "Commitment to a quarter without Capacity",
        Severity.WARNING,
        rationale="A commitment to a quarter for which no capacity is declared cannot be checked against what the "
        "teams have: it is a promise made blind.",
        fix="Add a Capacity for the quarter, or commit the initiative to a quarter that has one.",
        example="""\
# roadmap/checkout.yaml, and no Capacity has quarter 2028Q3
spec: {committed: {quarter: 2028Q3}}
""",
    ),
    Rule(
        OVERCOMMITTED,
        "Team-quarter over-committed with no recorded tradeoff",
        Severity.WARNING,
        rationale="Work committed beyond a team's available capacity (its Capacity less the reserve) will slip; "
        "when it is known, the tradeoff — what is deferred — should be decided and written down, not discovered.",
        fix="Record the tradeoff in an accepted decision record (front matter `quarter: 2027Q1` and `defers: "
        "[initiative:NAME]`) whose deferrals bring the quarter within capacity, or move commitments, or add capacity.",
        example="""\
# roadmap/capacity.yaml
spec: {quarter: 2027Q1, teams: {payments: 40}, reserve: {unplanned: 0.2}}   # 32 team-weeks available
# roadmap/payments.yaml: 24 + 16 team-weeks committed to 2027Q1
spec: {owner: group:payments, estimate: {teamWeeks: 24}, committed: {quarter: 2027Q1}}
""",
    ),
    Rule(
        ZERO_ESTIMATE,
        "Estimate of zero team-weeks",
        Severity.WARNING,
        rationale="An initiative estimated at zero takes no capacity, so the plan cannot weigh it: it is left out.",
        fix="Write the team-weeks the work takes, or mark the initiative done if it is.",
        example="""\
# roadmap/platform.yaml
spec: {owner: group:platform, estimate: {teamWeeks: 0}}
""",
    ),
    uses=(ESTATE_CODES["REF001"],),
)
diagnostic = CODES.diagnostic


def _at(location: Location | None, *pointer: str | int) -> Location | None:
    return location.at(*pointer) if location else None


def check_dependency_cycles(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    by_name = {initiative_name(item): item for item in estate.initiatives}
    graph = {
        name: sorted({dep for dep in map(dependency_name, item.spec.depends_on) if dep is not None and dep in by_name})
        for name, item in sorted(by_name.items())
    }
    for cycle in dependency_cycles(graph):
        first = by_name[cycle[0]]
        yield diagnostic(
            DEPENDENCY_CYCLE,
            f"initiatives depend on each other in a cycle: {' -> '.join(cycle)}",
            _at(first.location, "spec", "dependsOn"),
            entity=first.ref.short,
        )


def dependency_cycles(graph: Mapping[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected part of the graph that has one, as a path that starts and ends
    at its first name (`[a, b, a]`), shortest first from that name; in name order."""
    cycles = []
    for part in _strongly_connected(graph):
        start = min(part)
        if len(part) == 1 and start not in graph.get(start, []):
            continue
        cycles.append(_shortest_cycle(graph, start, part))
    return sorted(cycles)


def _strongly_connected(graph: Mapping[str, list[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (a long dependency chain must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[set[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph.get(root, [])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            advanced = False
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph.get(target, []))))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                part = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.add(member)
                    if member == node:
                        break
                parts.append(part)
    return parts


def _shortest_cycle(graph: Mapping[str, list[str]], start: str, part: set[str]) -> list[str]:
    previous: dict[str, str] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        following = []
        for node in frontier:
            for target in graph.get(node, []):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if target in part and target not in seen:
                    seen.add(target)
                    previous[target] = node
                    following.append(target)
        frontier = following
    return [start, start]


def check_estimates(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    """CAP003, CAP007, and CAP004 when the repository plans with Capacity at all (without any, there
    is no capacity to hold the roadmap against)."""
    with_capacity = {team for teams in capacity_table(estate.capacities).teams.values() for team in teams}
    for initiative in sorted(estate.initiatives, key=initiative_name):
        if initiative.spec.estimate is None:
            continue
        yield from _unknown_teams(estate, initiative)
        if initiative.spec.status in NOT_PLANNED:
            continue
        yield from _zero_estimates(initiative)
        if not estate.capacities:
            continue
        for team in sorted(work_by_team(initiative)):
            if team not in with_capacity and estate.resolve(team, default_kind="group") is not None:
                yield diagnostic(
                    TEAM_WITHOUT_CAPACITY,
                    f"{initiative.ref.short} has work for {team}, which has no Capacity in any quarter",
                    _estimate_location(initiative, team),
                    entity=initiative.ref.short,
                )


def _estimate_location(initiative: Initiative, team: str | None = None) -> Location | None:
    estimate = initiative.spec.estimate
    if estimate is not None and isinstance(estimate.team_weeks, Mapping) and team is not None:
        for key in estimate.team_weeks:
            if team_name(key) == team:
                return _at(initiative.location, "spec", "estimate", "teamWeeks", key)
    return _at(initiative.location, "spec", "estimate", "teamWeeks")


def _unknown_teams(estate: Estate, initiative: Initiative) -> Iterator[Diagnostic]:
    estimate = initiative.spec.estimate
    assert estimate is not None
    for field, amount in (("teamWeeks", estimate.team_weeks), ("remainingTeamWeeks", estimate.remaining_team_weeks)):
        if not isinstance(amount, Mapping):
            continue
        for key in amount:
            if team_name(key) is None or estate.resolve(key, default_kind="group") is None:
                yield diagnostic(
                    UNKNOWN_TEAM,
                    f"{initiative.ref.short} estimates work for {key!r}, which is not a declared Group",
                    _at(initiative.location, "spec", "estimate", field, key),
                    entity=initiative.ref.short,
                )


def _zero_estimates(initiative: Initiative) -> Iterator[Diagnostic]:
    estimate = initiative.spec.estimate
    assert estimate is not None
    amounts = estimate.team_weeks
    pairs = list(amounts.items()) if isinstance(amounts, Mapping) else [(None, amounts)]
    for key, weeks in pairs:
        if isinstance(weeks, Real) and weeks == 0:
            where = _at(initiative.location, "spec", "estimate", "teamWeeks", *([key] if key is not None else []))
            whose = f" for {key}" if key is not None else ""
            yield diagnostic(
                ZERO_ESTIMATE,
                f"{initiative.ref.short} is estimated at 0 team-weeks{whose}: the plan leaves that work out",
                where,
                entity=initiative.ref.short,
            )


def check_commitments(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    """CAP005, when the repository plans with Capacity at all."""
    if not estate.capacities:
        return
    quarters = set(capacity_table(estate.capacities).teams)
    for initiative in sorted(estate.initiatives, key=initiative_name):
        spec = initiative.spec
        if spec.committed is None or spec.status in NOT_PLANNED:
            continue
        quarter = spec.committed.quarter
        if quarters and quarter not in quarters and quarter_end(quarter) >= context.today:
            yield diagnostic(
                QUARTER_WITHOUT_CAPACITY,
                f"{initiative.ref.short} is committed to {quarter}, which has no Capacity",
                _at(initiative.location, "spec", "committed", "quarter"),
                entity=initiative.ref.short,
            )


def check_overcommitment(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    for found in overcommitments(estate, context.today):
        if found.answered:
            continue
        capacity = _capacity_of(estate, found.quarter, found.team)
        where = _team_location(capacity, found.team)
        reserve = capacity.spec.reserve.unplanned if capacity else 0.0
        message = (
            f"{found.team} is over-committed in {found.quarter}: {_weeks(found.committed)} team-weeks committed "
            f"({', '.join(found.initiatives)}) against {_weeks(found.available)} available "
            f"(after the {reserve:.0%} reserve)"
        )
        if found.decisions:
            message += (
                f"; decision {', '.join(found.decisions)} defers {', '.join(found.deferred)} "
                f"({_weeks(found.deferred_team_weeks)} team-weeks), not enough"
            )
        yield diagnostic(
            OVERCOMMITTED,
            message,
            where,
            entity=capacity.ref.short if capacity else f"group:{found.team}",
            hint=_hint(found),
        )


def _hint(found: Overcommitment) -> str:
    still = found.committed - found.deferred_team_weeks - found.available
    return (
        f"defer at least {_weeks(still)} more team-weeks of {found.team}'s work in an accepted decision record "
        f"(front matter `quarter: {found.quarter}`, `defers: [initiative:NAME]`), move a commitment, or add capacity"
    )


def _capacity_of(estate: Estate, quarter: str, team: str) -> Capacity | None:
    of_quarter = sorted(
        (item for item in estate.capacities if item.spec.quarter == quarter), key=lambda item: item.metadata.name
    )
    naming = [item for item in of_quarter if any(team_name(key) == team for key in item.spec.teams)]
    found = naming or of_quarter
    return found[0] if found else None


def _team_location(capacity: Capacity | None, team: str) -> Location | None:
    if capacity is None:
        return None
    for key in capacity.spec.teams:
        if team_name(key) == team:
            return _at(capacity.location, "spec", "teams", key)
    return _at(capacity.location, "spec", "teams")


def _weeks(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def check_deferrals(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    """REF001: a decision record that defers an initiative that does not exist."""
    known = {initiative_name(item) for item in estate.initiatives}
    for decision in sorted(estate.decisions.values(), key=lambda item: item.id):
        for index, name in enumerate(decision.defers):
            if name in known:
                continue
            where = decision.defers_at[index] if index < len(decision.defers_at) else decision.location
            yield diagnostic(
                "REF001",
                f"decision {decision.id} defers initiative:{name}, which is not declared",
                where,
                entity=f"decision:{decision.id}",
                hint="name an initiative of roadmap/ in `defers`, as `initiative:NAME`",
            )


RULES = (check_dependency_cycles, check_estimates, check_commitments, check_overcommitment, check_deferrals)
