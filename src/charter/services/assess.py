"""`assess`: a score from 0 to 100 and a confidence per area for every component, rolled up to systems,
teams and the organisation, with each team's next steps; or, with `--explain`, every check behind one
scope's scores. The metric facts are the latest snapshot's by `--as-of`, or, before the first snapshot,
measured at `--as-of` by the same metric providers a snapshot runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from charter.analysis.assessment.catalogue import CHECKS_BY_ID, METHOD, Area
from charter.analysis.assessment.scoring import ScopeAssessment, next_steps, roll_up
from charter.analysis.checks.governance_assessment import settings_problems
from charter.analysis.metrics import Domain
from charter.load.repository import pinpoint
from charter.model.diagnostics import Severity
from charter.model.errors import InputError, UsageError
from charter.model.metric_values import MetricValue
from charter.outputs.views import assess as view
from charter.services.assessment import SCOPE_KINDS, Assessment, assess_estate, latest_incident
from charter.services.context import Context, load_context
from charter.services.metrics.providers import PROVIDERS
from charter.services.metrics.shared import Period, SharedFacts
from charter.services.snapshot import SNAPSHOT_PERIOD
from charter.store.assessment_evidence import latest_imported_incident, snapshot_component_values

NEXT_STEPS_PER_TEAM = 5
# What the assessment reads of the strategy repository when a snapshot holds the metric values.
ASSESS_FOLDERS = ("catalog", "slos", "standards", "incidents")


@dataclass(frozen=True, slots=True)
class AssessQuery:
    as_of: datetime
    by: str = "team"  # component | system | team | org
    explain: str | None = None  # a component, system, team or the organisation


def assess_report(context: Context, query: AssessQuery) -> view.AssessReport | view.AssessExplanation:
    """The assessment at `query.as_of`. InputError when charter.yaml's assessment settings are wrong,
    UsageError for an unknown `--by` or `--explain`."""
    if query.by not in SCOPE_KINDS:
        raise UsageError(f"--by {query.by!r}: choose one of {', '.join(SCOPE_KINDS)}")
    _refuse_wrong_settings(context)
    measured = measured_assessment(context, query.as_of)
    assessment = measured.assessment
    if query.explain is not None:
        return _explanation(measured, _explained_scope(context, assessment, query.explain))
    teams = assessment.scopes("team")
    return view.AssessReport(
        as_of=assessment.as_of,
        facts_at=measured.facts_at,
        snapshot=measured.snapshot_id,
        method=METHOD,
        by=query.by,
        areas=[area.value for area in Area],
        scopes=[_scores(scope) for scope in assessment.scopes(query.by)],
        next_steps=[_team_steps(team) for team in teams],
    )


@dataclass(frozen=True, slots=True)
class Measured:
    """An assessment and where its facts come from: a snapshot (its id and time), or measured at `--as-of`."""

    assessment: Assessment
    facts_at: datetime
    snapshot_id: int | None = None


def measured_assessment(context: Context, as_of: datetime) -> Measured:
    """Every component assessed at `as_of`: from the values of the latest snapshot taken by then (no
    evidence counts as newer than the snapshot; the context needs only ASSESS_FOLDERS), else measured by
    the metric providers over the snapshot period ending at `as_of`, from the whole repository. Without a
    store, only what the strategy repository says is known."""
    postmortems = latest_incident(context.estate.incidents, as_of)
    if context.store is None:
        return Measured(assess_estate(context, [], postmortems, as_of), as_of)
    with context.store.engine.connect() as connection:
        recorded = snapshot_component_values(connection, as_of)
        imported = latest_imported_incident(connection, as_of)
    if recorded is not None:
        snapshot_id, taken_at, values = recorded
        incidents = max((item for item in (postmortems, imported) if item is not None), default=None)
        return Measured(assess_estate(context, values, incidents, as_of, taken_at), taken_at, snapshot_id)
    # The providers read the whole repository (a command opens only ASSESS_FOLDERS): before the first
    # snapshot, this costs one more read of it.
    context = load_context(context.root, context.store, clock=context.clock)
    period = Period(as_of - SNAPSHOT_PERIOD, as_of)
    shared = SharedFacts(context, period)
    measured: list[MetricValue] = []
    for provider in PROVIDERS:
        if provider.domain is not Domain.ASSESSMENT:
            measured += provider.measure(context, period, shared)
    return Measured(assess_estate(context, measured, latest_incident(shared.incidents, as_of), as_of), as_of)


def _refuse_wrong_settings(context: Context) -> None:
    """InputError naming charter.yaml's lines when `spec.assessment` cannot be used, or when charter.yaml
    could not be read at all (its settings would silently be the defaults)."""
    organization = context.estate.organization
    problems = list(settings_problems(organization))
    if organization is None:
        problems += [
            item
            for item in context.estate.load_diagnostics
            if item.severity is Severity.ERROR and item.location is not None and item.location.path == "charter.yaml"
        ]
    if problems:
        lines = [f"{item.location}: {item.code} {item.message}" for item in pinpoint(problems, context.root)]
        raise InputError("charter.yaml cannot be used to assess:\n" + "\n".join(lines))


def _explained_scope(context: Context, assessment: Assessment, text: str) -> ScopeAssessment:
    wanted = text.strip()
    if wanted.lower() in {"org", assessment.organization.lower(), f"organization:{assessment.organization}".lower()}:
        return assessment.scopes("org")[0]
    estate = context.estate
    for default_kind, scope_kind in (("component", "component"), ("system", "system"), ("group", "team")):
        ref = estate.resolve(wanted, default_kind=default_kind)
        if ref is None or ref.kind != default_kind:
            continue
        for scope in assessment.scopes(scope_kind):
            if scope.scope == ref.short:
                return scope
        return ScopeAssessment(ref.short, scope_kind, (), roll_up(()))  # it holds no component
    raise UsageError(
        f"--explain {text!r}: no component, system, team or organisation of that name "
        "(write it like component:payments, system:shop, group:team-a or org)"
    )


def _scores(scope: ScopeAssessment) -> view.ScopeScores:
    tier = scope.components[0].facts.tier if scope.kind == "component" else None
    return view.ScopeScores(
        scope=scope.scope,
        kind=scope.kind,
        components=len(scope.components),
        tier=tier,
        areas=[
            view.AreaScore(area=area.value, score=_rounded(found.score), confidence=_rounded(found.confidence, 4))
            for area, found in ((area, scope.tallies[area]) for area in Area)
        ],
    )


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _team_steps(team: ScopeAssessment) -> view.TeamNextSteps:
    return view.TeamNextSteps(
        team=team.scope,
        steps=[
            view.NextStep(
                component=step.component.facts.ref.short,
                check=step.result.check.id,
                area=step.result.check.area.value,
                title=step.result.check.title,
                value=round(step.result.value or 0.0, 4),
                gain=round(step.gain, 2),
                evidence=step.result.evidence,
                fix=step.result.check.fix,
            )
            for step in next_steps(team, NEXT_STEPS_PER_TEAM)
        ],
    )


def _explanation(measured: Measured, scope: ScopeAssessment) -> view.AssessExplanation:
    assessment = measured.assessment
    weights = assessment.weights
    tier_weights = {str(tier): weight for tier, weight in sorted(weights.tiers.items())}
    return view.AssessExplanation(
        as_of=assessment.as_of,
        facts_at=measured.facts_at,
        snapshot=measured.snapshot_id,
        method=METHOD,
        scope=_scores(scope),
        weights={check: weights.checks[check] for check in CHECKS_BY_ID},
        tier_weights=tier_weights | {"untiered": weights.untiered},
        checks=[
            view.ExplainedCheck(
                component=component.facts.ref.short,
                tier_weight=component.tier_weight,
                area=result.check.area.value,
                check=result.check.id,
                title=result.check.title,
                weight=result.weight,
                status=result.status.value,
                value=_rounded(result.value, 4),
                evidence=result.evidence,
                evidence_at=result.evidence_at,
            )
            for component in scope.components
            for result in component.results
        ],
    )
