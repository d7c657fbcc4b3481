"""The JUnit format: the whole output, parsed counts, the threshold and XML-unsafe text."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest

from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.outputs.interface import DiagnosticReport
from charter.outputs.junit import JunitFormat

EXPECTED = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="charter" tests="2" failures="2" errors="0">
  <testsuite name="charter check" tests="2" failures="2" errors="0" skipped="0">
    <testcase classname="charter.SCH001" name="catalog/broken.yaml:3:5: mapping values are not allowed here" file="catalog/broken.yaml" line="3">
      <failure message="mapping values are not allowed here" type="SCH001">SCH001 YAML syntax error (error)
at catalog/broken.yaml:3:5
mapping values are not allowed here
hint: Indent the value under its key.</failure>
    </testcase>
    <testcase classname="charter.REF001" name="catalog/orders.yaml:12:1: dependsOn &quot;resource:db|primary&quot; &lt;missing&gt; &amp; not declared" file="catalog/orders.yaml" line="12">
      <failure message="dependsOn &quot;resource:db|primary&quot; &lt;missing&gt; &amp; not declared" type="REF001">REF001 Dangling reference (error)
at catalog/orders.yaml:12:1
entity: component:default/orders
dependsOn "resource:db|primary" &lt;missing&gt; &amp; not declared
hint: Declare it, or fix the | reference.</failure>
    </testcase>
  </testsuite>
</testsuites>
"""  # noqa: E501

EXPECTED_EMPTY = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="charter" tests="1" failures="0" errors="0">
  <testsuite name="charter check" tests="1" failures="0" errors="0" skipped="0">
    <testcase classname="charter" name="charter check" />
  </testsuite>
</testsuites>
"""


def test_junit_fails_one_test_case_per_error(report: DiagnosticReport) -> None:
    assert JunitFormat().render(report) == EXPECTED


def test_junit_of_no_diagnostics_has_one_passing_test_case(empty_report: DiagnosticReport) -> None:
    assert JunitFormat().render(empty_report) == EXPECTED_EMPTY


@pytest.mark.parametrize(
    ("fail_on", "failures"),
    [(Severity.ERROR, 2), (Severity.WARNING, 4), (Severity.INFO, 5), (Severity.OFF, 0)],
)
def test_junit_counts_match_the_threshold(report: DiagnosticReport, fail_on: Severity, failures: int) -> None:
    output = JunitFormat().render(dataclasses.replace(report, fail_on=fail_on))
    suites = ET.fromstring(output)
    (suite,) = suites.findall("testsuite")
    cases = suite.findall("testcase")
    assert suite.get("name") == "charter check"
    assert len(cases) == max(failures, 1)
    assert len(suite.findall("testcase/failure")) == failures
    for element in (suites, suite):
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(failures)
    if not failures:
        assert cases[0].get("name") == "charter check"


def test_junit_failure_names_the_code_and_keeps_special_characters(report: DiagnosticReport) -> None:
    suite = ET.fromstring(JunitFormat().render(report)).find("testsuite")
    assert suite is not None
    failure = suite.findall("testcase/failure")[1]
    assert failure.get("type") == "REF001"
    assert failure.get("message") == 'dependsOn "resource:db|primary" <missing> & not declared'


def test_junit_replaces_characters_xml_cannot_hold(report: DiagnosticReport) -> None:
    diagnostic = Diagnostic("SCH005", Severity.ERROR, "bytes \x00\x1b[31m in file", Location("bin.yaml", 1))
    output = JunitFormat().render(dataclasses.replace(report, diagnostics=(diagnostic,)))
    failure = ET.fromstring(output).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "bytes \ufffd\ufffd[31m in file"
