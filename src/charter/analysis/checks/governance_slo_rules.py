"""SLOs that cannot be turned into Prometheus rules, found by `charter check` exactly as `charter slo
rules` finds them (the same function, the same codes REL011-REL017), so a repository that passes
`check` gets rules for every SLO it measures with Prometheus."""

from __future__ import annotations

from collections.abc import Iterator

from charter.analysis.checks.context import CheckContext
from charter.analysis.reliability import slo_rules as rules
from charter.model.codes import Codes
from charter.model.diagnostics import Diagnostic, Severity
from charter.model.estate import Estate
from charter.model.organization import Policies

# The errors of `slo rules`; its REL010 (an SLI measured by another tool) is information, not a defect.
CODES = Codes(uses=(rule for rule in rules.CODES if rule.severity is Severity.ERROR))


def check_slo_rules(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    """Every SLO whose rules `charter slo rules` could not write, and why, at the line it is written."""
    policies = estate.organization.spec.policies if estate.organization else Policies()
    for found in rules.slo_rules(estate.slos.values(), policies).diagnostics:
        if found.code in CODES:
            yield found


RULES = (check_slo_rules,)  # what `charter check` runs of this module (`analysis/checks/check.py`)
