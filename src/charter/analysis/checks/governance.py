"""Governance rules over the strategy itself: references, ownership, reliability mechanisms,
migrations, the risk register, decisions, capacity and targets. Each rule is a function from the
Estate to diagnostics; `GOVERNANCE_RULES` lists them in the order `check` runs them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from charter.analysis.checks.governance_controls import check_controls
from charter.analysis.component_sources import release_pattern_problems
from charter.analysis.metrics import METRICS, parse_metric_value
from charter.analysis.risk import matrix as risk_analysis
from charter.model.catalog import (
    ON_CALL_ANNOTATION,
    OWNED_KINDS,
    RUNBOOK_ANNOTATION,
    CatalogEntity,
)
from charter.model.codes import diagnostic
from charter.model.diagnostics import Diagnostic, Location
from charter.model.estate import Estate
from charter.model.organization import Organization

# Annotations of Backstage's PagerDuty and Opsgenie plugins also name an on-call rotation.
ON_CALL_ANNOTATIONS = (
    ON_CALL_ANNOTATION,
    "pagerduty.com/service-id",
    "pagerduty.com/integration-key",
    "opsgenie.com/team",
    "opsgenie.com/component-selector",
)


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What governance rules need besides the Estate: today's date (rules are pure, so the clock
    is passed in) and a way to ask whether a repo-relative path exists."""

    today: date
    path_exists: Callable[[str], bool]


GovernanceRule = Callable[[Estate, CheckContext], Iterator[Diagnostic]]


def _organization(estate: Estate) -> Organization | None:
    return estate.organization


def _at(location: Location | None, *pointer: str | int) -> Location | None:
    return location.at(*pointer) if location else None


