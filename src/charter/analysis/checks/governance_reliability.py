"""Governance rules over reliability mechanisms beyond the foundation's SLO / on-call / runbook
checks (REL001..REL003): SLOs tighter than their dependencies allow (REL004), major incidents
without a postmortem past policy (REL005), overdue action items (REL006), repeated incidents on a
service (REL007), incidents on unknown services (REL008) and open action items without an owner
(REL009). They read the Markdown postmortems of the repository (`charter check` has no store)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

from charter.analysis.checks.context import CheckContext, GovernanceRule
from charter.analysis.reliability.incidents import (
    MAJOR_SEVERITIES,
    IncidentOptions,
    PostmortemState,
    find_repeats,
    open_action_items,
    postmortem_status,
)
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Severity
from charter.model.estate import Estate
from charter.model.incident import Incident
from charter.model.organization import Policies
from charter.model.refs import EntityRef

CODES = Codes(
    Rule(
        "REL004",
        "SLO tighter than its dependencies allow",
        Severity.WARNING,
        rationale=(
            "A service cannot be more available than the product of the SLOs of what it depends on; the objective "
            "will be missed by arithmetic, not by accident."
        ),
        fix=(
            "Lower the objective, raise the dependencies' SLOs, or remove the hard dependency (caching, fallbacks, "
            "asynchronous calls)."
        ),
        example="""\
# catalog/checkout.yaml: its SLO is 99.99%, and it depends on payments, whose SLO is 99.9%
metadata: {name: checkout}
spec: {type: service, lifecycle: production, owner: shop, dependsOn: [component:payments]}
""",
    ),
    Rule(
        "REL005",
        "SEV1/SEV2 without postmortem past policy",
        Severity.ERROR,
        rationale=(
            "A major incident nobody wrote up teaches nothing; `policies.postmortemWithinDays` says when it is due."
        ),
        fix="Write the postmortem and set `postmortem: {status: published, date: ...}` in its front matter.",
        example="""\
<!-- incidents/2026-03-01-payments-outage.md: resolved 2026-03-02, today 2026-03-20 -->
---
severity: SEV1
services: [payments]
started: 2026-03-01T10:00:00Z
resolved: 2026-03-02T09:00:00Z
postmortem: {status: draft}     # policies.postmortemWithinDays: 5
---
""",
    ),
    Rule(
        "REL006",
        "Action item overdue",
        Severity.WARNING,
        rationale="An open action item past its due date is a known risk left in place.",
        fix="Close the action item, or agree a new due date with its owner.",
        example="""\
<!-- incidents/2026-03-01-payments-outage.md, read on 2026-05-01 -->
actionItems:
  - {id: A1, title: Add a canary, owner: group:payments, due: 2026-04-15, status: open}
""",
    ),
    Rule(
        "REL007",
        "Repeated incidents on a service",
        Severity.WARNING,
        rationale=(
            "The same failure of the same service within `policies.repeatIncidentWindowDays` means the first "
            "postmortem's actions did not prevent it."
        ),
        fix="Fund the prevent action items of the earlier incident, and review why they did not hold.",
        example="""\
<!-- incidents/: two incidents 12 days apart (policies.repeatIncidentWindowDays: 30) -->
severity: SEV2
services: [payments]
cause: dependency
""",
    ),
    Rule(
        "REL008",
        "Incident names an unknown service",
        Severity.WARNING,
        rationale="An incident on a service the catalog does not have counts for no team's reliability.",
        fix="Name the service like a component, or add the component to the catalog.",
        example="""\
<!-- incidents/2026-03-01-payments-outage.md -->
services: [payment-gateway]     # the catalog's component is payments-gateway
""",
    ),
    Rule(
        "REL009",
        "Action item without owner",
        Severity.WARNING,
        rationale="An open action item nobody owns will not be done.",
        fix="Set `owner` on the action item to a Group or User.",
        example="""\
<!-- incidents/2026-03-01-payments-outage.md -->
actionItems:
  - {id: A2, title: Fix retries, due: 2026-04-30, status: open}   # no owner
