"""The README's "Architecture" recipes, each done once: a new output format is one module and one
entry point; a new report is a view model, a layout and one registration."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import ClassVar

import pytest

from charter.outputs import reports
from charter.outputs.document import Document, TableBlock
from charter.outputs.report_registry import render_report, report_format_names
from charter.outputs.views.base import ReportView, View
from charter.store.database import open_store

PLUGIN_MODULE = '''
"""A third-party report format: every table of any report as tab-separated lines."""
from charter.outputs.document import TableBlock
from charter.outputs.formats.interface import ReportFormat
from charter.outputs.reports import document_of


class TabsFormat(ReportFormat):
    name = "tabs"

    def render(self, view):
        lines = []
        for block in document_of(view).blocks_for("tabs"):
            if isinstance(block, TableBlock):
                lines.append("\\t".join(column.header for column in block.columns))
                lines += ["\\t".join(row) for row in block.rows]
        return "\\n".join(lines) + "\\n"
'''


@pytest.fixture
def installed_plugin(tmp_path: Path) -> Iterator[None]:
    """A distribution installed on sys.path whose one entry point registers the format `tabs`."""
    (tmp_path / "charter_tabs.py").write_text(PLUGIN_MODULE, encoding="utf-8")
    dist_info = tmp_path / "charter_tabs-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: charter-tabs\nVersion: 1.0\n", encoding="utf-8")
    (dist_info / "entry_points.txt").write_text(
        "[charter.report_formats]\ntabs = charter_tabs:TabsFormat\n", encoding="utf-8"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("charter_tabs", None)


class Capacity(View):
    team: str
    team_weeks: float


class CapacityReport(ReportView):
    report: ClassVar[str] = "capacity-example"

    teams: list[Capacity]


def capacity_document(view: CapacityReport) -> Document:
    rows = [[item.team, f"{item.team_weeks:g}"] for item in view.teams]
    return Document([TableBlock.of(["team", "team-weeks"], rows, title="Capacity")])


@pytest.fixture
def registered_report(monkeypatch: pytest.MonkeyPatch) -> CapacityReport:
    """A new report: its view model and layout above, and one line in LAYOUTS."""
    monkeypatch.setitem(reports.LAYOUTS, CapacityReport.report, f"{__name__}:capacity_document")
    return CapacityReport(teams=[Capacity(team="payments", team_weeks=36), Capacity(team="platform", team_weeks=12.5)])


def test_a_format_is_one_module_and_one_entry_point(installed_plugin: None, registered_report: CapacityReport) -> None:
    assert "tabs" in report_format_names()
    assert render_report("tabs", registered_report) == "team\tteam-weeks\npayments\t36\nplatform\t12.5\n"


def test_a_report_is_a_view_a_layout_and_one_registration(registered_report: CapacityReport) -> None:
    assert render_report("markdown", registered_report) == (
        "## Capacity\n\n| team | team-weeks |\n|---|---|\n| payments | 36 |\n| platform | 12.5 |\n"
    )
    assert '"teamWeeks": 12.5' in render_report("json", registered_report)
    assert "payments" in render_report("table", registered_report)


CHECK_MODULE = '''
"""A new check: every risk names what it affects."""
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Severity

CODES = Codes(
    Rule(
        "RSK099",
        "Risk affects nothing",
        Severity.WARNING,
        rationale="A risk that names no component or system cannot be traced to what it threatens.",
        fix="List the components or systems under spec.affects.",
        example="kind: Risk\\nspec: {title: Outage, affects: []}",
    )
)


def check_risks_affect_something(estate, context):
    for risk in estate.risks:
        if not risk.spec.affects:
            yield CODES.diagnostic("RSK099", f"{risk.ref.short} affects nothing", entity=risk.ref.short)


RULES = (check_risks_affect_something,)
'''

RISK = """apiVersion: charter.dev/v1
kind: Risk
metadata: {name: outage}
spec:
  title: Outage
  category: reliability
  owner: group:payments
  likelihood: 2
  impact: 3
  treatment: accept
  reviewBy: 2027-06-30
