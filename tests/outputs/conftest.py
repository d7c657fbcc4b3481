"""A fixed report for every format: errors, warnings and info, with and without locations, with
unicode, pipes, Rich markup and XML-special characters; and a fixed catalogue of the codes it
uses, so the expected outputs do not change when the real catalogue is reworded."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.model.codes import Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.outputs.interface import DiagnosticReport

ROOT = Path("/srv/strategy repo")

FIXED_RULES = (
    Rule(
        "SCH001",
        "YAML syntax error",
        Severity.ERROR,
        rationale="A file that does not parse hides everything it declares.",
        fix="Fix the YAML at the reported line.",
        example="# catalog/example.yaml\n",
    ),
    Rule(
        "SCH009",
        "Kind kept without checks",
        Severity.INFO,
        rationale="Plugin kinds are kept but not checked.",
        fix="Nothing to do.",
        example="# catalog/example.yaml\n",
    ),
    Rule(
        "REF001",
        "Dangling reference",
        Severity.ERROR,
        rationale="A reference to nothing <breaks> every join & report.",
        fix="Declare the target | fix the ref.",
        example="# catalog/example.yaml\n",
    ),
    Rule(
        "REF004",
        "Location target outside the repository",
        Severity.ERROR,
        rationale="Files outside the repository are not versioned with the strategy.",
        fix="Move the file in.",
        example="# catalog/example.yaml\n",
    ),
    Rule(
        "REL003",
        "Tier-1 service without runbook",
        Severity.WARNING,
        rationale="On-call needs a runbook at 3 a.m.",
        fix="Add a runbook link.",
        example="# catalog/example.yaml\n",
    ),
)

DIAGNOSTICS = (
    Diagnostic(
        "SCH009",
        Severity.INFO,
        "Kind Template is kept without checks [bold]as is[/bold]",
        entity="template:default/new-service",
    ),
    Diagnostic(
        "REF004",
        Severity.WARNING,
        "Owner “Zoë’s team” lives outside the repository — résumé ✓",
        Location("../shared/teams.yaml"),
        entity="group:default/zoë",
        hint="Move the file into the repository.",
    ),
    Diagnostic(
        "SCH001",
        Severity.ERROR,
        "mapping values are not allowed here",
        Location("catalog/broken.yaml", 3, 5),
        hint="Indent the value under its key.",
    ),
    Diagnostic(
        "REF001",
        Severity.ERROR,
        'dependsOn "resource:db|primary" <missing> & not declared',
        Location("catalog/orders.yaml", 12),
        entity="component:default/orders",
        hint="Declare it, or fix the | reference.",
        properties=(("target", "resource:db|primary"),),
    ),
    Diagnostic(
        "REL003",
        Severity.WARNING,
        "Tier-1 service has no runbook\nsee the on-call guide",
        Location("services/payments service.yaml", 40, 7),
        entity="component:default/payments",
    ),
)


RULES = {rule.code: rule for rule in FIXED_RULES}


@pytest.fixture
def report() -> DiagnosticReport:
    return DiagnosticReport(DIAGNOSTICS, root=ROOT, version="1.2.3", rules=RULES)


@pytest.fixture
def empty_report() -> DiagnosticReport:
    return DiagnosticReport((), root=ROOT, version="1.2.3", rules=RULES)
