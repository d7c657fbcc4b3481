"""The risk register as `charter risks` shows it: every risk with its inherent, residual and target
levels (matrix lookup, analysis/risk/matrix.py), sorted by residual level; the 5x5 heat map of open risks;
overdue reviews; risks above appetite and whether that is acceptable (DESIGN.md's rule, the one
RSK005 uses); risks whose mitigating initiatives are not committed to a quarter; risks with no owner
or treatment; and what changed since the register of the last snapshot."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from charter.analysis.risk import matrix as risk_analysis
from charter.model.estate import Estate
from charter.model.kinds import Assessment, Risk
from charter.model.organization import RiskMatrix
from charter.model.risk_states import PreviousRegister, RiskState

SCALE = (1, 2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class Mitigation:
    initiative: str
    quarter: str | None  # the quarter it is committed to; None: not committed


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    risk: Risk
    levels: risk_analysis.RiskLevels
    appetite: str | None
    above_appetite: bool | None  # None: the category has no appetite
    acceptance: risk_analysis.Acceptance | None
    review_overdue: bool
    mitigations: tuple[Mitigation, ...]

    @property
    def name(self) -> str:
        return self.risk.ref.short

    @property
    def residual(self) -> Assessment:
        return self.risk.spec.current

    @property
    def is_open(self) -> bool:
        return self.risk.spec.status != "closed"

    @property
    def unacceptable(self) -> bool:
        """Above appetite with neither an accepting decision nor a mitigation committed in time."""
        return bool(self.above_appetite) and self.acceptance is None

    @property
    def mitigation_uncommitted(self) -> bool:
        """It names mitigating initiatives and none of them is committed to a quarter."""
        return bool(self.mitigations) and all(item.quarter is None for item in self.mitigations)


@dataclass(frozen=True, slots=True)
class HeatCell:
    likelihood: int
    impact: int
    level: str
    count: int


@dataclass(frozen=True, slots=True)
class RegisterChanges:
    since: PreviousRegister
    new: tuple[str, ...]
    closed: tuple[str, ...]
    level_changes: tuple[tuple[str, str, str], ...]  # (risk, level then, level now)


@dataclass(frozen=True, slots=True)
class RiskRegister:
    as_of: date
    levels: tuple[str, ...]  # the matrix's levels, lowest first
    entries: tuple[RegisterEntry, ...]  # highest residual first
    heat_map: tuple[tuple[HeatCell, ...], ...]  # [likelihood - 1][impact - 1], open risks
    changes: RegisterChanges | None

    def _open(self) -> tuple[RegisterEntry, ...]:
        return tuple(entry for entry in self.entries if entry.is_open)

    @property
    def overdue(self) -> tuple[RegisterEntry, ...]:
        return tuple(entry for entry in self._open() if entry.review_overdue)

    @property
    def above_appetite(self) -> tuple[RegisterEntry, ...]:
        return tuple(entry for entry in self._open() if entry.above_appetite)

    @property
    def uncommitted(self) -> tuple[RegisterEntry, ...]:
        return tuple(entry for entry in self._open() if entry.mitigation_uncommitted)

    @property
    def no_owner(self) -> tuple[RegisterEntry, ...]:
        return tuple(entry for entry in self.entries if not (entry.risk.spec.owner or "").strip())

    @property
    def no_treatment(self) -> tuple[RegisterEntry, ...]:
        return tuple(entry for entry in self.entries if entry.risk.spec.treatment is None)


def build_register(estate: Estate, today: date, previous: PreviousRegister | None = None) -> RiskRegister:
    organization = estate.organization
    matrix = organization.spec.risk_matrix if organization else RiskMatrix()
    appetite = organization.spec.risk_appetite if organization else {}
    links = risk_analysis.link_risks(estate)
    entries = []
    for risk in estate.risks:
        spec = risk.spec
        above = risk_analysis.above_appetite(risk, matrix, appetite)
        mitigations = tuple(
            Mitigation(item.ref.short, item.spec.committed.quarter if item.spec.committed else None)
            for item in links.initiatives.get(risk.ref, [])
        )
        entries.append(
            RegisterEntry(
                risk,
                risk_analysis.levels(risk, matrix),
                appetite.get(spec.category),
                above,
                risk_analysis.acceptance(risk, links, today) if above else None,
                spec.status != "closed" and spec.review_by is not None and spec.review_by < today,
                mitigations,
            )
        )
    entries.sort(key=lambda entry: _severity_key(entry, matrix))
    register_entries = tuple(entries)
    return RiskRegister(
        today,
        tuple(matrix.levels),
        register_entries,
        heat_map(register_entries, matrix),
        compare(previous, register_entries) if previous is not None else None,
    )


def _severity_key(entry: RegisterEntry, matrix: RiskMatrix) -> tuple[int, int, int, str]:
    """Highest residual level first (matrix rank), then higher impact, then higher likelihood."""
    residual = entry.residual
    return (-matrix.rank(entry.levels.residual), -residual.impact, -residual.likelihood, entry.name)


def heat_map(entries: tuple[RegisterEntry, ...], matrix: RiskMatrix) -> tuple[tuple[HeatCell, ...], ...]:
    """Counts of open risks by current residual likelihood and impact, each cell with its level."""
    counts = Counter((entry.residual.likelihood, entry.residual.impact) for entry in entries if entry.is_open)
    return tuple(
        tuple(
            HeatCell(likelihood, impact, matrix.level(likelihood, impact), counts[(likelihood, impact)])
            for impact in SCALE
        )
        for likelihood in SCALE
    )


def register_states(register: RiskRegister) -> list[RiskState]:
    """What a snapshot stores of this register."""
    return [RiskState(entry.name, entry.levels.residual, entry.risk.spec.status) for entry in register.entries]


def compare(previous: PreviousRegister, entries: tuple[RegisterEntry, ...]) -> RegisterChanges:
    """New risks (open now, absent then), closures (open then, closed or gone now), level changes."""
    now = {entry.name: entry for entry in entries}
    then = previous.states
    new = sorted(name for name, entry in now.items() if entry.is_open and name not in then)
    closed = sorted(
        name for name, state in then.items() if state.status != "closed" and (name not in now or not now[name].is_open)
    )
    changes = sorted(
        (name, then[name].level, entry.levels.residual)
        for name, entry in now.items()
        if entry.is_open
        and name in then
        and then[name].status != "closed"
        and then[name].level != entry.levels.residual
    )
    return RegisterChanges(previous, tuple(new), tuple(closed), tuple(changes))
