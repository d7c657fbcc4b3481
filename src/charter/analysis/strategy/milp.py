"""The roadmap as a mixed-integer program, solved with HiGHS.

For quarters q = 1..H of the horizon, initiatives i and teams t:
- `delivered[i, q]` is binary: i is delivered in quarter q or earlier (so it never falls back to 0);
- `work[i, t, q]` ≥ 0 is the team-weeks team t puts into i in quarter q;
- Σ_i work[i, t, q] ≤ available[t, q] (a team-quarter's capacity after the reserve);
- delivered by q needs all of i's work done by q: Σ_{q' ≤ q} work[i, t, q'] ≥ w[i, t] · delivered[i, q];
- i gets work only if delivered in the horizon (Σ_q work[i, t, q] ≤ w[i, t] · delivered[i, H]) and only
  in quarters its dependencies are delivered by (work[i, t, q] ≤ w[i, t] · delivered[j, q]);
- objective: maximise Σ_i CoD_i · Σ_q delivered[i, q], which is Σ over delivered initiatives of
  CoD × (H − d + 1) for delivery quarter d.

A commitment or due quarter c is soft: `delivered[i, c] + broken[i] ≥ 1`, with a penalty on `broken`
larger than any objective, so the plan holds as many deadlines as can be held and then maximises
value. The policy `minReliabilityAllocation` m is soft too: in each quarter q,
Σ_{i reliability, debt or security} Σ_t work[i, t, q] + short[q] ≥ m · Σ_t available[t, q], with a
penalty on each team-week `short` above the value any initiative could bring per team-week, so the
plan meets the policy where the work proposed allows and reports the shortfall where it does not.
Ties between equal plans go to the initiative first by name, through weights too small to change
which plan is optimal (each below 1/(2·N·H) of a unit of cost of delay)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import highspy
import numpy as np
from highspy._core import _Highs, cb

from charter.analysis.strategy.roadmap import PlanInitiative, Roadmap, quarter_index

WORK_EPSILON = 1e-6  # team-weeks below this are rounding, not work
DEFAULT_GAP = 1e-4  # the relative gap at which HiGHS stops: a proven optimum for practical purposes
DEFAULT_TIME_LIMIT = 60.0  # seconds; the best plan found by then is returned with its proven gap


@dataclass(frozen=True, slots=True)
class SolveOptions:
    relative_gap: float = DEFAULT_GAP
    time_limit: float = DEFAULT_TIME_LIMIT


@dataclass(frozen=True, slots=True)
class ScheduledInitiative:
    name: str
    delivered: str | None  # the quarter its last team-week is done in; None when not in the horizon
    work: Mapping[str, Mapping[str, float]]  # quarter -> team -> team-weeks
    deadline_broken: bool  # it has a deadline in the horizon (or before it) and misses it


@dataclass(frozen=True, slots=True)
class PlanSolution:
    objective: float  # Σ CoD × (H − d + 1) over delivered initiatives, from the plan itself
    gap: float  # the proven relative optimality gap of `objective`; 0.0 when optimal
    status: str  # HiGHS' model status, as it writes it
    initiatives: tuple[ScheduledInitiative, ...]  # by name
    bound: float  # the proven upper bound on the objective
    # quarter -> team-weeks of reliability, debt and security work short of `minReliabilityAllocation`
    reliability_shortfall: Mapping[str, float] = field(default_factory=dict)

    def by_name(self) -> dict[str, ScheduledInitiative]:
        return {item.name: item for item in self.initiatives}

    def used(self, team: str, quarter: str) -> float:
        return sum(item.work.get(quarter, {}).get(team, 0.0) for item in self.initiatives)

    def usage(self) -> dict[tuple[str, str], float]:
        """`used` of every (team, quarter) with planned work, in one pass: each sum adds the same
        terms in the same order, so the same floats."""
        table: dict[tuple[str, str], float] = {}
        for item in self.initiatives:
            for quarter, teams in item.work.items():
                for team, weeks in teams.items():
                    table[team, quarter] = table.get((team, quarter), 0.0) + weeks
        return table


class _Program:
    """Columns and rows as HiGHS takes them, built row-wise."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[int] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.starts: list[int] = []
        self.index: list[int] = []
        self.value: list[float] = []
        self.capacity_rows: dict[tuple[str, str], int] = {}

    def column(self, cost: float, upper: float, *, integer: bool = False) -> int:
        self.cost.append(cost)
        self.lower.append(0.0)
        self.upper.append(upper)
        self.integer.append(1 if integer else 0)
        return len(self.cost) - 1

    def row(self, terms: list[tuple[int, float]], lower: float, upper: float) -> None:
        self.starts.append(len(self.index))
        for column, coefficient in terms:
            self.index.append(column)
            self.value.append(coefficient)
        self.row_lower.append(lower)
        self.row_upper.append(upper)

    def model(self) -> highspy.HighsLp:
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.cost)
        lp.num_row_ = len(self.row_lower)
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = np.array(self.cost, dtype=np.float64)
        lp.col_lower_ = np.array(self.lower, dtype=np.float64)
        lp.col_upper_ = np.array(self.upper, dtype=np.float64)
        lp.row_lower_ = np.array(self.row_lower, dtype=np.float64)
        lp.row_upper_ = np.array(self.row_upper, dtype=np.float64)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array([*self.starts, len(self.index)], dtype=np.int32)
        lp.a_matrix_.index_ = np.array(self.index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(self.value, dtype=np.float64)
        if any(self.integer):
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous for flag in self.integer
            ]
        return lp


