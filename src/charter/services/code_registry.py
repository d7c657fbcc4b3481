"""The catalogue of every diagnostic code, gathered from the modules that declare them. The list of
those modules is written out here; nothing registers itself on import. Importing this module imports
every one of them (the sources' readers too), so only what needs the whole catalogue does:
`charter rules`, the README's table, and `charter check` when a setting names a code the check
itself does not report. `tests/test_codes.py` fails when a module declares codes and is missing."""

from __future__ import annotations

from types import ModuleType

from charter.analysis import component_sources
from charter.analysis.checks import (
    capacity,
    governance,
    governance_assessment,
    governance_controls,
    governance_migrations,
    governance_reliability,
    governance_risks,
    governance_security,
    governance_targets,
    standards,
    suppression,
)
from charter.analysis.checks import check as check_modules
from charter.analysis.delivery import release_tags
from charter.analysis.escalations import codes as escalation_codes
from charter.analysis.reliability import slo_rules, slo_status
from charter.analysis.targets import deadlines as target_deadlines
from charter.load import context as load_context
from charter.load import decisions as decision_records
from charter.load import oscal, slos_sloth
from charter.model import decision, estate, slo
from charter.model.codes import AREAS, Catalogue, Codes, Rule
from charter.sources import deployments, epss, kev, prometheus, records, scorecard, sli
from charter.sources.findings import fields, formats, importer, jsonstream
from charter.sources.git import mine
from charter.sources.incidents import common as incident_records

# The declaring modules, in sections. `charter rules` lists the codes by area; within an area, by
# section, and within a section by number (so REL001-REL003 of the strategy come before the error
# budget's REL020-REL024, as they always have).
SECTIONS: tuple[tuple[ModuleType, ...], ...] = (
    # The strategy files and their checks (`charter check`)
    (
        estate,
        decision,
        load_context,
        decision_records,
        governance,
        governance_migrations,
        governance_risks,
        governance_controls,
        governance_targets,
        oscal,
        standards,
        suppression,
        capacity,
    ),
    # Error budgets (`charter slo status`)
    (slo_status,),
    # Prometheus rules from SLOs (`charter slo rules`)
    (slo, slos_sloth, slo_rules),
    # Incidents and SLO dependencies in the strategy (`charter check`)
    (governance_reliability,),
    # Security facts (`charter security`)
    (governance_security,),
    # Escalations across domains (`charter escalations`)
    (escalation_codes,),
    # Targets against the snapshots (`charter targets`)
    (target_deadlines,),
    # Git mining (`charter sync`, and `charter check` for release-tag patterns)
    (mine, component_sources, release_tags),
    # Imports (`charter import`): records, SLI data, scanner findings, incidents, security feeds
    (records, deployments),
    (sli, prometheus),
    (formats, fields, jsonstream, importer),
    (incident_records,),
    (kev, epss, scorecard),
    # The assessment's settings in charter.yaml (`charter assess`, `charter check`)
    (governance_assessment,),
)

DECLARING_MODULES: tuple[ModuleType, ...] = tuple(module for section in SECTIONS for module in section)


def catalogued_sections() -> tuple[tuple[ModuleType, ...], ...]:
    """SECTIONS, and a section of its own for each check module registered in `CHECK_MODULES` and not
    listed there: adding a check is one module and that one registration."""
    listed = set(DECLARING_MODULES)
    return SECTIONS + tuple((module,) for module in check_modules.CHECK_MODULES if module not in listed)


def declarations(module: ModuleType) -> Codes:
    """The `CODES` table of a declaring module."""
    codes = getattr(module, "CODES", None)
    if not isinstance(codes, Codes):
        raise TypeError(f"{module.__name__} declares no CODES table")
    return codes


def code_catalogue() -> Catalogue:
    """Every declared code, by area, then by section, then by number."""
    areas = {prefix: index for index, prefix in enumerate(AREAS)}
    placed: list[tuple[int, int, str, Rule]] = [
        (areas[rule.code[:3]], index, rule.code, rule)
        for index, section in enumerate(catalogued_sections())
        for module in section
        for rule in declarations(module).declared
    ]
    return Catalogue(rule for *_, rule in sorted(placed, key=lambda item: item[:3]))
