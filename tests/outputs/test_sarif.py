"""The SARIF format: valid against the official SARIF 2.1.0 schema, with the rules used, correct
rule indexes, regions only for known lines, and fingerprints that survive line moves."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema.validators import validator_for

from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.outputs.interface import DiagnosticReport
from charter.outputs.sarif import SarifFormat

# Installed by scripts/install-test-services.sh (npm package @microsoft/jest-sarif).
TOOLS = Path(__file__).resolve().parents[2] / ".tools" / "node_modules"
SCHEMA_NAMES = ("sarif-schema-2.1.0.json", "sarif-2.1.0-rtm.5.json")


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    found = sorted(path for name in SCHEMA_NAMES for path in TOOLS.glob(f"**/{name}"))
    if not found:
        pytest.skip(f"SARIF 2.1.0 JSON Schema not under {TOOLS}; run scripts/install-test-services.sh")
    schema: dict[str, Any] = json.loads(found[0].read_text(encoding="utf-8"))
    return schema


def render(report: DiagnosticReport) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(SarifFormat(information_uri="https://example.org/charter").render(report))
    return log


def test_sarif_is_valid_against_the_official_schema(
    report: DiagnosticReport, empty_report: DiagnosticReport, sarif_schema: dict[str, Any]
) -> None:
    validator_class = validator_for(sarif_schema)
    validator_class.check_schema(sarif_schema)
    for each in (report, empty_report):
        errors = list(validator_class(sarif_schema).iter_errors(render(each)))
        assert not errors, [f"{list(error.absolute_path)}: {error.message}" for error in errors]


def test_sarif_has_one_rule_per_code_used_and_results_point_at_them(report: DiagnosticReport) -> None:
    log = render(report)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "charter",
        "1.2.3",
        "https://example.org/charter",
    )
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == ["REF001", "REF004", "REL003", "SCH001", "SCH009"]
    for result, diagnostic in zip(run["results"], report.diagnostics, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == diagnostic.code
    assert rules[0] == {
        "id": "REF001",
        "name": "DanglingReference",
        "shortDescription": {"text": "Dangling reference"},
        "fullDescription": {"text": "A reference to nothing <breaks> every join & report."},
        "help": {"text": "Declare the target | fix the ref."},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["references and joins"]},
    }
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///srv/strategy%20repo/"}}


def test_sarif_levels_follow_each_diagnostics_severity(report: DiagnosticReport) -> None:
    results = render(report)["runs"][0]["results"]
    assert [result["level"] for result in results] == ["note", "warning", "error", "error", "warning"]
    # REF004 defaults to error; the diagnostic's own (configured) severity wins for the result.
    assert render(report)["runs"][0]["tool"]["driver"]["rules"][1]["defaultConfiguration"] == {"level": "error"}


def test_sarif_locations_are_relative_to_srcroot_with_regions_only_for_known_lines(
    report: DiagnosticReport,
) -> None:
    locations = [result["locations"] for result in render(report)["runs"][0]["results"]]
    physical = [location[0]["physicalLocation"] for location in locations]
    assert [each["artifactLocation"] for each in physical] == [
        {"uri": "charter.yaml", "uriBaseId": "%SRCROOT%"},  # no location: the repository root's file
        {"uri": "../shared/teams.yaml", "uriBaseId": "%SRCROOT%"},  # outside the repository
        {"uri": "catalog/broken.yaml", "uriBaseId": "%SRCROOT%"},
        {"uri": "catalog/orders.yaml", "uriBaseId": "%SRCROOT%"},
        {"uri": "services/payments%20service.yaml", "uriBaseId": "%SRCROOT%"},
    ]
    assert [each.get("region") for each in physical] == [
        None,
        None,
        {"startLine": 3, "startColumn": 5},
        {"startLine": 12},
        {"startLine": 40, "startColumn": 7},
    ]


def test_sarif_result_carries_message_entity_hint_and_properties(report: DiagnosticReport) -> None:
    result = render(report)["runs"][0]["results"][3]
    assert result["message"] == {"text": 'dependsOn "resource:db|primary" <missing> & not declared'}
    assert result["properties"] == {
        "entity": "component:default/orders",
        "hint": "Declare it, or fix the | reference.",
        "target": "resource:db|primary",
    }


def test_sarif_fingerprints_hash_the_diagnostic_fingerprint_and_ignore_line_moves(
    report: DiagnosticReport,
) -> None:
    diagnostic = report.diagnostics[2]
    moved = dataclasses.replace(diagnostic, location=Location("catalog/broken.yaml", 30, 1))
    results = render(dataclasses.replace(report, diagnostics=(diagnostic, moved)))["runs"][0]["results"]
    expected = hashlib.sha256(diagnostic.fingerprint.encode("utf-8")).hexdigest()
    assert [result["partialFingerprints"] for result in results] == [{"charter/v1": expected}] * 2
    fingerprints = {result["partialFingerprints"]["charter/v1"] for result in render(report)["runs"][0]["results"]}
    assert len(fingerprints) == len(report.diagnostics)


def test_sarif_describes_a_code_missing_from_the_catalogue_by_its_code(
    report: DiagnosticReport, sarif_schema: dict[str, Any]
) -> None:
    unknown = Diagnostic("XYZ999", Severity.WARNING, "from a plugin", Location("/etc/charter/x.yaml", 2))
    log = render(dataclasses.replace(report, diagnostics=(unknown,)))
    run = log["runs"][0]
    assert run["tool"]["driver"]["rules"] == [
        {"id": "XYZ999", "name": "XYZ999", "shortDescription": {"text": "XYZ999"}}
    ]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "file:///etc/charter/x.yaml"
    }
    assert not list(validator_for(sarif_schema)(sarif_schema).iter_errors(log))


def test_sarif_of_no_diagnostics_is_one_run_without_results(empty_report: DiagnosticReport) -> None:
    run = render(empty_report)["runs"][0]
    assert run["results"] == []
    assert run["tool"]["driver"]["rules"] == []


def test_sarif_output_is_indented_json_ending_with_a_newline(report: DiagnosticReport) -> None:
    output = SarifFormat().render(report)
    assert output.startswith('{\n  "$schema": ')
    assert output.endswith("}\n")
    assert "Zoë’s" in output
