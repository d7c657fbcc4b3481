"""The assessment of every component and its roll-ups, from the facts gathered once for every component:
its place in the catalog, what the strategy repository says of it (owner, on-call, runbook, SLOs,
standards), its metric values over the period as the metric providers measured them, and how recent
each kind of evidence is. `charter assess` reports it; every snapshot records its scores."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.engine import Connection

from charter.analysis.assessment.catalogue import METHOD_VERSION, Area, Evidence
from charter.analysis.assessment.facts import ComponentFacts, StandardsOutcome
from charter.analysis.assessment.scoring import (
    ComponentAssessment,
    ScopeAssessment,
    assess_component,
    component_scope,
    group_scopes,
    organization_scope,
)
from charter.analysis.assessment.settings import AssessmentWeights, assessment_weights
from charter.analysis.checks.scorecard import build_scorecards
from charter.analysis.checks.standards import MetricValues, Outcome
from charter.analysis.component_sources import ComponentSource, component_key, component_sources
from charter.analysis.delivery.production import is_production
from charter.analysis.metrics import METRICS
from charter.analysis.ownership import system_of, team_of
from charter.model.catalog import ON_CALL_ANNOTATION, RUNBOOK_ANNOTATION, CatalogEntity
from charter.model.estate import Estate
from charter.model.incident import Incident
from charter.model.metric_values import MetricValue, organization_ref, scope_from_stored
from charter.model.refs import EntityRef
from charter.services.context import Context
from charter.sources.findings.components import ComponentMatcher
from charter.store.assessment_evidence import (
    latest_deployments,
    latest_finding_scans,
    latest_scans,
    latest_scorecard_runs,
    latest_sli_days,
    repositories_mined,
)

EvidenceTimes = dict[EntityRef, dict[Evidence, datetime]]
SCOPE_KINDS = ("component", "system", "team", "org")


@dataclass(frozen=True, slots=True)
class Assessment:
    """Every component assessed at `as_of` under `weights`; its roll-ups on demand."""

    as_of: datetime
    weights: AssessmentWeights
    components: tuple[ComponentAssessment, ...]
    organization: str

    def scopes(self, kind: str) -> list[ScopeAssessment]:
        """The components, systems, teams or the organisation (`kind` one of SCOPE_KINDS)."""
        if kind == "component":
            return [component_scope(component) for component in self.components]
        if kind == "system":
            return group_scopes(self.components, "system", lambda facts: facts.system)
        if kind == "team":
            return group_scopes(self.components, "team", lambda facts: facts.team)
        return [organization_scope(self.components, self.organization)]


def latest_incident(incidents: Iterable[Incident], as_of: datetime) -> datetime | None:
    """When the latest incident recorded by `as_of` started: without any, no incident count can be
    trusted to be zero."""
    return max((item.started for item in incidents if item.started is not None and item.started <= as_of), default=None)


def assess_estate(
    context: Context,
    values: Sequence[MetricValue],
    latest_incident: datetime | None,
    as_of: datetime,
    measured_at: datetime | None = None,
) -> Assessment:
    """Every component assessed at `as_of` from the providers' `values`, measured at `measured_at` (a
    snapshot's time; by default `as_of`) over the period ending then, under the weights of charter.yaml;
    `latest_incident` is when the latest recorded incident started."""
    organization = context.estate.organization
    weights = assessment_weights(organization.spec.assessment if organization else None)
    facts = component_facts(context, values, latest_incident, measured_at or as_of)
    assessed = tuple(assess_component(item, weights, as_of) for item in facts)
    return Assessment(as_of, weights, assessed, context.organization_name)


def assessment_metric_values(assessment: Assessment) -> list[MetricValue]:
    """`assessment.<area>.score` and `.confidence` for every component, system, team and the organisation,
    and the method version for the organisation."""
    values = []
    for kind in SCOPE_KINDS:
        for scope in assessment.scopes(kind):
            if kind == "component":
                ref = scope.components[0].facts.ref
            elif kind == "org":
                ref = organization_ref(scope.scope)
            else:
                ref = scope_from_stored(kind, scope.scope)
            for area in Area:
                found = scope.tallies[area]
                values.append(_value(f"assessment.{area.value}.score", ref, found.score))
                values.append(_value(f"assessment.{area.value}.confidence", ref, found.confidence))
    values.append(_value("assessment.method_version", organization_ref(assessment.organization), METHOD_VERSION))
    return values


def _value(metric: str, scope: EntityRef, value: float | None) -> MetricValue:
    return MetricValue(metric, scope, value, METRICS[metric].unit.value)


def catalog_components(estate: Estate) -> list[tuple[EntityRef, CatalogEntity]]:
    """Every Component of the catalog, by reference."""
    return sorted(
        (
            (ref, entity)
            for ref, entity in estate.entities.items()
            if ref.kind == "component" and isinstance(entity, CatalogEntity)
        ),
        key=lambda item: str(item[0]),
    )


def component_facts(
    context: Context, values: Sequence[MetricValue], latest_incident: datetime | None, measured_at: datetime
) -> list[ComponentFacts]:
    """The facts of every component as measured at `measured_at`: `values` are the providers' values over
    the period ending then, and no evidence is newer than it; `latest_incident` is the organisation's
    incident evidence (None: no incident record at all, so no incident count can be trusted to be zero)."""
    as_of = measured_at
    estate = context.estate
    components = catalog_components(estate)
    metrics: dict[EntityRef, dict[str, float | None]] = {}
    by_scope: dict[tuple[str, EntityRef], float] = {}
    for item in values:
        if item.scope.kind == "component":
            metrics.setdefault(item.scope, {})[item.metric] = item.value
        if item.value is not None:
            by_scope[(item.metric, item.scope)] = item.value
    standards = _standards_outcomes(estate, by_scope)
    evidence = _evidence_times(context, as_of) if context.store is not None else {}
    facts = []
    for ref, entity in components:
        owner = estate.owner_of(ref)
        times = dict(evidence.get(ref, {}))
        if latest_incident is not None:
            times[Evidence.INCIDENTS] = min(latest_incident, as_of)
        facts.append(
            ComponentFacts(
                ref=ref,
                tier=entity.tier,
                team=team_of(estate, ref),
                system=system_of(estate, ref),
                component_type=entity.spec_type,
                owner=owner.short if owner else None,
                owner_is_group=owner is not None and owner.kind == "group",
                on_call=_annotation(entity, ON_CALL_ANNOTATION),
                runbook=_annotation(entity, RUNBOOK_ANNOTATION),
                slos=tuple(sorted(estate.component_slos.get(ref, ()))),
                standards=standards.get(ref, StandardsOutcome()),
                metrics=metrics.get(ref, {}),
                evidence=times,
            )
        )
    return facts


def _annotation(entity: CatalogEntity, key: str) -> str | None:
    value = entity.annotations.get(key) or entity.metadata.labels.get(key)
    return str(value).strip() or None if value is not None else None


def _standards_outcomes(estate: Estate, values: MetricValues) -> dict[EntityRef, StandardsOutcome]:
    """Per component, its rules passed, failed and unknown over every standard that applies to it."""
    counts: dict[EntityRef, list[int]] = {}
    for card in build_scorecards(estate, values):
        for score in card.scores:
            if score.entity.kind != "component":
                continue
            tally = counts.setdefault(score.entity, [0, 0, 0])
            for result in score.results:
                tally[(Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN).index(result.outcome)] += 1
    return {ref: StandardsOutcome(*tally) for ref, tally in counts.items()}


def _evidence_times(context: Context, as_of: datetime) -> EvidenceTimes:
    """When each component's deployments, SLI data, scans, Scorecard runs and git history were last
    recorded, up to `as_of`."""
    estate = context.estate
    sources, _problems = component_sources(estate)
    with context.required_store().engine.connect() as connection:
        return _read_evidence(connection, estate, sources, context.policies.production_environments, as_of)


def _read_evidence(
    connection: Connection, estate: Estate, sources: Iterable[ComponentSource], production: list[str], as_of: datetime
) -> EvidenceTimes:
    times: EvidenceTimes = {}

    def record(ref: EntityRef, kind: Evidence, moment: datetime | None) -> None:
        if moment is not None:
            known = times.setdefault(ref, {})
            known[kind] = max(moment, known.get(kind, moment))

    keys = {component_key(ref): ref for ref, _entity in catalog_components(estate)}
    for (component, environment), finished in latest_deployments(connection, as_of).items():
        if component in keys and is_production(environment, production):
            record(keys[component], Evidence.DEPLOYMENTS, finished)
    sli_days = latest_sli_days(connection, as_of.date())
    for slo, ref in estate.slo_components.items():
        if slo in sli_days:
            record(ref, Evidence.SLI, min(_day_end(sli_days[slo]), as_of))
    scans = latest_finding_scans(connection, as_of)
    for ref in keys.values():
        record(ref, Evidence.SCANS, scans.get(str(ref)))
    targets = latest_scans(connection, as_of)
    if targets:
        matcher = ComponentMatcher.from_estate(estate)
        by_reference = {str(ref): ref for ref in keys.values()}
        for target, scanned in targets.items():
            covered = matcher.component_of_target(target)
            if covered is not None and covered in by_reference:
                record(by_reference[covered], Evidence.SCANS, scanned)
    runs = latest_scorecard_runs(connection, as_of)
    scorecard = {_last_segment(repository): scored for repository, scored in runs.items()}
    mined = repositories_mined(connection)
    for source in sources:
        record(source.ref, Evidence.SCORECARD, scorecard.get(_last_segment(source.repository)))
        if source.repository in mined:
            record(source.ref, Evidence.GIT, min(mined[source.repository], as_of))
    return times


def _day_end(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC) + timedelta(days=1)


def _last_segment(repository: str) -> str:
    """A repository as components name it: the last segment, lower-case, without `.git`."""
    return repository.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git").lower()
