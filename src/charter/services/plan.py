"""`plan`: the roadmap the capacity allows, optimal for the cost of delay, with its tradeoffs; with a
scenario file, the scenario's plan against the baseline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from charter.analysis.risk.matrix import above_appetite, levels, link_risks
from charter.analysis.strategy.from_estate import (
    PlanInputs,
    capacity_table,
    horizon_quarters,
    initiative_name,
    plan_inputs,
    work_by_team,
)
from charter.analysis.strategy.milp import DEFAULT_GAP, PlanSolution, SolveOptions, marginal_values, solve_plan
from charter.analysis.strategy.roadmap import RELIABILITY_KINDS, Roadmap, quarter_index
from charter.analysis.strategy.scenario import apply_scenario, parse_scenario
from charter.analysis.strategy.tradeoffs import PlanContext, RiskExposure, Tradeoffs, explain
from charter.model.base import parse_quarter
from charter.model.errors import InputError, UsageError
from charter.model.estate import Estate
from charter.model.organization import RiskMatrix
from charter.outputs.views import plan as view
from charter.services.context import Context

PLAN_FOLDERS = ("roadmap", "risks", "decisions")


@dataclass(frozen=True, slots=True)
class PlanQuery:
    quarters: str | None = None  # `2027Q1..2027Q4`; None: the next four quarters with a Capacity
    scenario: Path | None = None
    as_of: date | None = None  # the day the plan is made on; None: today
    gap: float = DEFAULT_GAP  # the proven relative gap on value at which the search stops


def parse_quarters(text: str) -> tuple[str, str]:
    """`2027Q1..2027Q4` -> the first and last quarter; UsageError naming the argument otherwise."""
    first, separator, last = text.partition("..")
    try:
        if not separator or "-" in text:
            raise ValueError
        a, b = parse_quarter(first), parse_quarter(last)
    except ValueError:
        raise UsageError(f"--quarters {text!r}: write a range of quarters like 2027Q1..2027Q4") from None
    first, last = f"{a[0]}Q{a[1]}", f"{b[0]}Q{b[1]}"
    if quarter_index(first) > quarter_index(last):
        raise UsageError(f"--quarters {text!r}: the first quarter comes after the last")
    return first, last


def plan_report(context: Context, query: PlanQuery) -> view.PlanReport:
    if not 0.0 <= query.gap < 1.0:
        raise UsageError(f"--gap {query.gap:g}: give a share from 0 (proven optimal) to below 1, like 0.01")
    options = SolveOptions(relative_gap=query.gap)
    estate = context.estate
    today = query.as_of or context.clock().astimezone().date()
    first, last = parse_quarters(query.quarters) if query.quarters else (None, None)
    quarters = horizon_quarters(estate, first, last, f"{today.year}Q{(today.month - 1) // 3 + 1}")
    inputs = plan_inputs(estate, quarters, today)
    plan_context = _plan_context(estate)
    roadmap = inputs.roadmap
    scenario = None
    if query.scenario is not None:
        scenario_roadmap, applied = _scenario(query.scenario, roadmap)
        baseline = solve_plan(roadmap, options)
        plan = solve_plan(scenario_roadmap, options)
        scenario = _difference(query.scenario, baseline, plan, applied)
        roadmap = scenario_roadmap
    else:
        plan = solve_plan(roadmap, options)
    tradeoffs = explain(roadmap, plan, plan_context, marginal_values(roadmap))
    return _report(estate, inputs, roadmap, plan, tradeoffs, scenario)


def _scenario(path: Path, roadmap: Roadmap) -> tuple[Roadmap, list[str]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise InputError(f"{path}: not YAML ({error})") from None
    try:
        return apply_scenario(roadmap, parse_scenario(data))
    except ValueError as error:
        raise InputError(f"{path}: {error}") from None


def _difference(path: Path, baseline: PlanSolution, plan: PlanSolution, applied: list[str]) -> view.ScenarioDifference:
    before = {item.name: item.delivered for item in baseline.initiatives}
    after = {item.name: item.delivered for item in plan.initiatives}
    changes = [
        view.ScenarioChange(initiative=f"initiative:{name}", baseline=before.get(name), scenario=after.get(name))
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    ]
    return view.ScenarioDifference(
        file=str(path),
        baseline_objective=baseline.objective,
        objective=plan.objective,
        value_change=plan.objective - baseline.objective,
        changes=changes,
        applied=applied,
    )


def _plan_context(estate: Estate) -> PlanContext:
    organization = estate.organization
    matrix = organization.spec.risk_matrix if organization else RiskMatrix()
    appetite = organization.spec.risk_appetite if organization else {}
    links = link_risks(estate)
    risks = []
    for risk in sorted(estate.risks, key=lambda item: item.metadata.name):
        mitigations = tuple(sorted(initiative_name(item) for item in links.initiatives.get(risk.ref, [])))
        if not mitigations or risk.spec.status == "closed":
            continue
        risks.append(
            RiskExposure(
                risk.ref.short,
                levels(risk, matrix).residual,
                appetite.get(risk.spec.category),
                bool(above_appetite(risk, matrix, appetite)),
                mitigations,
            )
        )
    goals_of = {initiative_name(item): tuple(item.spec.goals) for item in estate.initiatives if item.spec.goals}
    goal_ids = [goal.id for goal in organization.spec.goals] if organization else []
    return PlanContext(risks, goals_of, goal_ids)


def _report(
    estate: Estate,
    inputs: PlanInputs,
    roadmap: Roadmap,
    plan: PlanSolution,
    tradeoffs: Tradeoffs,
    scenario: view.ScenarioDifference | None,
) -> view.PlanReport:
    table = capacity_table(estate.capacities)
    capacity = []
    usage = plan.usage()
    for team in roadmap.teams:
        for quarter in roadmap.quarters:
            written = table.teams.get(quarter, {}).get(team, 0.0)
            available = roadmap.available(team, quarter)
            planned = usage.get((team, quarter), 0.0)
            if written or available or planned:
                capacity.append(
                    view.TeamQuarter(
                        team=team,
                        quarter=quarter,
                        capacity=written,
                        reserve=round(written * table.reserve.get(quarter, 0.0), 2),
                        available=round(available, 2),
                        planned=round(planned, 2),
                        headroom=round(available - planned, 2),
                    )
                )
    scheduled = plan.by_name()
    initiatives = [
        _initiative(inputs, name, scheduled[name].delivered, scheduled[name].work, roadmap)
        for name in sorted(scheduled)
    ]
    return view.PlanReport(
        quarters=list(roadmap.quarters),
        objective=plan.objective,
        gap=plan.gap,
        status=plan.status,
        capacity=capacity,
        initiatives=initiatives,
        left_out=[
            view.LeftOut(initiative=f"initiative:{name}", reason=why) for name, why in sorted(inputs.left_out.items())
        ],
        reliability_share=_reliability_share(roadmap, plan),
        min_reliability_allocation=roadmap.min_reliability_allocation,
        reliability_shortfall={quarter: round(weeks, 2) for quarter, weeks in plan.reliability_shortfall.items()},
        tradeoffs=_tradeoffs_view(tradeoffs),
        scenario=scenario,
    )


def _initiative(
    inputs: PlanInputs,
    name: str,
    delivered: str | None,
    work: Mapping[str, Mapping[str, float]],
    roadmap: Roadmap,
) -> view.PlannedInitiative:
    initiative = inputs.initiatives[name]
    spec = initiative.spec
    value = spec.value
    cost = value.business_value + value.time_criticality + value.risk_reduction
    weeks = sum(work_by_team(initiative).values())
    score = cost / weeks if weeks else 0.0
    position = roadmap.position(delivered)
    return view.PlannedInitiative(
        initiative=f"initiative:{name}",
        title=spec.title or name,
        type=spec.type,
        owner=spec.owner,
        status=spec.status,
        committed=spec.committed.quarter if spec.committed else None,
        due=spec.due,
        delivered=delivered,
        value=cost * (roadmap.horizon - position) if position is not None else 0.0,
        wsjf=view.Wsjf(
            business_value=value.business_value,
            time_criticality=value.time_criticality,
            risk_reduction=value.risk_reduction,
            cost_of_delay=cost,
            team_weeks=weeks,
            score=round(score, 3),
            formula=(
                f"({value.business_value:g} + {value.time_criticality:g} + {value.risk_reduction:g}) / {weeks:g}"
                f" = {score:.2f}"
            ),
        ),
        work={
            quarter: {team: round(amount, 2) for team, amount in sorted(work[quarter].items())}
            for quarter in sorted(work, key=quarter_index)
        },
        depends_on=list(spec.depends_on),
    )


def _reliability_share(roadmap: Roadmap, plan: PlanSolution) -> dict[str, float]:
    kinds = {item.name: item.kind for item in roadmap.initiatives}
    shares = {}
    for quarter in roadmap.quarters:
        available = roadmap.total_available(quarter)
        reliable = sum(
            sum(item.work.get(quarter, {}).values())
            for item in plan.initiatives
            if kinds.get(item.name) in RELIABILITY_KINDS
        )
        shares[quarter] = round(reliable / available, 4) if available else 0.0
    return shares


def _tradeoffs_view(tradeoffs: Tradeoffs) -> view.Tradeoffs:
    def risk_view(risk: RiskExposure) -> view.RiskLeft:
        return view.RiskLeft(
            risk=risk.risk, residual=risk.residual, appetite=risk.appetite, above_appetite=risk.above_appetite
        )

    left = {risk.risk: risk for item in tradeoffs.unscheduled for risk in item.risks_left}
    return view.Tradeoffs(
        unscheduled=[
            view.UnscheduledInitiative(
                initiative=f"initiative:{item.initiative}",
                binding=item.binding,
                explanation=item.explanation,
                value_given_up=item.value_given_up,
                smallest_change=item.smallest_change,
                risks_left_unmitigated=[risk_view(risk) for risk in item.risks_left],
                goals=list(item.goals),
            )
            for item in tradeoffs.unscheduled
        ],
        risks_left_unmitigated=[risk_view(left[name]) for name in sorted(left)],
        goals_without_funded_initiative=[
            view.UnfundedGoal(goal=goal, unscheduled_initiatives=[f"initiative:{name}" for name in names])
            for goal, names in tradeoffs.goals_unfunded
        ],
        marginal_values=[
            view.MarginalValue(
                team=item.team, quarter=item.quarter, value_per_team_week=round(item.value_per_team_week, 4)
            )
            for item in tradeoffs.marginal_values
        ],
        broken_deadlines=[
            view.BrokenDeadline(
                initiative=f"initiative:{item.initiative}",
                deadline=item.deadline,
                delivered=item.delivered,
                reason=item.reason,
            )
            for item in tradeoffs.broken_deadlines
        ],
        commitments=[
            view.CommitmentChange(
                initiative=f"initiative:{item.initiative}",
                committed=item.committed,
                planned=item.planned,
                change=item.change,
                decision=item.decision,
            )
            for item in tradeoffs.commitments
        ],
    )
