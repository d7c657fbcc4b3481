"""The sections of `charter report`, one function each, over a context whose clock is the
snapshot's time: measured sections read the snapshot's values and the trends (never the raw
events, nor the SLI rollups: the snapshot holds each component's error budget and each team's
assessment scores); goals, escalations, risks, controls, the roadmap and standards come from their
own use cases at the snapshot's day. A section Charter does not compute yet (the review) returns a
`PendingSection` saying so: wiring it is changing one function."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from charter.analysis.checks.scorecard import build_scorecards
from charter.analysis.delivery.bands import (
    CHANGE_FAILURE_RATE,
    DEPLOYMENT_DAYS_PER_MONTH,
    DEPLOYMENT_DAYS_PER_WEEK,
    LEAD_TIME_P50,
    RECOVERY_TIME_P50,
    band,
    deployment_frequency_bands,
)
from charter.analysis.metrics import METRICS
from charter.model.errors import CharterError
from charter.model.metric_values import MetricPoint, Snapshot
from charter.model.organization import Goal
from charter.outputs.views import strategy as view
from charter.outputs.views.review import ReviewReport
from charter.outputs.views.scorecard import Rollup
from charter.services.context import Context
from charter.services.controls import ControlsQuery, controls_report
from charter.services.escalations import EscalationsQuery, escalations_report
from charter.services.metric_values import snapshot_metric_values
from charter.services.plan import PlanQuery, plan_report
from charter.services.report_snapshot import Trends
from charter.services.review import ReviewQuery, review_report
from charter.services.risks import RisksQuery, risk_register_report
from charter.services.targets import TargetsQuery, targets_report

DELIVERY_METRICS = (
    "delivery.deployment_frequency.per_day",
    DEPLOYMENT_DAYS_PER_WEEK,
    DEPLOYMENT_DAYS_PER_MONTH,
    LEAD_TIME_P50,
    "delivery.lead_time_for_changes.p90",
    CHANGE_FAILURE_RATE,
    RECOVERY_TIME_P50,
    "delivery.deployment_rework_rate",
)
INCIDENT_METRICS = (
    "reliability.incidents.count",
    "reliability.incidents.sev1_count",
    "reliability.mtta.p50",
    "reliability.mttr.p50",
    "reliability.repeat_incidents",
    "reliability.postmortem_completion",
    "reliability.action_items_overdue",
)
SECURITY_METRICS = (
    "security.findings.open_critical",
    "security.findings.open_high",
    "security.findings.open",
    "security.findings.overdue",
    "security.findings.priority_act",
    "security.findings.priority_attend",
    "security.kev_exposed",
    "security.access_control_gaps",
)
CODE_HEALTH_METRICS = (
    "code_health.hotspot_count",
    "code_health.bus_factor",
    "code_health.knowledge_concentration",
    "code_health.author_turnover",
    "code_health.agent_change_share",
)
# The metrics whose trend each section draws, per team and for the organisation.
TRENDS = {
    "delivery": (LEAD_TIME_P50, DEPLOYMENT_DAYS_PER_WEEK, CHANGE_FAILURE_RATE),
    "incidents": ("reliability.incidents.count", "reliability.mttr.p50"),
    "security": ("security.findings.open_critical", "security.findings.open_high", "security.kev_exposed"),
    "code_health": ("code_health.hotspot_count",),
}
TRENDED_TEAMS = 8  # a trend chart shows the organisation and at most this many teams


SLO_BUDGET = "reliability.error_budget_remaining"
SLO_ATTAINMENT = "reliability.slo_attainment"


def snapshot_metrics(context: Context) -> list[str]:
    """The metrics the document reads from the snapshot at every scope, not only team and
    organisation: the Standards' metric rules', and the error budgets by component (the targets
    read their own, through `charter targets`)."""
    rules = {
        str(rule.with_.get("metric"))
        for standard in context.estate.standards
        for rule in standard.spec.rules
        if rule.check == "metric"
    }
    return sorted(rules | {SLO_BUDGET, SLO_ATTAINMENT})


def _points(points: Sequence[MetricPoint]) -> list[view.TrendPoint]:
    return [view.TrendPoint(day=point.taken_at.date(), value=point.value) for point in points]


def _goals(context: Context) -> list[Goal]:
    organization = context.estate.organization
    return list(organization.spec.goals) if organization else []


def _values_by_scope(snapshot: Snapshot, metrics: Sequence[str]) -> dict[tuple[str, str], dict[str, float | None]]:
    wanted = set(metrics)
    by_scope: dict[tuple[str, str], dict[str, float | None]] = defaultdict(dict)
    for item in snapshot.values:
        if item.metric in wanted and item.scope_kind in ("team", "org"):
            by_scope[(item.scope_kind, item.scope_ref)][item.metric] = item.value
    return by_scope


def metric_section(
    context: Context, snapshot: Snapshot, trends: Trends, metrics: Sequence[str], trended: Sequence[str], what: str
) -> view.MetricSection:
    """The snapshot's values of `metrics` for the organisation and every team, and trends of
    `trended` for the organisation and the teams with the most to show."""
    by_scope = _values_by_scope(snapshot, metrics)
    units = {metric: METRICS[metric].unit.value for metric in metrics if metric in METRICS}
    organization_values = next((values for (kind, _), values in by_scope.items() if kind == "org"), None)
    teams = [
        view.ScopeValues(scope=ref, values=values) for (kind, ref), values in sorted(by_scope.items()) if kind == "team"
    ]
    organization = (
        view.ScopeValues(scope=context.organization_name, values=organization_values) if organization_values else None
    )
    shown = [*([context.organization_name] if organization else []), *(_busiest(teams, trended[0]) if trended else [])]
    histories = trends.read(trended, shown)
    drawn = [
        view.MetricTrend(
            metric=metric, scope=scope, unit=units.get(metric, ""), points=_points(histories[(metric, scope)])
        )
        for metric in trended
        for scope in shown
        if (metric, scope) in histories
    ]
    unavailable = None if by_scope else f"the snapshot holds no {what} values: import them and run `charter sync`"
    return view.MetricSection(
        unavailable=unavailable,
        metrics=list(metrics),
        units=units,
        organization=organization,
        teams=teams,
        trends=drawn,
    )


def _busiest(teams: Sequence[view.ScopeValues], metric: str) -> list[str]:
    measured = [team for team in teams if team.values.get(metric) is not None]
    ranked = sorted(measured, key=lambda team: (-(team.values[metric] or 0.0), team.scope))
    return [team.scope for team in ranked[:TRENDED_TEAMS]]


def delivery_section(context: Context, snapshot: Snapshot, trends: Trends) -> view.MetricSection:
    """DORA's five metrics per team and for the organisation, with their bands, and their trends."""
    section = metric_section(context, snapshot, trends, DELIVERY_METRICS, TRENDS["delivery"], "delivery")

    def banded(scope: view.ScopeValues) -> view.ScopeValues:
        values = scope.values
        bands = {
            metric: band(metric, values.get(metric))
            for metric in (LEAD_TIME_P50, CHANGE_FAILURE_RATE, RECOVERY_TIME_P50)
        }
        bands |= deployment_frequency_bands(values.get(DEPLOYMENT_DAYS_PER_WEEK), values.get(DEPLOYMENT_DAYS_PER_MONTH))
        return scope.model_copy(update={"bands": bands})

    return section.model_copy(
        update={
            "organization": banded(section.organization) if section.organization else None,
            "teams": [banded(team) for team in section.teams],
        }
    )