def _deadline_position(roadmap: Roadmap, item: PlanInitiative) -> int | None:
    """The horizon position a deadline falls on: one before the horizon counts as its first
    quarter (already late, deliver as soon as possible); one after the horizon binds nothing."""
    deadline = item.deadline
    if deadline is None:
        return None
    index = quarter_index(deadline)
    if index < quarter_index(roadmap.quarters[0]):
        return 0
    return roadmap.position(deadline)


def solve_plan(roadmap: Roadmap, options: SolveOptions | None = None) -> PlanSolution:
    """The optimal plan of the roadmap (or the best found within the time limit, with its gap)."""
    options = options or SolveOptions()
    if roadmap.horizon == 0 or not roadmap.initiatives:
        return PlanSolution(0.0, 0.0, "Optimal", tuple(_unscheduled(item) for item in roadmap.initiatives), 0.0)
    program, columns = _build(roadmap, relax=False)
    return _solve(roadmap, program, columns, options)


def _relaxed_program(roadmap: Roadmap) -> _Program:
    return _build(roadmap, relax=True)[0]


@dataclass(frozen=True, slots=True)
class _Columns:
    """Where each variable of the program is."""

    delivered: dict[str, list[int]]  # initiative -> by horizon position
    work: dict[tuple[str, str, int], int]  # (initiative, team, position)
    broken: dict[str, int]  # initiative -> its deadline's `broken`
    short: dict[int, int]  # position -> its reliability shortfall
    hopeless: frozenset[str] = frozenset()  # deadlines no plan can hold: not in the program


def _deadline_fits(roadmap: Roadmap, item: PlanInitiative, position: int) -> bool:
    """Whether the initiative's work fits its teams' capacity up to its deadline, alone."""
    quarters = roadmap.quarters[: position + 1]
    return all(weeks <= sum(roadmap.available(team, q) for q in quarters) + 1e-9 for team, weeks in item.work.items())


def allocation_penalty(roadmap: Roadmap) -> float:
    """What one team-week short of `minReliabilityAllocation` costs: more than the most valuable
    initiative is worth over the horizon, per team-week of the smallest piece of work, so the plan
    meets the policy before it adds value."""
    best = max((max(item.cost_of_delay, 0.0) for item in roadmap.initiatives), default=0.0)
    smallest = min((amount for item in roadmap.initiatives for amount in item.work.values()), default=1.0)
    return (roadmap.horizon * best + 1.0) / min(1.0, smallest)


