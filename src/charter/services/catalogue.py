"""`charter rules` and `charter metrics`: the catalogue of diagnostic codes (all of them, or one
code's whole documentation), the checks Standard rules may use, and the metric registry. They
read no repository, so they take no Context."""

from __future__ import annotations

from charter.analysis.checks.standards import CHECKS
from charter.analysis.metrics import METRICS
from charter.model.codes import Rule
from charter.model.errors import NotFound
from charter.outputs.views.metrics import MetricEntry, MetricsReport
from charter.outputs.views.rules import (
    RuleDocumentation,
    RuleEntry,
    RulesReport,
    StandardCheckEntry,
    StandardChecksReport,
)
from charter.services.code_registry import code_catalogue


def _entry(rule: Rule) -> RuleEntry:
    return RuleEntry(
        code=rule.code,
        severity=rule.severity.value,
        title=rule.title,
        rationale=rule.rationale,
        fix=rule.fix,
        area=rule.area,
        example=rule.example,
    )


def rules_report() -> RulesReport:
    """Every declared code, by area."""
    return RulesReport([_entry(rule) for rule in code_catalogue()])


def rule_documentation(code: str) -> RuleDocumentation:
    """One code's whole documentation; NotFound, naming the closest codes, for a code no module
    declares."""
    catalogue = code_catalogue()
    rule = catalogue.get(code.strip().upper())
    if rule is None:
        close = catalogue.closest(code.strip())
        hint = f"did you mean {', '.join(close)}?" if close else "`charter rules` lists every code"
        raise NotFound(f"no diagnostic code {code!r}; {hint}")
    return RuleDocumentation(
        code=rule.code,
        title=rule.title,
        area=rule.area,
        severity=rule.severity.value,
        rationale=rule.rationale,
        fix=rule.fix,
        example=rule.example,
    )


def standard_checks_report() -> StandardChecksReport:
    """The checks Standard rules may use, with the arguments each requires."""
    return StandardChecksReport(
        [
            StandardCheckEntry(check=check.id, description=check.description, with_=", ".join(check.required) or "-")
            for check in CHECKS.values()
        ]
    )


def metrics_report() -> MetricsReport:
    """The metric registry: name, unit, which direction is better, scopes, meaning."""
    return MetricsReport(
        [
            MetricEntry(
                metric=metric.name,
                unit=metric.unit.value,
                direction=f"{metric.direction.value} is better",
                scopes=",".join(sorted(scope.value for scope in metric.scopes)),
                description=metric.description,
            )
            for metric in METRICS.values()
        ]
    )
