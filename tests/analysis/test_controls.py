"""Control coverage per obligation (listed requirements, or an OSCAL profile's), gaps, evidence
missing or stale, risks mitigated, and the CTL001 / CTL002 governance rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from charter.analysis.checks.governance import CheckContext
from charter.analysis.checks.governance_controls import check_controls, control_gaps
from charter.analysis.security.controls import ControlsReport, control_coverage
from charter.load.oscal import control_set_requirements
from charter.load.repository import load_strategy_repo
from charter.model.estate import Estate
from tests.strategy import write_repo

TODAY = date(2026, 11, 1)
ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  riskAppetite: {security: low}
  compliance: [soc2, nist-800-53-low, iso27001]
"""
CATALOG = {
    "catalog": {
        "uuid": "00000000-0000-4000-8000-000000000001",
        "metadata": {"title": "Small catalog"},
        "groups": [{"id": "ac", "title": "Access", "controls": [
            {"id": "ac-1", "title": "Policy"},
            {"id": "ac-2", "title": "Accounts", "props": [{"name": "label", "value": "AC-2"}],
             "controls": [{"id": "ac-2.1", "title": "Automation", "props": [{"name": "label", "value": "AC-2(1)"}]}]},
            {"id": "ac-3", "title": "Enforcement", "props": [{"name": "label", "value": "AC-3"}]},
        ]}],
    }
}  # fmt: skip
PROFILE = {
    "profile": {
        "uuid": "00000000-0000-4000-8000-000000000002",
        "metadata": {"title": "Small baseline"},
        "imports": [{"href": "catalog.json", "include-controls": [{"with-ids": ["ac-2", "ac-2.1", "ac-3"]}]}],
    }
}
FILES = {
    "controls/oscal/catalog.json": json.dumps(CATALOG),
    "controls/oscal/profile.json": json.dumps(PROFILE),
    "docs/access.md": "# Access reviews\n",
    "risks/r.yaml": """\
        apiVersion: charter.dev/v1
        kind: Risk
        metadata: {name: shared-admin}
        spec: {title: Shared admin login, category: security, owner: group:sec, likelihood: 3, impact: 4,
               treatment: mitigate, reviewBy: 2027-01-01}
        """,
    "catalog/teams.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: sec}
        spec: {type: team, children: []}
        """,
    "controls/soc2.yaml": """\
        apiVersion: charter.dev/v1
        kind: ControlSet
        metadata: {name: soc2}
        spec:
          obligation: soc2
          owner: group:sec
          requirements:
            - {id: CC6.1, status: implemented, evidence: [docs/access.md, "https://drive.example/cc6.1"],
               reviewBy: 2027-01-01, mitigates: [shared-admin]}
            - {id: CC6.2, status: partial, evidence: [docs/missing.md], reviewBy: 2026-10-01}
            - {id: CC7.1, status: planned}
            - {id: CC9.1, status: not-applicable, reason: no vendors}
        """,
    "controls/nist.yaml": """\
        apiVersion: charter.dev/v1
        kind: ControlSet
        metadata: {name: nist-low}
        spec:
          obligation: nist-800-53-low
          oscal: {profile: controls/oscal/profile.json}
          requirements:
            - {id: AC-2, status: implemented, owner: group:sec, evidence: [docs/access.md]}
            - {id: AC-1, status: implemented, owner: group:sec}
        """,
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Estate]:
    root = write_repo(tmp_path_factory.mktemp("repo"), FILES, organization=ORGANIZATION)
    estate = load_strategy_repo(root)
    assert [item for item in estate.load_diagnostics if item.code.startswith(("SCH", "REF"))] == []
    return root, estate


@pytest.fixture(scope="module")
def report(repo: tuple[Path, Estate]) -> ControlsReport:
    root, estate = repo
    resolved, problems = control_set_requirements(root, estate)
    assert problems == []
    return control_coverage(estate, resolved, TODAY, lambda path: (root / path).exists())


def test_obligations_come_in_charter_yaml_order(report: ControlsReport) -> None:
    assert [(item.obligation, item.required, item.control_sets) for item in report.obligations] == [
        ("soc2", True, ("controlset:soc2",)),
        ("nist-800-53-low", True, ("controlset:nist-low",)),
        ("iso27001", True, ()),
    ]


def test_listed_requirements_are_counted_with_coverage_of_the_applicable_ones(report: ControlsReport) -> None:
    soc2 = report.obligations[0]

    assert soc2.counts == {"implemented": 1, "partial": 1, "planned": 1, "not-applicable": 1, "missing": 0}
    assert soc2.applicable == 3
    assert soc2.coverage == pytest.approx(1 / 3)
    assert [item.id for item in soc2.gaps] == ["CC7.1"]
    assert soc2.source == "the requirements the ControlSet lists"


def test_evidence_missing_urls_shown_and_stale_reviews(report: ControlsReport) -> None:
    soc2 = {item.id: item for item in report.obligations[0].requirements}

    assert soc2["CC6.1"].evidence_missing == ()
    assert soc2["CC6.1"].evidence_urls == ("https://drive.example/cc6.1",)
    assert soc2["CC6.2"].evidence_missing == ("docs/missing.md",)
    assert [item.id for item in report.obligations[0].stale] == ["CC6.2"]
    assert soc2["CC6.1"].mitigates == ("risk:shared-admin",)
    assert soc2["CC6.1"].owner == "group:sec"  # the ControlSet's owner when the requirement names none


def test_an_oscal_profile_defines_the_requirements_and_reports_unstated_ones(report: ControlsReport) -> None:
    nist = report.obligations[1]

    assert [(item.id, item.status, item.in_profile) for item in nist.requirements] == [
        ("AC-2", "implemented", True),
        ("AC-1", "implemented", False),  # listed, but the profile does not require it
        ("AC-2(1)", "missing", True),
        ("AC-3", "missing", True),
    ]
    # Coverage counts what the profile requires: AC-2 of AC-2, AC-2(1), AC-3.
    assert nist.counts == {"implemented": 1, "partial": 0, "planned": 0, "not-applicable": 0, "missing": 2}
    assert nist.coverage == pytest.approx(1 / 3)
    assert [item.id for item in nist.beyond_profile] == ["AC-1"]
    assert nist.source == "OSCAL controls/oscal/profile.json (Small baseline, 3 controls)"


def test_an_obligation_without_control_set_has_nothing_covered(report: ControlsReport) -> None:
    iso = report.obligations[2]

    assert (iso.requirements, iso.coverage, iso.source) == ((), None, "no ControlSet")


def test_only_one_obligation(repo: tuple[Path, Estate]) -> None:
    root, estate = repo
    found = control_coverage(estate, {}, TODAY, lambda path: True, only="SOC2")

    assert [item.obligation for item in found.obligations] == ["soc2"]


def test_governance_reports_missing_control_sets_and_planned_requirements(repo: tuple[Path, Estate]) -> None:
    root, estate = repo
    context = CheckContext(TODAY, lambda path: (root / path).exists())

    found = sorted((item.code, item.entity, item.message) for item in check_controls(estate, context))

    assert found == [
        ("CTL001", "obligation:iso27001", "compliance obligation 'iso27001' has no ControlSet"),
        ("CTL002", "controlset:soc2", "soc2 requirement CC7.1 is only planned"),
    ]


def test_with_the_oscal_lists_unstated_requirements_are_gaps_too(repo: tuple[Path, Estate]) -> None:
    root, estate = repo
    resolved, _ = control_set_requirements(root, estate)
    context = CheckContext(TODAY, lambda path: (root / path).exists())

    found = [item for item in control_gaps(estate, context, resolved) if item.entity == "controlset:nist-low"]

    assert [item.message for item in found] == [
        "nist-800-53-low requirement AC-2(1) has no implementation statement",
        "nist-800-53-low requirement AC-3 has no implementation statement",
    ]
    assert {item.location.pointer for item in found if item.location} == {("spec", "oscal")}
