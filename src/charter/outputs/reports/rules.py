"""`charter rules` laid out: every code as one table, one code's documentation as a page (title,
area and severity, why, how to fix, an example), and the standard checks as one table."""

from __future__ import annotations

from charter.outputs.document import MARKDOWN, TERMINAL, CsvTable, Document, Heading, Paragraph, only
from charter.outputs.reports.listing import listing_document
from charter.outputs.views.rules import RuleDocumentation, RulesReport, StandardChecksReport


def rules_document(view: RulesReport) -> Document:
    rows = [[rule.code, rule.severity, rule.title, rule.rationale, rule.fix] for rule in view.root]
    return listing_document("Diagnostic codes", ["code", "severity", "title", "rationale", "fix"], rows, ["rationale"])


def rule_document(view: RuleDocumentation) -> Document:
    indented = "\n".join(f"    {line}" for line in view.example.splitlines())
    return Document(
        [
            Heading(f"{view.code}: {view.title}"),
            Paragraph(f"Area: {view.area}. Default severity: {view.severity}."),
            Heading("Why it matters", level=2),
            Paragraph(view.rationale),
            Heading("How to fix it", level=2),
            Paragraph(view.fix),
            Heading("Example", level=2),
            Paragraph(indented, only=only(TERMINAL)),
            Paragraph(f"```\n{view.example.rstrip()}\n```", only=only(MARKDOWN)),
        ],
        CsvTable(
            ["code", "area", "severity", "title", "rationale", "fix", "example"],
            [[view.code, view.area, view.severity, view.title, view.rationale, view.fix, view.example]],
        ),
        100,
    )


def standard_checks_document(view: StandardChecksReport) -> Document:
    rows = [[check.check, check.description, check.with_] for check in view.root]
    return listing_document("Standard checks", ["check", "description", "with"], rows)
