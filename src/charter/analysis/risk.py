"""Risk levels by matrix lookup (never likelihood × impact, which ranks 5×1 like 1×5), appetite,
and DESIGN.md's rule for when a risk above appetite is still acceptable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from charter.model.base import quarter_end
from charter.model.estate import Estate
from charter.model.kinds import Assessment, Initiative, Risk
from charter.model.organization import RiskMatrix
from charter.model.refs import EntityRef, ReferenceError_, parse_ref


@dataclass(frozen=True, slots=True)
class RiskLevels:
    inherent: str
    residual: str
    target: str | None


def levels(risk: Risk, matrix: RiskMatrix) -> RiskLevels:
    spec = risk.spec
    target = spec.target_residual
    return RiskLevels(
        inherent=matrix.level(spec.likelihood, spec.impact),
        residual=_level(spec.current, matrix),
        target=_level(target, matrix) if target else None,
    )


def _level(assessment: Assessment, matrix: RiskMatrix) -> str:
    return matrix.level(assessment.likelihood, assessment.impact)


def above_appetite(risk: Risk, matrix: RiskMatrix, appetite: dict[str, str]) -> bool | None:
    """Whether the current residual level exceeds the category's appetite; None when the
    category has no appetite."""
    limit = appetite.get(risk.spec.category)
    if limit is None:
        return None
    return matrix.rank(_level(risk.spec.current, matrix)) > matrix.rank(limit)


@dataclass(frozen=True, slots=True)
class Acceptance:
    """Why a risk above appetite is acceptable for now: a decision or a committed initiative."""

    decision: str | None = None
    initiative: EntityRef | None = None
    quarter: str | None = None


def _refs(texts: list[str] | tuple[str, ...], default_kind: str) -> set[EntityRef]:
    refs = set()
    for text in texts:
        try:
            refs.add(parse_ref(text, default_kind=default_kind))
        except ReferenceError_:
            continue
    return refs


def mitigating_initiatives(risk: Risk, estate: Estate) -> list[Initiative]:
    """Initiatives that name the risk in `mitigates`, or that the risk names in `mitigatedBy`."""
    named = _refs(risk.spec.mitigated_by, "initiative")
    found = [
        initiative
        for initiative in estate.initiatives
        if initiative.ref in named or risk.ref in _refs(initiative.spec.mitigates, "risk")
    ]
    return sorted(found, key=lambda item: str(item.ref))


def acceptance(risk: Risk, estate: Estate, today: date) -> Acceptance | None:
    """DESIGN.md: acceptable while an accepted, unexpired decision record names the risk, or an
    initiative that mitigates it is committed to a quarter ending by the risk's `reviewBy`."""
    for decision in sorted(estate.decisions.values(), key=lambda item: item.id):
        if decision.status != "accepted" or (decision.expires is not None and decision.expires < today):
            continue
        if risk.ref in _refs(decision.mentions, "risk"):
            return Acceptance(decision=decision.id)
    review_by = risk.spec.review_by
    if review_by is None:
        return None
    for initiative in mitigating_initiatives(risk, estate):
        committed = initiative.spec.committed
        if committed is not None and quarter_end(committed.quarter) <= review_by:
            return Acceptance(initiative=initiative.ref, quarter=committed.quarter)
    return None
