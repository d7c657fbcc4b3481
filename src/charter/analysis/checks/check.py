"""`charter check` as a library call: the loader's diagnostics, every governance rule and every
standard's validation, with suppressions and severity settings applied, in a stable order."""

from __future__ import annotations

from charter.analysis.checks.governance import GOVERNANCE_RULES, CheckContext
from charter.analysis.checks.governance_reliability import RELIABILITY_RULES
from charter.analysis.checks.standards import validate_standard
from charter.analysis.checks.suppression import apply_settings
from charter.model.diagnostics import Diagnostic
from charter.model.estate import Estate


def run_check(estate: Estate, context: CheckContext) -> list[Diagnostic]:
    found: list[Diagnostic] = list(estate.load_diagnostics)
    for rule in (*GOVERNANCE_RULES, *RELIABILITY_RULES):
        found.extend(rule(estate, context))
    for standard in estate.standards:
        found.extend(validate_standard(standard))
    return apply_settings(estate, found, context.today)
