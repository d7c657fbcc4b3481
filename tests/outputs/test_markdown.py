"""The Markdown format: the whole output, with pipes and HTML escaped inside table cells."""

from __future__ import annotations

import pytest

from charter.outputs.interface import DiagnosticReport
from charter.outputs.markdown import MarkdownFormat, escape

EXPECTED = """\
**2 errors, 2 warnings, 1 info** (charter 1.2.3)

| Location | Severity | Code | Message | Entity | Hint |
| --- | --- | --- | --- | --- | --- |
|  | info | SCH009 | Kind Template is kept without checks [bold]as is[/bold] | template:default/new-service |  |
| ../shared/teams.yaml | warning | REF004 | Owner “Zoë’s team” lives outside the repository — résumé ✓ | group:default/zoë | Move the file into the repository. |
| catalog/broken.yaml:3:5 | error | SCH001 | mapping values are not allowed here |  | Indent the value under its key. |
| catalog/orders.yaml:12:1 | error | REF001 | dependsOn "resource:db\\|primary" &lt;missing&gt; &amp; not declared | component:default/orders | Declare it, or fix the \\| reference. |
| services/payments service.yaml:40:7 | warning | REL003 | Tier-1 service has no runbook<br>see the on-call guide | component:default/payments |  |
"""  # noqa: E501

EXPECTED_EMPTY = """\
**0 errors, 0 warnings, 0 info** (charter 1.2.3)

No diagnostics.
"""


def test_markdown_renders_a_summary_and_a_table(report: DiagnosticReport) -> None:
    assert MarkdownFormat().render(report) == EXPECTED


def test_markdown_of_no_diagnostics_has_no_table(empty_report: DiagnosticReport) -> None:
    assert MarkdownFormat().render(empty_report) == EXPECTED_EMPTY


def test_every_markdown_row_has_six_cells(report: DiagnosticReport) -> None:
    rows = [line for line in MarkdownFormat().render(report).splitlines() if line.startswith("|")]
    assert len(rows) == 2 + len(report.diagnostics)
    for row in rows:
        assert len(row.replace("\\|", "").split("|")) == 8


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("a|b", "a\\|b"),
        ("<br> & co", "&lt;br&gt; &amp; co"),
        ("one\ntwo", "one<br>two"),
        ("back\\slash|", "back\\\\slash\\|"),
        ("`code` stays", "`code` stays"),
        ("", ""),
    ],
)
def test_escape_makes_text_safe_in_a_table_cell(text: str, cell: str) -> None:
    assert escape(text) == cell
