"""Each report's layout: how its view model reads as headings, tables and paragraphs, one module
per report. A layout is registered here by the report's name (`ReportView.report`), as the
module path and function to load, so a text format loads only the layout it renders."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from charter.outputs.document import Document
from charter.outputs.views.base import ReportView

LAYOUTS: dict[str, str] = {
    "scorecard": "charter.outputs.reports.scorecard:scorecard_document",
    "delivery": "charter.outputs.reports.delivery:delivery_document",
    "delivery-explain": "charter.outputs.reports.delivery:explanation_document",
    "codehealth": "charter.outputs.reports.codehealth:codehealth_document",
    "security": "charter.outputs.reports.security:security_document",
    "risks": "charter.outputs.reports.risks:risks_document",
    "controls": "charter.outputs.reports.controls:controls_document",
    "slo-status": "charter.outputs.reports.slo_status:slo_status_document",
    "incidents": "charter.outputs.reports.incidents:incidents_document",
    "rules": "charter.outputs.reports.rules:rules_document",
    "rule": "charter.outputs.reports.rules:rule_document",
    "rules-checks": "charter.outputs.reports.rules:standard_checks_document",
    "metrics": "charter.outputs.reports.metrics:metrics_document",
    "plan": "charter.outputs.reports.plan:plan_document",
    "strategy-report": "charter.outputs.reports.strategy:strategy_document",
    "escalations": "charter.outputs.reports.escalations:escalations_document",
    "assess": "charter.outputs.reports.assess:assess_document",
    "assess-explain": "charter.outputs.reports.assess:explanation_document",
    "targets": "charter.outputs.reports.targets:targets_document",
    "review": "charter.outputs.reports.review:review_document",
    "tokens": "charter.outputs.reports.tokens:tokens_document",
    "audit-log": "charter.outputs.reports.tokens:audit_document",
    "overview": "charter.outputs.reports.overview:overview_document",
    "components": "charter.outputs.reports.tokens:components_document",
    "webhooks": "charter.outputs.reports.webhooks:webhooks_document",
}


def document_of(view: ReportView) -> Document:
    """The view laid out as a Document, by the layout registered for its report."""
    try:
        module_name, function_name = LAYOUTS[view.report].split(":")
    except KeyError:
        raise LookupError(f"no layout is registered for the report {view.report!r}") from None
    layout: Any = getattr(import_module(module_name), function_name)
    document: Document = layout(view)
    return document
