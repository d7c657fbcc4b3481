"""The assessment's settings in charter.yaml checked: a weight naming no check (ASM002), an area whose
checks' weights sum to zero (ASM001). `charter assess` refuses to score under such settings."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from charter.analysis.assessment.catalogue import CHECKS, CHECKS_BY_ID, Area
from charter.analysis.assessment.settings import assessment_weights
from charter.analysis.checks.context import CheckContext, GovernanceRule
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.estate import Estate
from charter.model.organization import Organization

CODES = Codes(
    Rule(
        "ASM001",
        "Assessment weights of an area sum to zero",
        Severity.ERROR,
        rationale=(
            "An area's score is its checks' results weighted by `spec.assessment.weights`; when every weight "
            "of the area is 0 there is nothing to weigh, and the area could never be scored."
        ),
        fix="Give at least one check of the area a positive weight, or leave the area's defaults alone.",
        example="""\
# charter.yaml
spec:
  assessment:
    weights: {maintainability.bus-factor: 0, maintainability.knowledge-concentration: 0,
              maintainability.author-turnover: 0}
""",
    ),
    Rule(
        "ASM002",
        "Assessment weight of an unknown check",
        Severity.ERROR,
        rationale="A weight for a check the assessment does not have changes nothing: it is most likely a typo.",
        fix="Name a check as `charter assess --explain` lists it, such as `security.no-kev-exposed`.",
        example="""\
# charter.yaml
spec:
  assessment:
    weights: {security.no-kev: 5}     # the check is security.no-kev-exposed
""",
    ),
)
diagnostic = CODES.diagnostic


def settings_problems(organization: Organization | None) -> Iterator[Diagnostic]:
    """ASM002 for a weight naming no check, ASM001 for an area whose weights sum to zero."""
    if organization is None:
        return
    settings = organization.spec.assessment
    base = organization.location or Location("charter.yaml")
    where = base.at("spec", "assessment", "weights")
    for name in sorted(settings.weights):
        if name not in CHECKS_BY_ID:
            closest = difflib.get_close_matches(name, list(CHECKS_BY_ID), n=1)
            hint = f"; did you mean {closest[0]}?" if closest else ""
            message = f"spec.assessment.weights names {name!r}, which is no check{hint}"
            yield diagnostic("ASM002", message, where.at(name))
    weights = assessment_weights(settings).checks
    for area in Area:
        if sum(weights[check.id] for check in CHECKS if check.area is area) <= 0:
            yield diagnostic("ASM001", f"spec.assessment.weights: the {area.value} checks' weights sum to 0", where)


def check_assessment_settings(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    """ASM001 and ASM002 over `spec.assessment` of charter.yaml."""
    return settings_problems(estate.organization)


RULES: tuple[GovernanceRule, ...] = (check_assessment_settings,)
