"""Diagnostics as JUnit XML, so CI systems show the gate's failures as failed tests."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from charter.model.diagnostics import Diagnostic
from charter.outputs.interface import DiagnosticFormat, DiagnosticReport

SUITE_NAME = "charter check"

# Characters XML 1.0 cannot hold at all, even escaped; ElementTree would write them and break parsers.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class JunitFormat(DiagnosticFormat):
    """One failing test case per diagnostic that fails the gate (see `DiagnosticReport.fail_on`);
    one passing test case when none does, so CI shows that the gate ran."""

    name = "junit"

    def render(self, report: DiagnosticReport) -> str:
        failing = [diagnostic for diagnostic in report.diagnostics if report.fails(diagnostic)]
        counts = {"tests": str(max(len(failing), 1)), "failures": str(len(failing)), "errors": "0"}
        suites = ET.Element("testsuites", {"name": "charter", **counts})
        suite = ET.SubElement(suites, "testsuite", {"name": SUITE_NAME, **counts, "skipped": "0"})
        for diagnostic in failing:
            _add_failure(suite, diagnostic, report.title(diagnostic.code))
        if not failing:
            ET.SubElement(suite, "testcase", {"classname": "charter", "name": SUITE_NAME})
        ET.indent(suites)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _add_failure(suite: ET.Element, diagnostic: Diagnostic, title: str) -> None:
    location = diagnostic.location
    where = str(location) if location else diagnostic.entity or "repository"
    case = ET.SubElement(
        suite,
        "testcase",
        {"classname": f"charter.{diagnostic.code}", "name": _xml_text(f"{where}: {diagnostic.message}")},
    )
    if location:
        case.set("file", _xml_text(location.path))
        if location.line:
            case.set("line", str(location.line))
    failure = ET.SubElement(case, "failure", {"message": _xml_text(diagnostic.message), "type": diagnostic.code})
    details = [f"{diagnostic.code} {title} ({diagnostic.severity.value})"]
    if location:
        details.append(f"at {location}")
    if diagnostic.entity:
        details.append(f"entity: {diagnostic.entity}")
    details.append(diagnostic.message)
    if diagnostic.hint:
        details.append(f"hint: {diagnostic.hint}")
    failure.text = _xml_text("\n".join(details))


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
