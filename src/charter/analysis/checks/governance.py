"""Governance rules over the strategy itself: references, ownership, reliability mechanisms,
decisions and capacity, here; migrations, the risk register, controls and targets in their own
modules. Each rule is a function from the Estate to diagnostics; `GOVERNANCE_RULES` lists them all
in the order `check` runs them."""

from __future__ import annotations

from collections.abc import Iterator

from charter.analysis.checks.context import CheckContext as CheckContext  # named from here by `cli/controls`
from charter.analysis.checks.context import GovernanceRule
from charter.analysis.checks.governance_controls import check_controls
from charter.analysis.checks.governance_migrations import check_migrations
from charter.analysis.checks.governance_risks import check_risks
from charter.analysis.component_sources import release_pattern_problems
from charter.model.catalog import (
    ON_CALL_ANNOTATION,
    OWNED_KINDS,
    RUNBOOK_ANNOTATION,
    CatalogEntity,
)
from charter.model.codes import Codes, Rule
from charter.model.decision import CODES as DECISION_CODES
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.estate import CODES as ESTATE_CODES
from charter.model.estate import Estate
from charter.model.organization import Organization

CODES = Codes(
    Rule(
        "REF005",
        "SLO joins no component",
        Severity.WARNING,
        rationale="An SLO that belongs to no component counts for no service's reliability.",
        fix=(
            "Add a `charter.dev/component` label, name its service like a component, or list it in the component's "
            "`charter.dev/slos` annotation."
        ),
        example="""\
# slos/checkout.yaml (Sloth)
version: prometheus/v1
service: checkout-v2    # no component is called checkout-v2, none lists its SLOs
slos:
  - name: availability
""",
    ),
    Rule(
        "OWN001",
        "No owner",
        Severity.ERROR,
        rationale="Every component, system, resource and API needs an accountable owner.",
        fix="Set `spec.owner` to a Group (or User).",
        example="""\
# catalog/payments.yaml
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: payments}
spec: {type: service, lifecycle: production}    # no spec.owner
""",
    ),
    Rule(
        "OWN002",
        "Critical entity owned by a person",
        Severity.ERROR,
        rationale="Tier-1 and tier-2 systems must be owned by a team, so ownership survives people leaving.",
        fix="Set `spec.owner` to a Group.",
        example="""\
# catalog/payments.yaml
metadata:
  name: payments
  annotations: {charter.dev/tier: "1"}
spec: {type: service, lifecycle: production, owner: user:ada}
""",
    ),
    Rule(
        "OWN003",
        "Owner does not resolve",
        Severity.ERROR,
        rationale="An owner that is not an existing Group or User leaves the entity unowned in practice.",
        fix="Declare the group, or correct `spec.owner`.",
        example="""\
# catalog/payments.yaml
spec: {type: service, lifecycle: production, owner: group:payments-sre}   # no such Group
""",
    ),
    Rule(
        "REL001",
        "Tier-1 service without SLO",
        Severity.ERROR,
        rationale="A tier-1 service without an SLO has no agreed definition of working.",
        fix="Add an SLO (OpenSLO, Sloth or Pyrra) that joins this component.",
        example="""\
# catalog/payments.yaml: tier 1, and no SLO joins it
metadata:
  name: payments
  annotations:
    charter.dev/tier: "1"
    charter.dev/on-call: pagerduty:PAY
    charter.dev/runbook: docs/run.md
spec: {type: service, lifecycle: production, owner: payments}
""",
    ),
    Rule(
        "REL002",
        "Tier-1 service without on-call",
        Severity.ERROR,
        rationale="Nobody is paged when a tier-1 service breaks.",
        fix="Add the `charter.dev/on-call` annotation naming the rotation or schedule.",
        example="""\
# catalog/payments.yaml
metadata:
  name: payments
  annotations:
    charter.dev/tier: "1"
    charter.dev/runbook: docs/run.md       # and no charter.dev/on-call
spec: {type: service, lifecycle: production, owner: payments}
""",
    ),
    Rule(
        "REL003",
        "Tier-1 service without runbook",
        Severity.WARNING,
        rationale="The person paged at night needs written steps.",
        fix="Add the `charter.dev/runbook` annotation with the runbook's path or URL.",
        example="""\
# catalog/payments.yaml
metadata:
  name: payments
  annotations:
    charter.dev/tier: "1"
    charter.dev/on-call: pagerduty:PAY     # and no charter.dev/runbook
spec: {type: service, lifecycle: production, owner: payments}
""",
    ),
    Rule(
        "CAP001",
        "Capacity names an unknown team",
        Severity.ERROR,
        rationale="Capacity for a team that does not exist cannot be planned against.",
        fix="Use the name of a declared Group.",
        example="""\
# roadmap/capacity-2027q1.yaml
spec:
  quarter: 2027Q1
  teams: {payments: 40, search: 20}     # no Group search is declared
""",
    ),
    uses=(ESTATE_CODES["REF001"], DECISION_CODES["REF006"]),
)
diagnostic = CODES.diagnostic


# Annotations of Backstage's PagerDuty and Opsgenie plugins also name an on-call rotation.
ON_CALL_ANNOTATIONS = (
    ON_CALL_ANNOTATION,
    "pagerduty.com/service-id",
    "pagerduty.com/integration-key",
    "opsgenie.com/team",
    "opsgenie.com/component-selector",
)


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
    check_release_tag_patterns,
)

RULES = GOVERNANCE_RULES  # what `charter check` runs of this module (`analysis/checks/check.py`)