def goals_section(context: Context, snapshot: Snapshot) -> view.GoalsSection:
    """Every goal, and its targets evaluated by `charter targets` at the end of the snapshot's day:
    current value, trend, projection to the target's date, status and funding."""
    goals = [view.GoalView(goal=goal.id, description=goal.description) for goal in _goals(context)]
    try:
        targets = targets_report(context, TargetsQuery(as_of=snapshot.taken_at.date())).view.targets
    except CharterError as error:  # a target written so it cannot be evaluated: `charter check` says which
        return view.GoalsSection(goals=goals, targets=[], status_unavailable=str(error))
    return view.GoalsSection(goals=goals, targets=targets, status_unavailable=None)


ASSESSMENT_SCORES = tuple(name for name in METRICS if name.startswith("assessment.") and name.endswith(".score"))
METHOD_VERSION = "assessment.method_version"


def health_section(context: Context, snapshot: Snapshot, trends: Trends) -> view.HealthSection:
    """Health by area and team: the assessment scores the snapshot recorded (`charter assess`
    explains each and names the next steps), and their trend for the organisation and the teams."""
    scores = metric_section(context, snapshot, trends, ASSESSMENT_SCORES, ASSESSMENT_SCORES[:1], "assessment")
    version = next((item.value for item in snapshot.values if item.metric == METHOD_VERSION), None)
    return view.HealthSection(method_version=version, scores=scores)


def escalations_section(context: Context, snapshot: Snapshot) -> view.EscalationsSection:
    """What must be escalated at the end of the snapshot's day: a dry run, the ledger left as it is."""
    try:
        outcome = escalations_report(context, EscalationsQuery(as_of=snapshot.taken_at.date(), record=False))
    except CharterError as error:
        return view.EscalationsSection(unavailable=str(error), escalations=None)
    return view.EscalationsSection(unavailable=None, escalations=outcome.view)


