"""ESC001 (repeated incidents on a service with no funded fix) and ESC004 (an error budget exhausted
while production deployments of the component continue)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta

from charter.analysis.escalations.codes import CODES
from charter.analysis.escalations.escalation import DEPLOYMENTS_LOOKBACK, Escalation, EscalationFacts, Evidence
from charter.analysis.escalations.funding import funded_work_by_target, funded_work_on, owner_of_entity
from charter.model.estate import Estate
from charter.model.incident import Incident
from charter.model.organization import Policies
from charter.model.refs import EntityRef

SHOWN_DEPLOYMENTS = 10  # deployments listed as evidence; the message gives the count


def repeated_incidents(estate: Estate, facts: EscalationFacts, policies: Policies) -> Iterator[Escalation]:
    """ESC001: two or more incidents on one component that started within the repeat window ending
    at `as_of`, and no funded initiative touching it."""
    window = timedelta(days=policies.repeat_incident_window_days)
    start = facts.as_of - window
    by_component: dict[EntityRef, list[Incident]] = defaultdict(list)
    for incident in facts.incidents:
        if incident.started is None or not start < incident.started <= facts.as_of:
            continue
        for ref in {estate.resolve(service, default_kind="component") for service in incident.services}:
            if ref is not None:  # an unknown service is REL008's; it owns nothing here
                by_component[ref].append(incident)
    touched = funded_work_by_target(estate)
    rule = CODES["ESC001"]
    for component, incidents in sorted(by_component.items(), key=lambda item: str(item[0])):
        if len(incidents) < 2 or funded_work_on(estate, touched, component):
            continue
        ordered = sorted(incidents, key=lambda item: (item.started, item.id))
        entity = estate.entities.get(component)
        yield Escalation(
            rule.code,
            rule.severity,
            component.short,
            f"{len(ordered)} incidents on {component.short} within {policies.repeat_incident_window_days} days "
            "and no committed or in-progress initiative affects it",
            owner_of_entity(estate, component),
            tuple(
                Evidence(
                    "incident",
                    incident.id,
                    f"{incident.severity}, started {incident.started:%Y-%m-%d}, cause {incident.cause or 'unrecorded'}",
                )
                for incident in ordered
            ),
            f"Fund the fix: commit an initiative whose `affects` names {component.short} (or one mitigating a risk "
            "that names it), or record why the incidents are acceptable.",
            component.short,
            entity.location if entity is not None else None,
        )


def budget_exhausted_while_deploying(estate: Estate, facts: EscalationFacts) -> Iterator[Escalation]:
    """ESC004: an SLO with data whose error budget is exhausted at `as_of`, while its component had
    successful production deployments in the DEPLOYMENTS_LOOKBACK before it."""
    rule = CODES["ESC004"]
    for status in facts.slo_statuses:
        if status.component is None or not status.exhausted:
            continue
        deployments = facts.production_deployments.get(status.component, ())
        if not deployments:
            continue
        component = estate.resolve(status.component, default_kind="component")
        slo = estate.slos.get(status.slo)
        remaining = status.budget_remaining or 0.0
        days = DEPLOYMENTS_LOOKBACK.days
        newest_first = sorted(deployments, key=lambda item: (item.finished, item.id), reverse=True)
        yield Escalation(
            rule.code,
            rule.severity,
            f"slo:{status.slo}",
            f"SLO {status.slo} of {status.component} has spent its error budget ({remaining:.0%} left) and the "
            f"component was deployed to production {len(deployments)} times in the last {days} days",
            owner_of_entity(estate, component) if component is not None else None,
            (
                Evidence("slo", status.slo, f"objective {status.objective:.4g}, budget left {remaining:.1%}"),
                *(
                    Evidence("deployment", item.id, f"{item.environment}, finished {item.finished:%Y-%m-%d %H:%M}")
                    for item in newest_first[:SHOWN_DEPLOYMENTS]
                ),
            ),
            f"Freeze feature deployments of {status.component} until the budget recovers; ship reliability fixes only.",
            component.short if component is not None else f"slo:{status.slo}",
            slo.location if slo is not None else None,
        )
