"""The default `check` output: one line per diagnostic as linters print it, grouped by file, hints
beneath, counts last; colour only when asked for."""

from __future__ import annotations

import io

from charter.cli.options import colour_wanted
from charter.outputs.interface import DiagnosticReport
from charter.outputs.text import TextFormat

EXPECTED = """\
SCH009 Kind Template is kept without checks [bold]as is[/bold] (info)

../shared/teams.yaml: REF004 Owner “Zoë’s team” lives outside the repository — résumé ✓ (warning)
    hint: Move the file into the repository.

catalog/broken.yaml:3:5: SCH001 mapping values are not allowed here
    hint: Indent the value under its key.

catalog/orders.yaml:12:1: REF001 dependsOn "resource:db|primary" <missing> & not declared
    hint: Declare it, or fix the | reference.

services/payments service.yaml:40:7: REL003 Tier-1 service has no runbook see the on-call guide (warning)

Found 2 errors, 2 warnings, 1 info in 4 files.
"""


def test_one_line_per_diagnostic_grouped_by_file_with_the_summary_last(report: DiagnosticReport) -> None:
    assert TextFormat().render(report) == EXPECTED


def test_no_diagnostics_says_so(empty_report: DiagnosticReport) -> None:
    assert TextFormat().render(empty_report) == "No diagnostics.\n0 errors, 0 warnings, 0 info\n"


def test_colour_paints_the_code_by_severity_and_nothing_else_changes(report: DiagnosticReport) -> None:
    coloured = TextFormat.styled(True).render(report)
    assert "\x1b[1;31mSCH001\x1b[0m" in coloured
    assert "\x1b[33mREL003\x1b[0m" in coloured
    plain = coloured
    for escape in ("\x1b[1;31m", "\x1b[33m", "\x1b[34m", "\x1b[1m", "\x1b[2m", "\x1b[0m"):
        plain = plain.replace(escape, "")
    assert plain == EXPECTED


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_in_a_terminal_without_no_color_and_without_an_output_file(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour_wanted(None, _Terminal())
    assert not colour_wanted(None, io.StringIO())
    assert not colour_wanted(Path("out.txt"), _Terminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_wanted(None, _Terminal())
