"""The register's open risks and the open security findings as an OSCAL plan of action and
milestones (POA&M): one OSCAL risk and one POA&M item per register risk, and one observation, risk
and item per finding. UUIDs are derived from the names (version 5), so the same register exports
the same document."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from charter import __version__
from charter.analysis.risk.register import RegisterEntry, RiskRegister
from charter.model.errors import InputError
from charter.model.finding import Finding
from charter.outputs.views import poam as oscal

OSCAL_VERSION = "1.1.2"
NAMESPACE = "https://charter.dev/ns/oscal"
_UUIDS = uuid.uuid5(uuid.NAMESPACE_URL, NAMESPACE)

# Register status -> OSCAL risk status (`open`, `investigating`, `remediating`, `deviation-requested`,
# `deviation-approved`, `closed`).
RISK_STATUS = {"open": "open", "mitigating": "remediating", "accepted": "deviation-approved", "closed": "closed"}


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_UUIDS, "\x1f".join(parts)))


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), UTC)


def _prop(name: str, value: str | int) -> oscal.Property:
    return oscal.Property(name=name, ns=NAMESPACE, value=str(value))


def _register_risk(entry: RegisterEntry) -> oscal.Risk:
    spec = entry.risk.spec
    props = [
        _prop("category", spec.category),
        _prop("likelihood", entry.residual.likelihood),
        _prop("impact", entry.residual.impact),
        _prop("residual-level", entry.levels.residual),
        _prop("inherent-level", entry.levels.inherent),
    ]
    if spec.treatment:
        props.append(_prop("treatment", spec.treatment))
    if spec.owner:
        props.append(_prop("owner", spec.owner))
    mitigations = [
        oscal.MitigatingFactor(
            uuid=_uuid("mitigation", entry.name, item.initiative),
            description=f"{item.initiative}, "
            + (f"committed to {item.quarter}" if item.quarter else "not committed to a quarter"),
        )
        for item in entry.mitigations
    ]
    return oscal.Risk(
        uuid=_uuid("risk", entry.name),
        title=spec.title,
        description=spec.description or spec.title,
        statement=(
            f"{entry.name}: residual {entry.levels.residual} (likelihood {entry.residual.likelihood}, impact "
            f"{entry.residual.impact}); appetite for {spec.category} is {entry.appetite or 'not set'}."
        ),
        props=props,
        status=RISK_STATUS[spec.status],
        deadline=_end_of(spec.review_by) if spec.review_by else None,
        mitigating_factors=mitigations or None,
    )


def _register_item(entry: RegisterEntry) -> oscal.PoamItem:
    spec = entry.risk.spec
    return oscal.PoamItem(
        uuid=_uuid("risk-item", entry.name),
        title=spec.title,
        description=spec.description or spec.title,
        props=[_prop("risk", entry.name)],
        related_risks=[oscal.RelatedRisk(risk_uuid=_uuid("risk", entry.name))],
    )


def _finding_parts(finding: Finding, exported_at: datetime) -> tuple[oscal.Observation, oscal.Risk, oscal.PoamItem]:
    """The observation, the OSCAL risk and the POA&M item of one finding."""
    name = finding.vulnerability_id or finding.rule_id or finding.key
    subject = finding.component or finding.target
    observation_uuid, risk_uuid = _uuid("observation", finding.key), _uuid("finding-risk", finding.key)
    description = finding.title or f"{name} in {finding.package or subject}"
    props = [_prop("scanner", finding.scanner), _prop("severity", finding.severity), _prop("target", finding.target)]
    if finding.package:
        props.append(_prop("package", finding.package))
    if finding.component:
        props.append(_prop("component", finding.component))
    observed = [oscal.RelatedObservation(observation_uuid=observation_uuid)]
    observation = oscal.Observation(
        uuid=observation_uuid,
        title=f"{finding.scanner}: {name}",
        description=description,
        props=props,
        methods=["TEST"],
        types=["finding"],
        collected=finding.first_seen or exported_at,
    )
    risk = oscal.Risk(
        uuid=risk_uuid,
        title=f"{name} ({finding.severity})",
        description=description,
        statement=f"{name} found by {finding.scanner} in {subject}; severity {finding.severity}.",
        props=[_prop("severity", finding.severity)],
        status="open",
        related_observations=observed,
    )
    item = oscal.PoamItem(
        uuid=_uuid("finding-item", finding.key),
        title=f"Remediate {name} in {subject}",
        description=description,
        related_observations=observed,
        related_risks=[oscal.RelatedRisk(risk_uuid=risk_uuid)],
    )
    return observation, risk, item


def poam_document(
    register: RiskRegister,
    findings: Sequence[Finding],
    *,
    organization: str,
    exported_at: datetime,
) -> oscal.PoamDocument:
    """The POA&M of the register's open risks and the open findings given; InputError when there
    is neither (the OSCAL schema wants at least one POA&M item)."""
    open_entries = [entry for entry in register.entries if entry.is_open]
    risks = [_register_risk(entry) for entry in open_entries]
    items = [_register_item(entry) for entry in open_entries]
    observations = []
    for finding in findings:
        if not finding.is_open:
            continue
        observation, risk, item = _finding_parts(finding, exported_at)
        observations.append(observation)
        risks.append(risk)
        items.append(item)
    if not items:
        raise InputError("nothing to export: no open risk and no open finding (a POA&M needs at least one item)")
    return oscal.PoamDocument(
        plan_of_action_and_milestones=oscal.PlanOfActionAndMilestones(
            uuid=_uuid("poam", organization),
            metadata=oscal.Metadata(
                title=f"Plan of action and milestones: {organization}",
                last_modified=exported_at,
                version=register.as_of.isoformat(),
                oscal_version=OSCAL_VERSION,
                props=[_prop("generator", f"charter {__version__}")],
            ),
            system_id=oscal.SystemId(identifier_type=NAMESPACE, id=organization),
            observations=observations or None,
            risks=risks or None,
            poam_items=items,
        )
    )
