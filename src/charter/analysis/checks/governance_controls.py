"""Governance rules of controls and compliance: an obligation `charter.yaml` lists with no
ControlSet (CTL001), and a requirement of such an obligation that is only planned or, when the
obligation's OSCAL profile is known, not stated at all (CTL002)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from charter.analysis.checks.context import CheckContext
from charter.analysis.security.controls import control_coverage
from charter.analysis.security.oscal_profiles import OscalRequirements
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.estate import Estate
from charter.model.refs import EntityRef

CODES = Codes(
    Rule(
        "CTL001",
        "Compliance obligation without control set",
        Severity.ERROR,
        rationale=(
            "An obligation listed in `spec.compliance` with no ControlSet has no requirement implemented or evidenced."
        ),
        fix="Add a ControlSet under controls/ whose `spec.obligation` names the obligation.",
        example="""\
# charter.yaml
spec:
  compliance: [soc2]        # and no ControlSet has spec.obligation: soc2
""",
    ),
    Rule(
        "CTL002",
        "Required control without implementation",
        Severity.ERROR,
        rationale=(
            "A requirement of an obligation the company must meet is only planned, or has no implementation statement "
            "at all (it is in the obligation's OSCAL profile but not in the ControlSet)."
        ),
        fix="Implement the control and set its status, owner and evidence, or mark it not-applicable with a reason.",
        example="""\
# controls/soc2.yaml
spec:
  obligation: soc2
  requirements:
    - {id: CC6.1, title: Logical access, status: planned}
""",
    ),
)
diagnostic = CODES.diagnostic


def control_gaps(
    estate: Estate, context: CheckContext, oscal: Mapping[EntityRef, OscalRequirements]
) -> Iterator[Diagnostic]:
    """CTL001 and CTL002 for the obligations in `spec.compliance`, with the OSCAL lists given."""
    organization = estate.organization
    if organization is None or not organization.spec.compliance:
        return
    report = control_coverage(estate, oscal, context.today, context.path_exists)
    sets = {item.ref.short: item for item in estate.control_sets}
    compliance_at = organization.location.at("spec", "compliance") if organization.location else None
    for obligation in report.obligations:
        if not obligation.required:
            continue
        if not obligation.control_sets:
            yield diagnostic(
                "CTL001",
                f"compliance obligation {obligation.obligation!r} has no ControlSet",
                compliance_at,
                entity=f"obligation:{obligation.obligation}",
            )
            continue
        for requirement in obligation.gaps:
            owner = sets[requirement.control_set or obligation.control_sets[0]]
            where: Location | None = None
            if owner.location is not None:
                where = (
                    owner.location.at("spec", "requirements", requirement.index, "status")
                    if requirement.index is not None
                    else owner.location.at("spec", "oscal")
                )
            detail = "is only planned" if requirement.status == "planned" else "has no implementation statement"
            yield diagnostic(
                "CTL002",
                f"{obligation.obligation} requirement {requirement.id} {detail}",
                where,
                entity=owner.ref.short,
            )


def check_controls(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    """The governance rule `check` runs: what the strategy files alone show (OSCAL lists are read
    by `charter controls`, which reports requirements missing from them)."""
    return control_gaps(estate, context, {})
