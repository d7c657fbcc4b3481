"""`charter check` as a library call: the loader's diagnostics, every check module's rules and every
standard's validation, with suppressions and severity settings applied, in a stable order.

A check module declares its codes (`CODES`) and its rules (`RULES`: functions from the Estate and
the CheckContext to diagnostics) and is registered by one line in `CHECK_MODULES`; `charter rules`
finds its codes through the same list."""

from __future__ import annotations

from types import ModuleType

from charter.analysis.checks import (
    capacity,
    governance,
    governance_assessment,
    governance_controls,
    governance_migrations,
    governance_reliability,
    governance_risks,
    governance_slo_rules,
    governance_targets,
    standards,
    suppression,
)
from charter.analysis.checks.context import CheckContext, GovernanceRule
from charter.analysis.checks.standards import validate_standard
from charter.analysis.checks.suppression import apply_settings
from charter.analysis.component_sources import CODES as COMPONENT_SOURCE_CODES
from charter.model.codes import Codes
from charter.model.diagnostics import Diagnostic
from charter.model.estate import Estate

# The modules whose rules `charter check` runs, in order: each has `CODES` and `RULES`.
CHECK_MODULES: tuple[ModuleType, ...] = (
    governance,
    governance_reliability,
    governance_slo_rules,
    governance_assessment,
    capacity,
    governance_targets,
)


def rules_of(module: ModuleType) -> tuple[GovernanceRule, ...]:
    """The rules a check module runs."""
    rules: tuple[GovernanceRule, ...] = module.RULES
    return rules


# Every code the rules below may report (the loader's own codes come with the Estate).
CHECK_CODES = Codes(
    uses=(
        *governance_migrations.CODES,
        *governance_risks.CODES,
        *governance_controls.CODES,
        COMPONENT_SOURCE_CODES["GIT006"],  # the release-tag patterns; GIT004 and GIT005 are `sync`'s
        *standards.CODES,
        *suppression.CODES,
        *(rule for module in CHECK_MODULES for rule in module.CODES),  # each registered check module's
    )
)


def run_check(estate: Estate, context: CheckContext) -> list[Diagnostic]:
    found: list[Diagnostic] = list(estate.load_diagnostics)
    for module in CHECK_MODULES:
        for rule in rules_of(module):
            found.extend(rule(estate, context))
    for standard in estate.standards:
        found.extend(validate_standard(standard))
    return apply_settings(estate, found, context.today, context.is_declared, context.closest_codes)
