"""`charter rules`' views: every diagnostic code with its declaration, one code's whole
documentation, and the checks Standard rules may use. The lists are JSON arrays, as they always
were (root models)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, RootModel

from charter.outputs.views.base import ReportView, View


class RuleEntry(View):
    code: str
    severity: str  # the default severity: error | warning | info
    title: str
    rationale: str
    fix: str
    area: str
    example: str  # a short snippet of a file (or a command) that triggers the code


class RulesReport(RootModel[list[RuleEntry]], ReportView):
    report: ClassVar[str] = "rules"


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


class StandardChecksReport(RootModel[list[StandardCheckEntry]], ReportView):
    report: ClassVar[str] = "rules-checks"  # `charter rules --checks`