def _build(roadmap: Roadmap, *, relax: bool) -> tuple[_Program, _Columns]:
    horizon = roadmap.horizon
    items = roadmap.initiatives
    names = {item.name for item in items}
    program = _Program()
    count = len(items)
    max_value = sum(max(item.cost_of_delay, 0.0) for item in items) * horizon
    tie_unit = 1.0 / (2.0 * count * horizon) / (count + 1)
    targets = [0.0 if relax else roadmap.reliability_target(quarter) for quarter in roadmap.quarters]
    short_cost = allocation_penalty(roadmap)
    penalty = max_value + short_cost * sum(targets) + 1.0
    delivered: dict[str, list[int]] = {}
    for rank, item in enumerate(items):  # items are in name order: the first name weighs most
        weight = item.cost_of_delay + tie_unit * (count - rank)
        delivered[item.name] = [program.column(weight, 1.0, integer=not relax) for _ in range(horizon)]
    work: dict[tuple[str, str, int], int] = {}
    for item in items:
        for team, amount in sorted(item.work.items()):
            for q, quarter in enumerate(roadmap.quarters):
                if roadmap.available(team, quarter) > 0:
                    work[item.name, team, q] = program.column(0.0, amount)
    broken: dict[str, int] = {}
    hopeless: set[str] = set()
    for item in items:
        cumulative = delivered[item.name]
        for q in range(horizon - 1):
            program.row([(cumulative[q], 1.0), (cumulative[q + 1], -1.0)], -np.inf, 0.0)
        for team, amount in sorted(item.work.items()):
            columns = [work.get((item.name, team, q)) for q in range(horizon)]
            for q in range(horizon):
                done = [(column, 1.0) for column in _present(columns[: q + 1])]
                program.row([*done, (cumulative[q], -amount)], 0.0, np.inf)
            spent = [(column, 1.0) for column in _present(columns)]
            if spent:
                program.row([*spent, (cumulative[horizon - 1], -amount)], -np.inf, 0.0)
            for dependency in item.depends_on:
                if dependency not in names:
                    continue
                for q, column in enumerate(columns):
                    if column is not None:
                        program.row([(column, 1.0), (delivered[dependency][q], -amount)], -np.inf, 0.0)
        for dependency in item.depends_on:
            if dependency not in names:  # a missing dependency is never delivered
                program.row([(cumulative[horizon - 1], 1.0)], 0.0, 0.0)
                continue
            for q in range(horizon):
                program.row([(cumulative[q], 1.0), (delivered[dependency][q], -1.0)], -np.inf, 0.0)
        position = None if relax else _deadline_position(roadmap, item)
        if position is not None and not _deadline_fits(roadmap, item, position):
            hopeless.add(item.name)  # broken whatever else is planned: no penalty can change it
        elif position is not None:
            broken[item.name] = program.column(-penalty, 1.0)
            program.row([(cumulative[position], 1.0), (broken[item.name], 1.0)], 1.0, np.inf)
    by_team_quarter: dict[tuple[str, int], list[tuple[int, float]]] = {}
    for (_, team, q), column in work.items():
        by_team_quarter.setdefault((team, q), []).append((column, 1.0))
    for (team, q), terms in sorted(by_team_quarter.items()):
        program.capacity_rows[team, roadmap.quarters[q]] = len(program.row_lower)
        program.row(terms, -np.inf, roadmap.available(team, roadmap.quarters[q]))
    reliable = {item.name for item in items if item.counts_as_reliability}
    short: dict[int, int] = {}
    for q, target in enumerate(targets):
        if target <= 0:
            continue
        short[q] = program.column(-short_cost, target)
        terms = [(column, 1.0) for (name, _, at), column in sorted(work.items()) if at == q and name in reliable]
        program.row([*terms, (short[q], 1.0)], target, np.inf)
    return program, _Columns(delivered, work, broken, short, frozenset(hopeless))


def marginal_values(roadmap: Roadmap) -> dict[tuple[str, str], float]:
    """(team, quarter) -> the value one more team-week there adds, read from the duals of the
    capacity rows of the LP relaxation (deadlines left out): an estimate, exact for divisible
    delivery. Only team-quarters whose capacity is worth something are listed."""
    if roadmap.horizon == 0 or not roadmap.initiatives:
        return {}
    program = _relaxed_program(roadmap)
    highs = _solver(SolveOptions())
    highs.passModel(program.model())
    highs.run()
    duals = list(highs.getSolution().row_dual)
    if not duals:
        return {}
    found: dict[tuple[str, str], float] = {}
    for key, row in sorted(program.capacity_rows.items()):
        value = abs(duals[row])
        if value > 1e-7:
            found[key] = value
    return found


def _solver(options: SolveOptions) -> _Highs:
    # The bare solver, not `highspy.Highs`: that wrapper's callbacks print HiGHS' banner on standard
    # output before any option can silence it, which would break `--format json`.
    highs = _Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("random_seed", 0)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("mip_rel_gap", options.relative_gap)
    highs.setOptionValue("time_limit", options.time_limit)
    return highs


def _present(columns: list[int | None]) -> list[int]:
    return [column for column in columns if column is not None]


def _unscheduled(item: PlanInitiative) -> ScheduledInitiative:
    return ScheduledInitiative(item.name, None, {}, item.deadline is not None)