""",
    ),
)
diagnostic = CODES.diagnostic


def _policies(estate: Estate) -> Policies:
    return estate.organization.spec.policies if estate.organization else Policies()


def check_slo_dependencies(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    """REL004: an SLO above the product of the (best) objectives of the components its component
    depends on, among those that have SLOs."""
    best: dict[EntityRef, float] = {}
    for ref, names in estate.component_slos.items():
        best[ref] = max(estate.slos[name].objective for name in names)
    for ref, names in sorted(estate.component_slos.items(), key=lambda item: str(item[0])):
        dependencies = sorted((target for target in estate.related(ref, "dependsOn") if target in best), key=str)
        if not dependencies:
            continue
        ceiling = math.prod(best[target] for target in dependencies)
        listed = ", ".join(f"{target.short} {best[target]:.4%}" for target in dependencies)
        for name in sorted(names):
            slo = estate.slos[name]
            if slo.objective > ceiling + 1e-12:
                yield diagnostic(
                    "REL004",
                    f"SLO {name!r} of {ref.short} targets {slo.objective:.4%}, but its dependencies ({listed}) "
                    f"allow at most {ceiling:.4%}",
                    slo.location,
                    entity=f"slo:{name}",
                )


def check_postmortems(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    """REL005: a resolved SEV1/SEV2 incident whose postmortem is not published within policy."""
    options = _options(estate, context)
    days = options.postmortem_within_days
    for incident in _sorted(estate.incidents):
        if incident.severity not in MAJOR_SEVERITIES:
            continue
        status = postmortem_status(incident, options)
        if status.state is PostmortemState.OVERDUE and status.due is not None:
            state = f"is {incident.postmortem_status}" if incident.postmortem_status else "is missing"
            yield diagnostic(
                "REL005",
                f"{incident.severity} incident {incident.id}: the postmortem {state}, due {status.due.isoformat()} "
                f"({days} days after resolution)",
                incident.location,
                entity=f"incident:{incident.id}",
            )


def check_action_items(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    """REL006: an open action item past its due date; REL009: an open action item with no owner."""
    by_id = {incident.id: incident for incident in estate.incidents}
    for entry in open_action_items(_sorted(estate.incidents), context.today):
        incident = by_id[entry.incident_id]
        item = entry.item
        if entry.overdue:
            due = item.due.isoformat() if item.due else "?"
            yield diagnostic(
                "REL006",
                f"action item {item.id} of {incident.id} ({item.title}) was due {due}, "
                f"{entry.overdue_days} days ago; owner {item.owner or 'none'}",
                incident.location,
                entity=f"incident:{incident.id}",
            )
        if not (item.owner or "").strip():
            yield diagnostic(
                "REL009",
                f"action item {item.id} of {incident.id} ({item.title}) has no owner",
                incident.location,
                entity=f"incident:{incident.id}",
            )


def check_repeated_incidents(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    """REL007: an incident with the same service and cause as one within the repeat window."""
    by_id = {incident.id: incident for incident in estate.incidents}
    for repeat in find_repeats(estate.incidents, _policies(estate).repeat_incident_window_days):
        incident = by_id[repeat.incident_id]
        yield diagnostic(
            "REL007",
            f"{repeat.incident_id} repeats {repeat.earlier_id} on {repeat.service} (cause {repeat.cause}, "
            f"{repeat.days_apart:.0f} days apart)",
            incident.location,
            entity=f"incident:{repeat.incident_id}",
        )


def check_incident_services(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    """REL008: an incident naming a service that is not a component of the catalog."""
    for incident in _sorted(estate.incidents):
        for service in incident.services:
            if estate.resolve(service, default_kind="component") is None:
                yield diagnostic(
                    "REL008",
                    f"incident {incident.id} names service {service!r}, which is not a declared component",
                    incident.location,
                    entity=f"incident:{incident.id}",
                )


def _options(estate: Estate, context: CheckContext) -> IncidentOptions:
    policies = _policies(estate)
    end = datetime.combine(context.today, time.min, UTC) + timedelta(days=1)
    return IncidentOptions(
        since=datetime.min.replace(tzinfo=UTC),
        until=end,
        today=context.today,
        postmortem_within_days=policies.postmortem_within_days,
        repeat_window_days=policies.repeat_incident_window_days,
    )


def _sorted(incidents: list[Incident]) -> list[Incident]:
    return sorted(incidents, key=lambda incident: incident.id)


RELIABILITY_RULES: tuple[GovernanceRule, ...] = (
    check_slo_dependencies,
    check_postmortems,
    check_action_items,
    check_repeated_incidents,
    check_incident_services,
)

RULES = RELIABILITY_RULES  # what `charter check` runs of this module (`analysis/checks/check.py`)