def check_references(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    for dangling in estate.dangling:
        code = "OWN003" if dangling.field.relation == "ownedBy" else "REF001"
        yield diagnostic(
            code,
            f"{dangling.source.short} refers to {dangling.field.target!r}: {dangling.reason}",
            dangling.location,
            entity=dangling.source.short,
        )
    for name, slo in sorted(estate.slos.items()):
        if name not in estate.slo_components:
            wanted = slo.component or slo.service
            detail = f"names component {wanted!r}, which is not declared" if wanted else "names no component"
            yield diagnostic("REF005", f"SLO {name!r} {detail}", slo.location, entity=f"slo:{name}")


def _is_critical(entity: CatalogEntity, organization: Organization | None) -> bool:
    tiers = organization.spec.policies.critical_tiers if organization else [1, 2]
    return entity.tier in tiers


def check_ownership(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    organization = _organization(estate)
    for ref, entity in estate.entities.items():
        if ref.kind not in OWNED_KINDS or not isinstance(entity, CatalogEntity) or entity.spec is None:
            continue
        where = _at(entity.location, "spec", "owner")
        if entity.owner is None:
            yield diagnostic("OWN001", f"{ref.short} has no owner", where, entity=ref.short)
            continue
        owner = estate.owner_of(ref)
        if owner is not None and owner.kind == "user" and _is_critical(entity, organization):
            yield diagnostic(
                "OWN002",
                f"{ref.short} is tier {entity.tier} but owned by {owner.short}, a person",
                where,
                entity=ref.short,
            )


def check_reliability_mechanisms(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    for ref, entity in estate.entities.items():
        if ref.kind != "component" or not isinstance(entity, CatalogEntity):
            continue
        if entity.spec_type != "service" or entity.tier != 1 or entity.lifecycle == "deprecated":
            continue
        where = _at(entity.location, "metadata", "annotations")
        if not estate.component_slos.get(ref):
            yield diagnostic("REL001", f"tier-1 service {ref.short} has no SLO", entity.location, entity=ref.short)
        annotations = entity.annotations
        if not any(str(annotations.get(key, "")).strip() for key in ON_CALL_ANNOTATIONS):
            yield diagnostic("REL002", f"tier-1 service {ref.short} names no on-call", where, entity=ref.short)
        if not str(annotations.get(RUNBOOK_ANNOTATION, "")).strip():
            yield diagnostic("REL003", f"tier-1 service {ref.short} has no runbook", where, entity=ref.short)


def _is_url(text: str) -> bool:
    return "://" in text


def check_migrations(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    slo_names = set(estate.slos) | {slo.declared_name for slo in estate.slos.values() if slo.declared_name}
    for initiative in estate.initiatives:
        spec = initiative.spec
        if spec.type != "migration":
            continue
        name = initiative.ref.short
        plan = spec.migration

        def at(*pointer: str | int, base: Location | None = initiative.location) -> Location | None:
            return _at(base, "spec", "migration", *pointer)

        if plan is None or not (plan.rollback_plan or "").strip():
            yield diagnostic("MIG001", f"migration {name} has no rollback plan", at("rollbackPlan"), entity=name)
        elif not _is_url(plan.rollback_plan or "") and not context.path_exists(plan.rollback_plan or ""):
            yield diagnostic(
                "MIG004",
                f"rollback plan {plan.rollback_plan!r} of {name} does not exist in the repository",
                at("rollbackPlan"),
                entity=name,
            )
        if plan is None or not [item for item in plan.success_criteria if item.strip()]:
            yield diagnostic("MIG002", f"migration {name} has no success criteria", at("successCriteria"), entity=name)
        if plan is None or not [item for item in plan.observability if item.strip()]:
            yield diagnostic("MIG003", f"migration {name} has no observability", at("observability"), entity=name)
            continue
        for index, entry in enumerate(plan.observability):
            entry = entry.strip()
            if entry.lower().startswith("slo:"):
                if entry[4:] not in slo_names:
                    yield diagnostic(
                        "MIG004",
                        f"observability entry {entry!r} of {name} names no loaded SLO",
                        at("observability", index),
                        entity=name,
                    )
            elif entry and not _is_url(entry) and not context.path_exists(entry):
                yield diagnostic(
                    "MIG004",
                    f"observability entry {entry!r} of {name} is neither a URL nor a path in the repository",
                    at("observability", index),
                    entity=name,
                )


def check_risks(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    organization = _organization(estate)
    if organization is None:
        return
    matrix = organization.spec.risk_matrix
    appetite = organization.spec.risk_appetite
    missing_appetite: set[str] = set()
    links = risk_analysis.link_risks(estate)
    for risk in sorted(estate.risks, key=lambda item: str(item.ref)):
        spec = risk.spec
        name = risk.ref.short

        def at(*pointer: str | int, base: Location | None = risk.location) -> Location | None:
            return _at(base, *pointer)

        if not (spec.owner or "").strip():
            yield diagnostic("RSK001", f"risk {name} has no owner", at("spec"), entity=name)
        if spec.treatment is None:
            yield diagnostic("RSK002", f"risk {name} has no treatment", at("spec"), entity=name)
        if spec.status == "closed":
            continue
        if spec.review_by is None:
            yield diagnostic("RSK003", f"risk {name} has no review date", at("spec"), entity=name)
        elif spec.review_by < context.today:
            yield diagnostic(
                "RSK004",
                f"risk {name} was due for review on {spec.review_by.isoformat()}",
                at("spec", "reviewBy"),
                entity=name,
            )
        exceeds = risk_analysis.above_appetite(risk, matrix, appetite)
        if exceeds is None:
            missing_appetite.add(spec.category)
        elif exceeds and risk_analysis.acceptance(risk, links, context.today) is None:
            level = risk_analysis.levels(risk, matrix).residual
            yield diagnostic(
                "RSK005",
                f"risk {name} is {level}, above the {spec.category} appetite of {appetite[spec.category]}, "
                "with no accepted decision and no mitigation committed before its review",
                at("spec", "residual") if spec.residual else at("spec"),
                entity=name,
            )
    where = _at(organization.location, "spec", "riskAppetite")
    for category in sorted(missing_appetite):
        yield diagnostic(
            "RSK006", f"risk appetite has no entry for category {category!r}", where, entity=f"category:{category}"
        )


def check_decisions(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    for decision in sorted(estate.decisions.values(), key=lambda item: item.id):
        for relation, targets in (("supersedes", decision.supersedes), ("is superseded by", decision.superseded_by)):
            for target in targets:
                if target not in estate.decisions:
                    yield diagnostic(
                        "REF006",
                        f"decision {decision.id} {relation} {target!r}, which does not exist",
                        decision.location,
                        entity=f"decision:{decision.id}",
                    )


def check_capacity(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    for capacity in estate.capacities:
        for team in capacity.spec.teams:
            if estate.resolve(team, default_kind="group") is None:
                where = _at(capacity.location, "spec", "teams", team)
                yield diagnostic(
                    "CAP001",
                    f"capacity {capacity.ref.short} names team {team!r}, which is not a declared Group",
                    where,
                    entity=capacity.ref.short,
                )


def check_targets(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    organization = _organization(estate)
    if organization is None:
        return
    base = organization.location or Location("charter.yaml")
    for goal_index, goal in enumerate(organization.spec.goals):
        for target_index, target in enumerate(goal.targets):
            where = base.at("spec", "goals", goal_index, "targets", target_index)
            metric = METRICS.get(target.metric)
            if metric is None:
                yield diagnostic(
                    "REF007",
                    f"goal {goal.id!r} targets unknown metric {target.metric!r}",
                    where.at("metric"),
                    entity=f"goal:{goal.id}",
                )
                continue
            try:
                parse_metric_value(metric, target.value)
            except ValueError as error:
                yield diagnostic("TGT001", f"goal {goal.id!r}: {error}", where.at("value"), entity=f"goal:{goal.id}")


def check_release_tag_patterns(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    """GIT006: a release-tag pattern `charter sync` could not use."""
    return release_pattern_problems(estate)


GOVERNANCE_RULES: tuple[GovernanceRule, ...] = (
    check_references,
    check_ownership,
    check_reliability_mechanisms,
    check_migrations,
    check_risks,
    check_controls,
    check_decisions,
    check_capacity,
    check_targets,
    check_release_tag_patterns,
)
