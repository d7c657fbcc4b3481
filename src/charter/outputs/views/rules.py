"""`charter rules`' views: every diagnostic code with its declaration, one code's whole
documentation, and the checks Standard rules may use. The lists are JSON arrays, as they always were."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from charter.outputs.views.base import ReportView, View


class RuleEntry(View):
    code: str
    severity: str  # the default severity: error | warning | info
    title: str
    rationale: str
    fix: str
    area: str
    example: str  # a short snippet of a file (or a command) that triggers the code


class RulesReport(ReportView):
    report: ClassVar[str] = "rules"

    rules: list[RuleEntry]

    def as_data(self) -> Any:
        return super().as_data()["rules"]


class RuleDocumentation(ReportView):
    """`charter rules CODE`."""

    report: ClassVar[str] = "rule"

    code: str
    title: str
    area: str
    severity: str
    rationale: str
    fix: str
    example: str


class StandardCheckEntry(View):
    check: str
    description: str
    with_: str = Field(alias="with")  # the arguments it requires, comma-separated, or "-"


class StandardChecksReport(ReportView):
    report: ClassVar[str] = "standard-checks"

    checks: list[StandardCheckEntry]

    def as_data(self) -> Any:
        return super().as_data()["checks"]
