"""The report every format renders: its counts and which diagnostics fail the gate."""

from __future__ import annotations

import dataclasses

import pytest

from charter.model.diagnostics import Diagnostic, Severity
from charter.outputs.interface import DiagnosticCounts, DiagnosticReport


def test_report_counts_diagnostics_by_severity(report: DiagnosticReport) -> None:
    assert report.counts == DiagnosticCounts(errors=2, warnings=2, info=1)
    assert report.counts.total == 5


@pytest.mark.parametrize(
    ("counts", "text"),
    [
        (DiagnosticCounts(), "0 errors, 0 warnings, 0 info"),
        (DiagnosticCounts(1, 1, 1), "1 error, 1 warning, 1 info"),
        (DiagnosticCounts(2, 3, 4), "2 errors, 3 warnings, 4 info"),
    ],
)
def test_counts_read_as_a_summary_line(counts: DiagnosticCounts, text: str) -> None:
    assert str(counts) == text


@pytest.mark.parametrize(
    ("fail_on", "failing"),
    [
        (Severity.ERROR, {Severity.ERROR}),
        (Severity.WARNING, {Severity.ERROR, Severity.WARNING}),
        (Severity.INFO, {Severity.ERROR, Severity.WARNING, Severity.INFO}),
        (Severity.OFF, set()),
    ],
)
def test_report_fails_diagnostics_at_or_above_its_threshold(
    report: DiagnosticReport, fail_on: Severity, failing: set[Severity]
) -> None:
    gated = dataclasses.replace(report, fail_on=fail_on)
    assert {d.severity for d in gated.diagnostics if gated.fails(d)} == failing


def test_report_is_frozen(report: DiagnosticReport) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.version = "2"  # type: ignore[misc]


def test_title_comes_from_the_declarations_given_and_falls_back_to_the_code(report: DiagnosticReport) -> None:
    assert report.title("SCH001") == "YAML syntax error"
    assert report.title("XYZ999") == "XYZ999"
    assert dataclasses.replace(report, rules={}).title("SCH001") == "SCH001"


def test_failed_when_any_diagnostic_meets_the_gate(report: DiagnosticReport) -> None:
    assert report.failed
    assert not dataclasses.replace(report, fail_on=Severity.OFF).failed
    only_info = dataclasses.replace(report, diagnostics=(Diagnostic("SCH009", Severity.INFO, "m"),))
    assert not only_info.failed
