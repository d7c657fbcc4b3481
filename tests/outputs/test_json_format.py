"""The JSON format: the whole output, and that it is the stable schema scripts rely on."""

from __future__ import annotations

import json
from pathlib import Path

from charter.outputs.interface import DiagnosticReport
from charter.outputs.json_format import JsonFormat

EXPECTED = """\
{
  "version": "1.2.3",
  "summary": {
    "errors": 2,
    "warnings": 2,
    "info": 1,
    "total": 5
  },
  "diagnostics": [
    {
      "code": "SCH009",
      "severity": "info",
      "title": "Kind kept without checks",
      "message": "Kind Template is kept without checks [bold]as is[/bold]",
      "path": null,
      "line": null,
      "column": null,
      "entity": "template:default/new-service",
      "hint": "",
      "properties": {}
    },
    {
      "code": "REF004",
      "severity": "warning",
      "title": "Location target outside the repository",
      "message": "Owner “Zoë’s team” lives outside the repository — résumé ✓",
      "path": "../shared/teams.yaml",
      "line": null,
      "column": null,
      "entity": "group:default/zoë",
      "hint": "Move the file into the repository.",
      "properties": {}
    },
    {
      "code": "SCH001",
      "severity": "error",
      "title": "YAML syntax error",
      "message": "mapping values are not allowed here",
      "path": "catalog/broken.yaml",
      "line": 3,
      "column": 5,
      "entity": null,
      "hint": "Indent the value under its key.",
      "properties": {}
    },
    {
      "code": "REF001",
      "severity": "error",
      "title": "Dangling reference",
      "message": "dependsOn \\"resource:db|primary\\" <missing> & not declared",
      "path": "catalog/orders.yaml",
      "line": 12,
      "column": null,
      "entity": "component:default/orders",
      "hint": "Declare it, or fix the | reference.",
      "properties": {
        "target": "resource:db|primary"
      }
    },
    {
      "code": "REL003",
      "severity": "warning",
      "title": "Tier-1 service without runbook",
      "message": "Tier-1 service has no runbook\\nsee the on-call guide",
      "path": "services/payments service.yaml",
      "line": 40,
      "column": 7,
      "entity": "component:default/payments",
      "hint": "",
      "properties": {}
    }
  ]
}
"""

EXPECTED_EMPTY = """\
{
  "version": "1.2.3",
  "summary": {
    "errors": 0,
    "warnings": 0,
    "info": 0,
    "total": 0
  },
  "diagnostics": []
}
"""


def test_json_renders_every_diagnostic_and_the_summary(report: DiagnosticReport) -> None:
    assert JsonFormat().render(report) == EXPECTED


def test_json_of_no_diagnostics_has_an_empty_list(empty_report: DiagnosticReport) -> None:
    assert JsonFormat().render(empty_report) == EXPECTED_EMPTY


def test_json_diagnostics_all_have_the_same_keys(report: DiagnosticReport) -> None:
    document = json.loads(JsonFormat().render(report))
    assert list(document) == ["version", "summary", "diagnostics"]
    keys = {tuple(diagnostic) for diagnostic in document["diagnostics"]}
    assert keys == {("code", "severity", "title", "message", "path", "line", "column", "entity", "hint", "properties")}


def test_text_orjson_refuses_is_written_as_the_standard_library_writes_it() -> None:
    from charter.model.diagnostics import Diagnostic, Severity

    lone = Diagnostic("SCH001", Severity.ERROR, "a lone surrogate \ud800 and a control \x01 character")
    report = DiagnosticReport((lone,), Path("."))

    rendered = JsonFormat().render(report)

    assert json.loads(rendered)["diagnostics"][0]["message"] == lone.message
    assert rendered == json.dumps(json.loads(rendered), indent=2, ensure_ascii=False) + "\n"
