"""Governance rules of the risk register: every open risk has an owner, a treatment and a review
date that has not passed (RSK001-RSK004), and a risk above its category's appetite is accepted or
has a mitigation committed in time (RSK005), which needs an appetite for the category (RSK006)."""

from __future__ import annotations

from collections.abc import Iterator

from charter.analysis.checks.context import CheckContext
from charter.analysis.risk import matrix as risk_analysis
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.estate import Estate

CODES = Codes(
    Rule(
        "RSK001",
        "Risk without owner",
        Severity.ERROR,
        rationale="A risk nobody owns is a risk nobody manages.",
        fix="Set `spec.owner` to a Group or User.",
        example="""\
# risks/single-region.yaml
spec:
  title: Primary database runs in one region
  category: reliability
  treatment: mitigate       # no owner
""",
    ),
    Rule(
        "RSK002",
        "Risk without treatment",
        Severity.ERROR,
        rationale="Every risk needs a decision: mitigate, accept, transfer or avoid.",
        fix="Set `spec.treatment`.",
        example="""\
# risks/single-region.yaml
spec:
  title: Primary database runs in one region
  owner: group:payments     # no treatment
""",
    ),
    Rule(
        "RSK003",
        "Risk without review date",
        Severity.ERROR,
        rationale="Risks change; a register without review dates goes stale unnoticed.",
        fix="Set `spec.reviewBy`.",
        example="""\
# risks/single-region.yaml
spec:
  owner: group:payments
  treatment: mitigate       # no reviewBy
""",
    ),
    Rule(
        "RSK004",
        "Risk review overdue",
        Severity.WARNING,
        rationale="The review date has passed without the risk being reviewed.",
        fix="Review the risk and move `spec.reviewBy` forward.",
        example="""\
# risks/single-region.yaml, checked on 2026-11-24
spec:
  reviewBy: 2026-06-30
""",
    ),
    Rule(
        "RSK005",
        "Risk above appetite without acceptance or funded mitigation",
        Severity.ERROR,
        rationale=(
            "Its current residual level exceeds the category's appetite, and neither an accepted, unexpired decision "
            "names it nor a mitigating initiative is committed before its review date."
        ),
        fix=(
            "Commit a mitigating initiative to a quarter ending before `reviewBy`, or record an accepted decision "
            "that names the risk."
        ),
        example="""\
# risks/single-region.yaml: critical by the matrix; charter.yaml's reliability appetite is medium
spec:
  category: reliability
  residual: {likelihood: 4, impact: 5}
  treatment: mitigate       # and no initiative mitigating it is committed before reviewBy
""",
    ),
    Rule(
        "RSK006",
        "No appetite for the risk's category",
        Severity.WARNING,
        rationale="Without an appetite, no one can say whether the risk is acceptable.",
        fix="Add the category to `spec.riskAppetite` in charter.yaml.",
        example="""\
# risks/vendor-lock-in.yaml
spec:
  category: strategic       # charter.yaml's spec.riskAppetite has no strategic
""",
    ),
)
diagnostic = CODES.diagnostic


def check_risks(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    organization = estate.organization
    if organization is None:
        return
    matrix = organization.spec.risk_matrix
    appetite = organization.spec.risk_appetite
    missing_appetite: set[str] = set()
    links = risk_analysis.link_risks(estate)
    for risk in sorted(estate.risks, key=lambda item: str(item.ref)):
        spec = risk.spec
        name = risk.ref.short

        def at(*pointer: str | int, base: Location | None = risk.location) -> Location | None:
            return base.at(*pointer) if base else None

        if not (spec.owner or "").strip():
            yield diagnostic("RSK001", f"risk {name} has no owner", at("spec"), entity=name)
        if spec.treatment is None:
            yield diagnostic("RSK002", f"risk {name} has no treatment", at("spec"), entity=name)
        if spec.status == "closed":
            continue
        if spec.review_by is None:
            yield diagnostic("RSK003", f"risk {name} has no review date", at("spec"), entity=name)
        elif spec.review_by < context.today:
            yield diagnostic(
                "RSK004",
                f"risk {name} was due for review on {spec.review_by.isoformat()}",
                at("spec", "reviewBy"),
                entity=name,
            )
        exceeds = risk_analysis.above_appetite(risk, matrix, appetite)
        if exceeds is None:
            missing_appetite.add(spec.category)
        elif exceeds and risk_analysis.acceptance(risk, links, context.today) is None:
            level = risk_analysis.levels(risk, matrix).residual
            yield diagnostic(
                "RSK005",
                f"risk {name} is {level}, above the {spec.category} appetite of {appetite[spec.category]}, "
                "with no accepted decision and no mitigation committed before its review",
                at("spec", "residual") if spec.residual else at("spec"),
                entity=name,
            )
    where = organization.location.at("spec", "riskAppetite") if organization.location else None
    for category in sorted(missing_appetite):
        yield diagnostic(
            "RSK006", f"risk appetite has no entry for category {category!r}", where, entity=f"category:{category}"
        )