class _StopAtGap:
    """Stops HiGHS once the proven gap on the plan's value is at most `relative_gap`. HiGHS' own
    relative gap is on the objective it sees, where the penalties of broken deadlines and of a
    reliability shortfall can dwarf the value, so it is switched off and this callback judges: the
    bound less the best plan's penalised objective, over that plan's value."""

    def __init__(self, roadmap: Roadmap, delivered: dict[str, list[int]], relative_gap: float) -> None:
        self.columns = np.array([column for item in roadmap.initiatives for column in delivered[item.name]])
        self.weights = np.array(
            [item.cost_of_delay for item in roadmap.initiatives for _ in delivered[item.name]], dtype=np.float64
        )
        self.relative_gap = relative_gap
        self.value = 0.0
        self.reached = False

    def __call__(
        self,
        kind: cb.HighsCallbackType,
        message: str,
        out: cb.HighsCallbackOutput,
        into: cb.HighsCallbackInput,
        data: object,
    ) -> None:
        if kind == cb.HighsCallbackType.kCallbackMipImprovingSolution:
            solution = np.asarray(out.mip_solution, dtype=np.float64)
            self.value = float(self.weights @ (solution[self.columns] > 0.5))
        elif kind == cb.HighsCallbackType.kCallbackMipInterrupt and self.value > 0:
            slack = out.mip_dual_bound - out.mip_primal_bound
            if np.isfinite(slack) and slack <= self.relative_gap * self.value:
                self.reached = True
                into.user_interrupt = True


def _solve(roadmap: Roadmap, program: _Program, columns: _Columns, options: SolveOptions) -> PlanSolution:
    delivered, work, broken = columns.delivered, columns.work, columns.broken
    highs = _solver(options)
    highs.setOptionValue("mip_rel_gap", 0.0)
    stop = _StopAtGap(roadmap, delivered, options.relative_gap)
    highs.setCallback(stop, None)
    highs.startCallback(cb.HighsCallbackType.kCallbackMipImprovingSolution)
    highs.startCallback(cb.HighsCallbackType.kCallbackMipInterrupt)
    highs.passModel(program.model())
    highs.run()
    # Stopped at the gap asked for is what HiGHS itself calls optimal (its `mip_rel_gap`).
    status = "Optimal" if stop.reached else highs.modelStatusToString(highs.getModelStatus())
    values = list(highs.getSolution().col_value)
    if not values:  # nothing found in the time limit: an empty plan, gap unknown
        return PlanSolution(0.0, 1.0, status, tuple(_unscheduled(item) for item in roadmap.initiatives), 0.0)
    scheduled: list[ScheduledInitiative] = []
    for item in roadmap.initiatives:
        flags = [values[column] > 0.5 for column in delivered[item.name]]
        position = flags.index(True) if any(flags) else None
        by_quarter: dict[str, dict[str, float]] = {}
        for team in sorted(item.work):
            for q, quarter in enumerate(roadmap.quarters):
                column = work.get((item.name, team, q))
                amount = values[column] if column is not None else 0.0
                if amount > WORK_EPSILON:
                    by_quarter.setdefault(quarter, {})[team] = amount
        missed = item.name in columns.hopeless or (item.name in broken and values[broken[item.name]] > 0.5)
        if position is None:
            by_quarter = {}
        delivery = roadmap.quarters[position] if position is not None else None
        scheduled.append(ScheduledInitiative(item.name, delivery, by_quarter, missed))
    objective = plan_objective(roadmap, {item.name: item.delivered for item in scheduled})
    gap, bound = _gap(highs, objective, options)
    shortfall = {
        roadmap.quarters[q]: round(values[column], 6)
        for q, column in columns.short.items()
        if values[column] > WORK_EPSILON
    }
    return PlanSolution(objective, gap, status, tuple(scheduled), bound, shortfall)


def plan_objective(roadmap: Roadmap, delivered: Mapping[str, str | None]) -> float:
    """Σ over delivered initiatives of CoD × (H − d + 1)."""
    horizon = roadmap.horizon
    total = 0.0
    for item in roadmap.initiatives:
        position = roadmap.position(delivered.get(item.name))
        if position is not None:
            total += item.cost_of_delay * (horizon - position)
    return total


def _gap(highs: _Highs, objective: float, options: SolveOptions) -> tuple[float, float]:
    """The proven relative gap of the objective: HiGHS' bound on the penalised objective less the
    plan's penalised value, over the objective. Holds as long as the deadlines the plan keeps are
    as many as can be kept and its reliability shortfall as small as it can be, which penalties
    above any objective ensure."""
    info = highs.getInfo()
    bound = float(info.mip_dual_bound)
    if not np.isfinite(bound):
        return 1.0, objective
    slack = max(0.0, bound - float(info.objective_function_value))
    if slack <= 1e-9 * max(1.0, abs(objective)):
        return 0.0, objective
    return min(1.0, slack / max(abs(objective), 1e-9)), objective + slack
