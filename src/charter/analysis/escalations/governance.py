"""ESC005 (a risk above appetite with no funded mitigation), ESC006 (a migration in progress without
rollback plan, success criteria or observability) and ESC007 (a critical component or system whose
owner does not resolve to a Group): rules over the strategy files alone."""

from __future__ import annotations

from collections.abc import Iterator

from charter.analysis.escalations.codes import CODES
from charter.analysis.escalations.escalation import Escalation, EscalationFacts, Evidence
from charter.analysis.escalations.funding import is_funded, owner_of_entity, owner_of_text
from charter.analysis.ownership import system_of
from charter.analysis.risk import matrix as risk_matrix
from charter.model.catalog import CatalogEntity
from charter.model.estate import Estate
from charter.model.refs import parse_ref

CRITICAL_KINDS = ("component", "system")


def risks_above_appetite(estate: Estate, facts: EscalationFacts) -> Iterator[Escalation]:
    """ESC005: an open risk whose current residual level exceeds its category's appetite, with no
    funded (committed or in-progress) mitigating initiative and no accepted, unexpired decision
    naming it. A category with no appetite is RSK006's, never a breach here."""
    organization = estate.organization
    if organization is None:
        return
    matrix = organization.spec.risk_matrix
    appetite = organization.spec.risk_appetite
    links = risk_matrix.link_risks(estate)
    today = facts.as_of.date()
    rule = CODES["ESC005"]
    for risk in sorted(estate.risks, key=lambda item: str(item.ref)):
        spec = risk.spec
        if spec.status == "closed" or not risk_matrix.above_appetite(risk, matrix, appetite):
            continue
        mitigations = links.initiatives.get(risk.ref, [])
        if any(is_funded(initiative) for initiative in mitigations):
            continue
        accepted = risk_matrix.acceptance(risk, links, today)
        if accepted is not None and accepted.decision is not None:
            continue
        level = risk_matrix.levels(risk, matrix).residual
        name = risk.ref.short
        evidence = [
            Evidence(
                "risk",
                name,
                f"residual {level} ({spec.current.likelihood}×{spec.current.impact}), {spec.category} appetite "
                f"{appetite[spec.category]}",
            ),
            *(
                Evidence("initiative", initiative.ref.short, f"mitigates it, {initiative.spec.status}, not funded")
                for initiative in mitigations
            ),
        ]
        yield Escalation(
            rule.code,
            rule.severity,
            name,
            f"risk {name} is {level}, above the {spec.category} appetite of {appetite[spec.category]}, and no "
            "committed or in-progress initiative mitigates it",
            owner_of_text(estate, spec.owner),
            tuple(evidence),
            f"Commit an initiative that mitigates {name}, or record an accepted decision naming it.",
            name,
            risk.location.at("spec", "residual") if risk.location and spec.residual else risk.location,
        )


def migrations_without_safety(estate: Estate, facts: EscalationFacts) -> Iterator[Escalation]:
    """ESC006: a migration initiative in progress that lacks a rollback plan, success criteria or
    observability (MIG001-MIG003 of `charter check`, escalated once the work has started)."""
    rule = CODES["ESC006"]
    for initiative in sorted(estate.initiatives, key=lambda item: str(item.ref)):
        spec = initiative.spec
        if spec.type != "migration" or spec.status != "in-progress":
            continue
        plan = spec.migration
        missing = []
        if plan is None or not (plan.rollback_plan or "").strip():
            missing.append("rollback plan")
        if plan is None or not [item for item in plan.success_criteria if item.strip()]:
            missing.append("success criteria")
        if plan is None or not [item for item in plan.observability if item.strip()]:
            missing.append("observability")
        if not missing:
            continue
        name = initiative.ref.short
        yield Escalation(
            rule.code,
            rule.severity,
            name,
            f"migration {name} is in progress without {_listed(missing)}",
            owner_of_text(estate, spec.owner),
            (Evidence("initiative", name, f"in progress; missing {_listed(missing)}"),),
            f"Add {_listed(missing)} to {name} (`spec.migration`), or pause it until they exist.",
            name,
            initiative.location.at("spec", "migration") if initiative.location and plan else initiative.location,
        )


def critical_without_group(estate: Estate, facts: EscalationFacts) -> Iterator[Escalation]:
    """ESC007: a component or system of a critical tier (`policies.criticalTiers`, default 1 and 2)
    whose owner is missing, does not resolve, or is a person. The Group that must act is the
    person's Group, else the owner of the system it is part of; else nobody resolves."""
    organization = estate.organization
    tiers = organization.spec.policies.critical_tiers if organization else [1, 2]
    rule = CODES["ESC007"]
    for ref, entity in sorted(estate.entities.items(), key=lambda item: str(item[0])):
        if ref.kind not in CRITICAL_KINDS or not isinstance(entity, CatalogEntity) or entity.tier not in tiers:
            continue
        owner = estate.owner_of(ref)
        if owner is not None and owner.kind == "group":
            continue
        declared = (entity.owner or "").strip()
        if owner is not None:
            why = f"owned by {owner.short}, a person"
        elif declared:
            why = f"its owner {declared!r} does not resolve to any Group"
        else:
            why = "it has no owner"
        acting = owner_of_entity(estate, ref) if owner is not None else None
        if acting is None or acting.startswith("user:"):
            system = system_of(estate, ref)
            acting = owner_of_entity(estate, parse_ref(system)) if system else None
        yield Escalation(
            rule.code,
            rule.severity,
            ref.short,
            f"tier-{entity.tier} {ref.kind} {ref.short} is not owned by a Group: {why}",
            acting,
            (Evidence("entity", ref.short, f"tier {entity.tier}, owner {declared or 'none'}"),),
            f"Set `spec.owner` of {ref.short} to a Group of the catalog.",
            ref.short,
            entity.location.at("spec", "owner") if entity.location else None,
        )


def _listed(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
