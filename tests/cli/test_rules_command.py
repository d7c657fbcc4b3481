"""`charter rules` and `charter metrics` from the command line: every format, one code's page,
and exit 2 for a code that does not exist or options that exclude each other."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from charter.cli.app import app

runner = CliRunner()


@pytest.mark.parametrize("output_format", ["table", "json", "markdown", "csv"])
def test_rules_and_metrics_in_every_format(output_format: str) -> None:
    for command in (["rules"], ["rules", "--checks"], ["rules", "OWN002"], ["metrics"]):
        result = runner.invoke(app, [*command, "--format", output_format])
        assert result.exit_code == 0, result.output
        assert result.output.strip()


def test_markdown_lists_keep_their_columns() -> None:
    lines = runner.invoke(app, ["rules", "--format", "markdown"]).output.splitlines()
    assert lines[:2] == ["| code | severity | title | rationale | fix |", "|---|---|---|---|---|"]
    assert lines[2].startswith("| SCH001 | error | YAML syntax error | ")


def test_one_code_shows_why_how_and_an_example() -> None:
    result = runner.invoke(app, ["rules", "REL011", "--format", "markdown"])
    assert result.exit_code == 0
    text = result.output
    assert text.startswith("# REL011: SLI query without {{.window}}\n")
    assert "## Why it matters" in text and "## How to fix it" in text and "## Example\n\n```\n# slos/" in text


def test_an_unknown_code_is_exit_2_with_suggestions() -> None:
    result = runner.invoke(app, ["rules", "OWN02"])
    assert result.exit_code == 2
    assert "did you mean OWN002" in result.output and "Traceback" not in result.output


def test_checks_and_a_code_exclude_each_other() -> None:
    result = runner.invoke(app, ["rules", "OWN002", "--checks"])
    assert result.exit_code == 2 and "--checks" in result.output
