"""The plan model from the strategy: available team-weeks per team and quarter from Capacity (after
the reserve), and the initiatives still to do with their work per team, cost of delay, dependencies
and deadlines. What cannot be planned is left out with a note; `charter check` reports it with its
file and line (`analysis/checks/capacity.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from charter.analysis.strategy.roadmap import PlanInitiative, Roadmap, quarter_index, quarter_range
from charter.model.estate import Estate
from charter.model.kinds import Capacity, Initiative, TeamWeeks
from charter.model.refs import ReferenceError_, parse_ref

NOT_PLANNED = frozenset({"done", "dropped"})
DEFAULT_HORIZON = 4


def team_name(text: str) -> str | None:
    """The team a Capacity key or an owner names (`payments`, `group:payments`), as a Group name."""
    try:
        ref = parse_ref(text, default_kind="group")
    except ReferenceError_:
        return None
    return ref.name if ref.kind == "group" else None


def initiative_name(initiative: Initiative) -> str:
    ref = initiative.ref
    return ref.name if ref.namespace == "default" else f"{ref.namespace}/{ref.name}"


def dependency_name(text: str) -> str | None:
    try:
        ref = parse_ref(text, default_kind="initiative")
    except ReferenceError_:
        return None
    if ref.kind != "initiative":
        return None
    return ref.name if ref.namespace == "default" else f"{ref.namespace}/{ref.name}"


def work_by_team(initiative: Initiative) -> dict[str, float]:
    """Team -> team-weeks still to do: `remainingTeamWeeks` for work in progress when given, else
    `teamWeeks`; a plain number is the owner's. Teams that do not parse and amounts that are not
    positive are left out (CAP diagnostics in `charter check`)."""
    estimate = initiative.spec.estimate
    if estimate is None:
        return {}
    amount: TeamWeeks = estimate.team_weeks
    if initiative.spec.status == "in-progress" and estimate.remaining_team_weeks is not None:
        amount = estimate.remaining_team_weeks
    if isinstance(amount, Mapping):
        pairs = [(team_name(team), weeks) for team, weeks in amount.items()]
    else:
        owner = team_name(initiative.spec.owner) if initiative.spec.owner else None
        pairs = [(owner, amount)]
    work: dict[str, float] = {}
    for team, weeks in pairs:
        if team is not None and weeks > 0:
            work[team] = work.get(team, 0.0) + float(weeks)
    return work


def cost_of_delay(initiative: Initiative) -> float:
    value = initiative.spec.value
    return float(value.business_value + value.time_criticality + value.risk_reduction)


@dataclass(frozen=True, slots=True)
class CapacityTable:
    """Per quarter: each team's team-weeks as written, and the share held back."""

    teams: Mapping[str, Mapping[str, float]]  # quarter -> team -> team-weeks
    reserve: Mapping[str, float]  # quarter -> share

    def available(self, quarter: str) -> dict[str, float]:
        share = self.reserve.get(quarter, 0.0)
        return {team: weeks * (1 - share) for team, weeks in self.teams.get(quarter, {}).items()}


def capacity_table(capacities: list[Capacity]) -> CapacityTable:
    teams: dict[str, dict[str, float]] = {}
    reserve: dict[str, float] = {}
    for capacity in sorted(capacities, key=lambda item: item.metadata.name):
        quarter = capacity.spec.quarter
        found = teams.setdefault(quarter, {})
        for key, weeks in capacity.spec.teams.items():
            team = team_name(key)
            if team is not None:
                found[team] = found.get(team, 0.0) + max(float(weeks), 0.0)
        reserve[quarter] = max(reserve.get(quarter, 0.0), capacity.spec.reserve.unplanned)
    return CapacityTable(teams, reserve)


def default_horizon(capacities: CapacityTable, today_quarter: str) -> list[str]:
    """The next four quarters that have a Capacity, from the current one on."""
    start = quarter_index(today_quarter)
    ahead = sorted((quarter for quarter in capacities.teams if quarter_index(quarter) >= start), key=quarter_index)
    return ahead[:DEFAULT_HORIZON]


@dataclass(frozen=True, slots=True)
class PlanInputs:
    """The roadmap to solve, and what was left out of it and why (initiative name -> reason)."""

    roadmap: Roadmap
    left_out: Mapping[str, str] = field(default_factory=dict)
    initiatives: Mapping[str, Initiative] = field(default_factory=dict)  # every one by plan name


def deferrals(estate: Estate, today: date | None = None) -> dict[tuple[str, str], str]:
    """(initiative, quarter) -> the accepted decision record (in force on `today`) that defers the
    initiative's commitment to that quarter."""
    found: dict[tuple[str, str], str] = {}
    for decision in sorted(estate.decisions.values(), key=lambda item: item.id):
        if decision.quarter and decision.in_force(today):
            for name in decision.defers:
                found.setdefault((name, decision.quarter), decision.id)
    return found


def plan_inputs(estate: Estate, quarters: list[str], today: date | None = None) -> PlanInputs:
    """The roadmap to plan over `quarters`. A commitment an accepted decision record defers is
    released: the initiative is planned like an uncommitted one and says which record deferred it."""
    table = capacity_table(estate.capacities)
    deferred = deferrals(estate, today)
    capacity: dict[str, dict[str, float]] = {}
    for quarter in quarters:
        for team, weeks in table.available(quarter).items():
            capacity.setdefault(team, {})[quarter] = weeks
    left_out: dict[str, str] = {}
    items: list[PlanInitiative] = []
    everyone = {initiative_name(item): item for item in estate.initiatives}
    for name, initiative in sorted(everyone.items()):
        spec = initiative.spec
        if spec.status in NOT_PLANNED:
            left_out[name] = spec.status
            continue
        work = work_by_team(initiative)
        if not work:
            left_out[name] = "no positive estimate for a known team"
            continue
        depends = tuple(sorted({dep for dep in map(dependency_name, spec.depends_on) if dep is not None}))
        missing = [dep for dep in depends if dep not in everyone]
        if missing:
            left_out[name] = f"depends on {', '.join(missing)}, which does not exist"
            continue
        committed = spec.committed.quarter if spec.committed else None
        released = deferred.get((name, committed)) if committed else None
        items.append(
            PlanInitiative(
                name,
                work,
                cost_of_delay(initiative),
                depends,
                None if released else committed,
                spec.due,
                spec.type,
                deferred_from=committed if released else None,
                deferred_by=released,
            )
        )
    done = {name for name, reason in left_out.items() if reason == "done"}
    planned = {item.name for item in items}
    # A dependency already done binds nothing; one dropped or left out keeps its dependants out.
    items = [replace(item, depends_on=tuple(dep for dep in item.depends_on if dep not in done)) for item in items]
    for item in items:
        blocked = [dep for dep in item.depends_on if dep not in planned]
        if blocked:
            left_out[item.name] = f"depends on {', '.join(blocked)} ({left_out[blocked[0]]})"
    kept = tuple(item for item in items if item.name not in left_out)
    organization = estate.organization
    minimum = organization.spec.policies.min_reliability_allocation if organization else 0.0
    roadmap = Roadmap(tuple(quarters), capacity, kept, dict(table.reserve), minimum)
    return PlanInputs(roadmap, left_out, everyone)


def horizon_quarters(estate: Estate, first: str | None, last: str | None, today_quarter: str) -> list[str]:
    if first and last:
        return quarter_range(first, last)
    return default_horizon(capacity_table(estate.capacities), today_quarter)
