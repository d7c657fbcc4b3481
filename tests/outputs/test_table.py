"""The table format: the whole plain-text output at a fixed width."""

from __future__ import annotations

from charter.outputs.interface import DiagnosticReport
from charter.outputs.table import TableFormat

EXPECTED = """\
Location             Severity   Code     Message             Entity               Hint
────────────────────────────────────────────────────────────────────────────────────────────────────
                     info       SCH009   Kind Template is    template:default/n
                                         kept without        ew-service
                                         checks [bold]as
                                         is[/bold]
../shared/teams.ya   warning    REF004   Owner “Zoë’s        group:default/zoë    Move the file into
ml                                       team” lives                              the repository.
                                         outside the
                                         repository —
                                         résumé ✓
catalog/broken.yam   error      SCH001   mapping values                           Indent the value
l:3:5                                    are not allowed                          under its key.
                                         here
catalog/orders.yam   error      REF001   dependsOn           component:default/   Declare it, or fix
l:12:1                                   "resource:db|prim   orders               the | reference.
                                         ary" <missing> &
                                         not declared
services/payments    warning    REL003   Tier-1 service      component:default/
service.yaml:40:7                        has no runbook      payments
                                         see the on-call
                                         guide
2 errors, 2 warnings, 1 info
"""

EXPECTED_EMPTY = """\
No diagnostics.
0 errors, 0 warnings, 0 info
"""


def strip_trailing_spaces(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n"))


def test_table_renders_every_diagnostic_and_the_summary(report: DiagnosticReport) -> None:
    assert strip_trailing_spaces(TableFormat(width=100).render(report)) == EXPECTED


def test_table_of_no_diagnostics_says_so(empty_report: DiagnosticReport) -> None:
    assert strip_trailing_spaces(TableFormat(width=100).render(empty_report)) == EXPECTED_EMPTY


def test_table_shows_rich_markup_in_messages_as_text(report: DiagnosticReport) -> None:
    assert "[bold]as" in TableFormat(width=100).render(report)


def test_coloured_table_keeps_ansi_styles(report: DiagnosticReport) -> None:
    output = TableFormat(width=100, color=True).render(report)
    assert "\x1b[" in output
    assert "2 errors, 2 warnings, 1 info" in output
