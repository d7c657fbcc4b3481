"""`--format github` (workflow commands, escaped as actions/toolkit escapes them) and `--format
gitlab` (Code Quality JSON with unique fingerprints), both with paths from the CI workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.outputs.github import GithubFormat
from charter.outputs.gitlab import GitlabFormat
from charter.outputs.interface import DiagnosticReport


def test_github_commands_carry_file_line_col_and_title_escaped(
    report: DiagnosticReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", "/elsewhere")
    lines = GithubFormat().render(report).splitlines()
    assert lines[0] == (
        "::notice title=SCH009 Kind kept without checks::Kind Template is kept without checks [bold]as is[/bold]"
    )
    assert lines[2] == (
        "::error file=catalog/broken.yaml,line=3,col=5,title=SCH001 YAML syntax error"
        "::mapping values are not allowed here%0AIndent the value under its key."
    )
    assert lines[4] == (
        "::warning file=services/payments service.yaml,line=40,col=7,title=REL003 Tier-1 service without runbook"
        "::Tier-1 service has no runbook%0Asee the on-call guide"
    )
    assert lines[-1] == "charter: 2 errors, 2 warnings, 1 info"


def test_github_escapes_percent_newlines_and_property_separators(tmp_path: Path) -> None:
    tricky = Diagnostic("REF001", Severity.ERROR, "100% broken\r\nreally", Location("a,b:c.yaml", 2, 1))
    text = GithubFormat().render(DiagnosticReport((tricky,), root=tmp_path))
    expected = "::error file=a%2Cb%3Ac.yaml,line=2,col=1,title=REF001 REF001::100%25 broken%0D%0Areally"
    assert text.splitlines()[0] == expected


def test_paths_are_from_the_workspace_root_when_the_strategy_is_a_folder_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    strategy = tmp_path / "strategy"
    strategy.mkdir()
    item = Diagnostic("SCH001", Severity.ERROR, "bad", Location("catalog/x.yaml", 1, 1))
    report = DiagnosticReport((item,), root=strategy)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    monkeypatch.setenv("CI_PROJECT_DIR", str(tmp_path))
    assert "file=strategy/catalog/x.yaml," in GithubFormat().render(report)
    assert json.loads(GitlabFormat().render(report))[0]["location"]["path"] == "strategy/catalog/x.yaml"


def test_gitlab_code_quality_issues(report: DiagnosticReport, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI_PROJECT_DIR", "/elsewhere")
    issues = json.loads(GitlabFormat().render(report))
    assert [issue["check_name"] for issue in issues] == ["SCH009", "REF004", "SCH001", "REF001", "REL003"]
    assert [issue["severity"] for issue in issues] == ["info", "minor", "critical", "critical", "minor"]
    assert issues[2]["location"] == {"path": "catalog/broken.yaml", "lines": {"begin": 3}}
    assert issues[0]["location"] == {"path": "charter.yaml", "lines": {"begin": 1}}
    assert issues[2]["description"] == "mapping values are not allowed here (Indent the value under its key.)"
    assert set(issues[0]) == {"description", "check_name", "fingerprint", "severity", "location"}


def test_gitlab_fingerprints_are_unique_and_survive_line_moves(tmp_path: Path) -> None:
    same = Diagnostic("REL002", Severity.ERROR, "no on-call", Location("c.yaml", 3, 1), entity="component:a")
    moved = Diagnostic("REL002", Severity.ERROR, "no on-call", Location("c.yaml", 9, 1), entity="component:a")
    twice = json.loads(GitlabFormat().render(DiagnosticReport((same, same), root=tmp_path)))
    assert twice[0]["fingerprint"] != twice[1]["fingerprint"]
    once = json.loads(GitlabFormat().render(DiagnosticReport((moved,), root=tmp_path)))
    assert once[0]["fingerprint"] == twice[0]["fingerprint"]
