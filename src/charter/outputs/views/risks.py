"""`charter risks`' view: the register by residual level with each risk's levels, appetite and
mitigations, the heat map of open risks, the lists that need attention, and what changed since the
register the last snapshot recorded."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from charter.outputs.views.base import IsoDate, IsoDateTime, ReportView, View


class RiskLevel(View):
    """A likelihood and impact (1..5 each) and the matrix's level for them."""

    likelihood: int
    impact: int
    level: str


class Mitigation(View):
    initiative: str
    committed: str | None  # the quarter it is committed to; None: not committed


class RegisterEntry(View):
    risk: str
    title: str
    category: str
    owner: str | None
    treatment: str | None
    status: str
    inherent: RiskLevel
    residual: RiskLevel  # now, with the controls in place
    target_residual: RiskLevel | None  # once the mitigation is done
    appetite: str | None  # the highest residual level accepted for the category
    above_appetite: bool | None  # None: the category has no appetite
    acceptable: bool | None  # above appetite and still acceptable; None when not above it
    acceptance: str | None  # why it is acceptable, or why not, when above appetite
    review_by: IsoDate | None
    review_overdue: bool
    mitigated_by: list[Mitigation]


class HeatCell(View):
    likelihood: int
    impact: int
    level: str
    count: int  # open risks with this current residual likelihood and impact


class AboveAppetite(View):
    risk: str
    acceptable: bool
    why: str


class LevelChange(View):
    risk: str
    previous: str = Field(alias="from")
    to: str


class RegisterChanges(View):
    """What changed since the register of an earlier snapshot."""

    snapshot: int
    taken_at: IsoDateTime
    new: list[str]
    closed: list[str]
    level_changes: list[LevelChange]


class RiskRegisterReport(ReportView):
    report: ClassVar[str] = "risks"

    as_of: IsoDate
    levels: list[str]  # the matrix's levels, lowest first
    risks: list[RegisterEntry]  # highest residual first
    heat_map: list[HeatCell]  # by likelihood, then impact
    overdue_reviews: list[str]
    above_appetite: list[AboveAppetite]
    mitigation_not_committed: list[str]
    no_owner: list[str]
    no_treatment: list[str]
    since_last_snapshot: RegisterChanges | None  # None: no snapshot has recorded the register