def review_section(context: Context, since: str, snapshot: Snapshot) -> ReviewReport:
    """What moved from `since` (a day or a quarter) to the snapshot's day: `charter review`."""
    return review_report(context, ReviewQuery(since, snapshot.taken_at.date().isoformat()))


def reliability_section(context: Context, snapshot: Snapshot, trends: Trends) -> view.ReliabilitySection:
    """Error budgets by component as the snapshot measured them (the worst SLO of each), and
    incidents per team."""
    incidents = metric_section(context, snapshot, trends, INCIDENT_METRICS, TRENDS["incidents"], "incident")
    slos_of = {component.short: sorted(names) for component, names in context.estate.component_slos.items()}
    if not slos_of:
        return view.ReliabilitySection(
            budgets_unavailable="no SLO is joined to a component", budgets=[], incidents=incidents
        )
    measured = _component_values(snapshot, (SLO_BUDGET, SLO_ATTAINMENT))
    budgets = []
    for component, names in slos_of.items():
        values = measured.get(component, {})
        remaining = values.get(SLO_BUDGET)
        budgets.append(
            view.SloBudget(
                component=component,
                slos=names,
                attainment=values.get(SLO_ATTAINMENT),
                budget_remaining=remaining,
                exhausted=remaining is not None and remaining <= 0,
            )
        )
    budgets.sort(key=lambda item: (item.budget_remaining is None, item.budget_remaining or 0.0, item.component))
    return view.ReliabilitySection(budgets_unavailable=None, budgets=budgets, incidents=incidents)


def _component_values(snapshot: Snapshot, metrics: Sequence[str]) -> Mapping[str, dict[str, float | None]]:
    by_component: dict[str, dict[str, float | None]] = defaultdict(dict)
    for item in snapshot.values:
        if item.metric in metrics and item.scope_kind == "component":
            by_component[item.scope_ref][item.metric] = item.value
    return by_component


def security_section(context: Context, snapshot: Snapshot, trends: Trends) -> view.SecuritySection:
    """Exposure per team from the snapshot, and control coverage per obligation on its day."""
    exposure = metric_section(context, snapshot, trends, SECURITY_METRICS, TRENDS["security"], "security")
    controls = controls_report(context, ControlsQuery(as_of=snapshot.taken_at.date())).view
    obligations = [item.model_copy(update={"requirements": []}) for item in controls.obligations]
    return view.SecuritySection(exposure=exposure, controls=obligations)


def risks_section(context: Context, snapshot: Snapshot) -> view.RisksSection:
    """The register on the snapshot's day: heat map, above appetite, mitigations funded or not."""
    if not context.estate.risks:
        return view.RisksSection(unavailable="no Risk is defined in risks/", risk_register=None)
    return view.RisksSection(
        unavailable=None, risk_register=risk_register_report(context, RisksQuery(snapshot.taken_at.date()))
    )


def roadmap_section(context: Context, snapshot: Snapshot) -> view.RoadmapSection:
    """The plan the capacity allows from the snapshot's day on, by quarter and team, and what did
    not fit and what it costs."""
    try:
        plan = plan_report(context, PlanQuery(as_of=snapshot.taken_at.date()))
    except CharterError as error:  # no Capacity, no initiative: the document goes on without a plan
        return view.RoadmapSection(unavailable=f"no plan: {error}", plan=None)
    return view.RoadmapSection(unavailable=None, plan=plan)


def standards_section(context: Context, snapshot: Snapshot) -> view.StandardsSection:
    """Each Standard's levels by team, judged with the snapshot's metric values."""
    cards = build_scorecards(context.estate, snapshot_metric_values(snapshot))
    return view.StandardsSection(
        standards=[
            view.StandardRollup(
                standard=card.standard.ref.short,
                title=card.standard.spec.title or card.standard.metadata.name,
                levels=card.standard.spec.levels,
                by_team=[Rollup(group=item.group, total=item.total, at_least=item.at_least) for item in card.by_team],
            )
            for card in cards
        ]
    )


def code_health_section(context: Context, snapshot: Snapshot, trends: Trends) -> view.MetricSection:
    """Hotspots, bus factor, knowledge concentration and turnover per team."""
    return metric_section(context, snapshot, trends, CODE_HEALTH_METRICS, TRENDS["code_health"], "code health")


def decisions_section(context: Context, start: date, end: date) -> view.DecisionsSection:
    """The decision records dated inside the period."""
    dated = [item for item in context.estate.decisions.values() if item.date is not None and start <= item.date <= end]
    dated.sort(key=lambda item: (item.date or start, item.id))
    return view.DecisionsSection(
        decisions=[
            view.DecisionView(decision=item.id, title=item.title, status=item.status, date=item.date) for item in dated
        ]
    )
