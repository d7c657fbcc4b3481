"""Risk levels by matrix lookup (never likelihood × impact, which ranks 5×1 like 1×5), appetite,
and DESIGN.md's rule for when a risk above appetite is still acceptable."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from charter.model.base import quarter_end
from charter.model.decision import Decision
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


@dataclass(frozen=True, slots=True)
class RiskLinks:
    """Who names each risk, indexed once per Estate: the initiatives that mitigate it (either side
    may name the other) and the decisions that mention it."""

    initiatives: dict[EntityRef, list[Initiative]]
    decisions: dict[EntityRef, list[Decision]]


def link_risks(estate: Estate) -> RiskLinks:
    initiatives_by_ref = {initiative.ref: initiative for initiative in estate.initiatives}
    initiatives: dict[EntityRef, set[EntityRef]] = defaultdict(set)
    for initiative in estate.initiatives:
        for risk_ref in _refs(initiative.spec.mitigates, "risk"):
            initiatives[risk_ref].add(initiative.ref)
    for risk in estate.risks:
        for initiative_ref in _refs(risk.spec.mitigated_by, "initiative"):
            if initiative_ref in initiatives_by_ref:
                initiatives[risk.ref].add(initiative_ref)
    decisions: dict[EntityRef, list[Decision]] = defaultdict(list)
    for decision in sorted(estate.decisions.values(), key=lambda item: item.id):
        for risk_ref in _refs(decision.mentions, "risk"):
            decisions[risk_ref].append(decision)
    return RiskLinks(
        {risk: [initiatives_by_ref[ref] for ref in sorted(refs, key=str)] for risk, refs in initiatives.items()},
        dict(decisions),
    )


def acceptance(risk: Risk, links: RiskLinks, today: date) -> Acceptance | None:
    """DESIGN.md: acceptable while an accepted, unexpired decision record names the risk, or an
    initiative that mitigates it is committed to a quarter ending by the risk's `reviewBy`."""
    for decision in links.decisions.get(risk.ref, []):
        if decision.status == "accepted" and (decision.expires is None or decision.expires >= today):
            return Acceptance(decision=decision.id)
    review_by = risk.spec.review_by
    if review_by is None:
        return None
    for initiative in links.initiatives.get(risk.ref, []):
        committed = initiative.spec.committed
        if committed is not None and quarter_end(committed.quarter) <= review_by:
            return Acceptance(initiative=initiative.ref, quarter=committed.quarter)
    return None
