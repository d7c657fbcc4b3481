"""`charter check` as a library call: the loader's diagnostics, every governance rule and every
standard's validation, with suppressions and severity settings applied, in a stable order."""

from __future__ import annotations

from charter.analysis.checks import (
    governance,
    governance_controls,
    governance_migrations,
    governance_reliability,
    governance_risks,
    governance_slo_rules,
    standards,
    suppression,
)
from charter.analysis.checks.context import CheckContext
from charter.analysis.checks.governance import GOVERNANCE_RULES
from charter.analysis.checks.governance_reliability import RELIABILITY_RULES
from charter.analysis.checks.standards import validate_standard
from charter.analysis.checks.suppression import apply_settings
from charter.analysis.component_sources import CODES as COMPONENT_SOURCE_CODES
from charter.model.codes import Codes
from charter.model.diagnostics import Diagnostic
from charter.model.estate import Estate

# Every code the rules below may report (the loader's own codes come with the Estate).
CHECK_CODES = Codes(
    uses=(
        *governance.CODES,
        *governance_migrations.CODES,
        *governance_risks.CODES,
        *governance_controls.CODES,
        COMPONENT_SOURCE_CODES["GIT006"],  # the release-tag patterns; GIT004 and GIT005 are `sync`'s
        *governance_reliability.CODES,
        *governance_slo_rules.CODES,
        *standards.CODES,
        *suppression.CODES,
    )
)


def run_check(estate: Estate, context: CheckContext) -> list[Diagnostic]:
    found: list[Diagnostic] = list(estate.load_diagnostics)
    for rule in (*GOVERNANCE_RULES, *RELIABILITY_RULES, governance_slo_rules.check_slo_rules):
        found.extend(rule(estate, context))
    for standard in estate.standards:
        found.extend(validate_standard(standard))
    return apply_settings(estate, found, context.today, context.is_declared)