"""


def test_a_check_is_one_module_and_one_registration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import import_module

    from charter.analysis.checks import check
    from charter.services.code_registry import code_catalogue
    from charter.services.context import load_context
    from charter.services.strategy_check import check_strategy
    from tests.strategy import write_repo

    (tmp_path / "plugin").mkdir()
    (tmp_path / "plugin" / "charter_risk_check.py").write_text(CHECK_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "plugin"))
    module = import_module("charter_risk_check")
    monkeypatch.setattr(check, "CHECK_MODULES", (*check.CHECK_MODULES, module))  # the one registration

    (tmp_path / "repo").mkdir()
    repo = write_repo(tmp_path / "repo", {"risks/outage.yaml": RISK})
    found = check_strategy(load_context(repo, None), date(2026, 12, 1)).diagnostics
    assert [(item.code, item.severity.value) for item in found if item.code == "RSK099"] == [("RSK099", "warning")]
    assert code_catalogue().get("RSK099") is not None  # `charter rules RSK099` documents it
    monkeypatch.delitem(sys.modules, "charter_risk_check")


SCANNER_MODULE = '''
"""A new scanner format: Bandit's JSON (`bandit -f json`), one code finding per result."""
from charter.model.finding import Finding
from charter.sources.findings.scan import FileContents, Scan
import json


def read_bandit(path):
    contents = FileContents()
    scan = Scan("Bandit", "")
    for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
        key = f"bandit:{result['test_id']}:{result['filename']}:{result['line_number']}"
        severity = result["issue_severity"].lower()
        scan.findings.append(
            Finding(key=key, scanner="Bandit", target="", severity=severity, title=result["issue_text"],
                    rule_id=result["test_id"], path=result["filename"], line=result["line_number"])
        )
    contents.scans.append(scan)
    return contents
'''

BANDIT = {
    "generated_at": "2026-11-30T10:00:00Z",
    "results": [
        {"test_id": "B602", "filename": "app/run.py", "line_number": 12, "issue_severity": "HIGH",
         "issue_text": "subprocess call with shell=True identified, security issue."},
    ],
}  # fmt: skip


def test_a_scanner_format_is_one_module_and_one_registration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import re
    from importlib import import_module

    from charter.services.context import load_context
    from charter.services.findings import read_findings
    from charter.services.imports_findings import FindingImportRequest, import_finding_files
    from charter.sources.findings import formats
    from tests.strategy import write_repo

    (tmp_path / "plugin").mkdir()
    (tmp_path / "plugin" / "charter_bandit.py").write_text(SCANNER_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "plugin"))
    bandit = formats.ScannerFormat(
        "bandit",
        import_module("charter_bandit").read_bandit,
        ((re.compile(r'"generated_at"'), re.compile(r'"test_id"')),),
    )
    monkeypatch.setattr(formats, "SCANNER_FORMATS", (*formats.SCANNER_FORMATS, bandit))  # the one registration

    (tmp_path / "repo").mkdir()
    repo = write_repo(tmp_path / "repo", {})
    scan = tmp_path / "bandit.json"
    scan.write_text(json.dumps(BANDIT), encoding="utf-8")
    monkeypatch.delenv("CHARTER_DATABASE_URL", raising=False)
    with open_store(repo) as store:
        outcome = import_finding_files(load_context(repo, store), FindingImportRequest((scan,), repository_name="app"))
        with store.engine.connect() as connection:
            found = read_findings(connection)
    assert not outcome.failed, outcome.diagnostics  # its format told from the content
    assert [(item.rule_id, item.severity, item.line) for item in found] == [("B602", "high", 12)]
    monkeypatch.delitem(sys.modules, "charter_bandit")


def test_every_scanner_format_is_offered_by_the_command_line() -> None:
    from charter.model.file_formats import FindingFormat
    from charter.sources.findings.formats import SCANNER_FORMATS

    assert sorted(item.name for item in SCANNER_FORMATS) == sorted(FindingFormat)
