"""The roadmap narrowed to a dashboard filter: the plan is made for the whole organisation (the
teams share capacity and dependencies cross teams), and a filter keeps the lines about its part —
the initiatives a team owns, works on or changes the components of; those that change a system's
or a tier's components (or mitigate their risks); and the team's own capacity."""

from __future__ import annotations

from charter.analysis.strategy.from_estate import initiative_name, team_name, work_by_team
from charter.model.estate import Estate
from charter.model.kinds import Initiative
from charter.outputs.views.plan import PlanReport, Tradeoffs
from charter.services.scope import Scope


def plan_in_scope(report: PlanReport, estate: Estate, scope: Scope) -> PlanReport:
    """`report`'s lines about the scope; `estate` is the organisation narrowed to it (its components
    and risks are the scope's). The objective, gap and reliability shares stay the whole plan's."""
    if scope.whole:
        return report
    team = team_name(scope.team) if scope.team else None
    kept = {
        f"initiative:{initiative_name(initiative)}"
        for initiative in estate.initiatives
        if _in_scope(initiative, estate, scope, team)
    }
    tradeoffs = report.tradeoffs
    unscheduled = [item for item in tradeoffs.unscheduled if item.initiative in kept]
    goals = [
        goal.model_copy(update={"unscheduled_initiatives": names})
        for goal in tradeoffs.goals_without_funded_initiative
        if (names := [name for name in goal.unscheduled_initiatives if name in kept])
    ]
    risks_left = {risk.risk for item in unscheduled for risk in item.risks_left_unmitigated}
    narrowed = Tradeoffs(
        unscheduled=unscheduled,
        risks_left_unmitigated=[item for item in tradeoffs.risks_left_unmitigated if item.risk in risks_left],
        goals_without_funded_initiative=goals,
        marginal_values=[item for item in tradeoffs.marginal_values if team is None or item.team == team],
        broken_deadlines=[item for item in tradeoffs.broken_deadlines if item.initiative in kept],
        commitments=[item for item in tradeoffs.commitments if item.initiative in kept],
    )
    return report.model_copy(
        update={
            "capacity": [item for item in report.capacity if team is None or team_name(item.team) == team],
            "initiatives": [item for item in report.initiatives if item.initiative in kept],
            "left_out": [item for item in report.left_out if item.initiative in kept],
            "tradeoffs": narrowed,
        }
    )


def _in_scope(initiative: Initiative, estate: Estate, scope: Scope, team: str | None) -> bool:
    """Every filter given holds: the team owns it, works on it or changes its components; the
    system (or tier) has a component it changes, or a risk it mitigates; a system filter also
    takes initiatives that name the system itself."""
    spec = initiative.spec
    changed = {ref for text in spec.affects if (ref := estate.resolve(text, default_kind="component")) is not None}
    changes_scope = any(ref.kind == "component" for ref in changed)  # only the scope's components resolve
    mitigates = any(estate.resolve(text, default_kind="risk") is not None for text in spec.mitigates)
    if team is not None:
        owner = team_name(spec.owner) if spec.owner else None
        if not (owner == team or team in work_by_team(initiative) or changes_scope):
            return False
    if scope.system is not None:
        system = estate.resolve(scope.system, default_kind="system")
        if not (changes_scope or mitigates or (system is not None and system in changed)):
            return False
    return scope.tier is None or changes_scope or mitigates
