"""Security posture from findings and facts: every open finding's SSVC priority and remediation SLA,
counts by severity and priority per component (rolled up to teams and the organisation), the
overdue findings with their owners, known-exploited findings on internet-facing components, and
Scorecard gaps. Pure: the findings, facts and policies come in as arguments.

Vectorised over columns (`FindingColumns`): 200,000 findings are a few NumPy operations, and only
the findings a report lists become objects. KEV and EPSS join on the finding's vulnerability id,
which the importers make the CVE whenever the finding has one among its id and aliases."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import repeat

import numpy as np
import numpy.typing as npt

from charter.analysis.component_sources import component_key
from charter.analysis.metrics import Scope
from charter.analysis.security.components import ComponentContext
from charter.analysis.security.remediation import FindingException, FindingExceptions, Remediation
from charter.analysis.security.scope_counts import (
    UNMAPPED,
    RowFacts,
    ScopeCounts,
    component_counts,
    counts_by,
    organization_counts,
)
from charter.analysis.security.scorecard_gaps import ScorecardGaps, scorecard_gaps
from charter.analysis.security.ssvc import (
    DEPLOYER_TABLE,
    Automatable,
    Exploitation,
    Exposure,
    HumanImpact,
    Priority,
    SsvcDecision,
    automatable_of,
    decide,
)
from charter.model.finding import SEVERITY_ORDER, Finding
from charter.model.finding_columns import FindingColumns
from charter.model.organization import RemediationSla
from charter.model.refs import ReferenceError_, parse_ref
from charter.model.security_facts import EpssScore, KevEntry, ScorecardCheck

EPOCH = date(1970, 1, 1)
SECONDS_PER_DAY = 86400.0

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

_EXPLOITATIONS = list(Exploitation)
_EXPOSURES = list(Exposure)
_AUTOMATABLES = list(Automatable)
_IMPACTS = list(HumanImpact)
_PRIORITIES = list(Priority)
_KEV_RULE = len(SEVERITY_ORDER)  # rule code of the KEV deadline; severities are 0..5


def _priority_table() -> Ints:
    table = np.zeros((len(_EXPLOITATIONS), len(_EXPOSURES), len(_AUTOMATABLES), len(_IMPACTS)), dtype=np.int64)
    for (exploitation, exposure, automatable, impact), priority in DEPLOYER_TABLE.items():
        position = (
            _EXPLOITATIONS.index(exploitation),
            _EXPOSURES.index(exposure),
            _AUTOMATABLES.index(automatable),
            _IMPACTS.index(impact),
        )
        table[position] = _PRIORITIES.index(priority)
    return table


PRIORITY_TABLE = _priority_table()


@dataclass(frozen=True, slots=True)
class SecurityFacts:
    kev: Mapping[str, KevEntry]
    epss: Mapping[str, EpssScore]
    scorecard: Sequence[ScorecardCheck] = ()


@dataclass(frozen=True, slots=True)
class SecurityPolicy:
    sla: RemediationSla = field(default_factory=RemediationSla)
    epss_threshold: float = 0.1
    scorecard_minimum: Mapping[str, float] = field(default_factory=dict)
    critical_tiers: Sequence[int] = (1, 2)


@dataclass(frozen=True, slots=True)
class AssessedFinding:
    """One open finding with its component's team, SSVC decision, SLA and facts. The finding itself
    is made when asked for: its details are read then, unless the list it is in read them at once."""

    component: str | None
    team: str | None
    decision: SsvcDecision
    remediation: Remediation
    kev: KevEntry | None
    epss: float | None
    columns: FindingColumns = field(repr=False, compare=False)
    row: int = field(repr=False, compare=False)

    @property
    def finding(self) -> Finding:
        return self.columns.finding(self.row)

    @property
    def name(self) -> str:
        """The vulnerability id, else the finding key (the finding's details are not read)."""
        return self.columns.vulnerability_ids[self.row] or self.columns.keys[self.row]


@dataclass(frozen=True, slots=True)
class KevExposure:
    """A known-exploited finding open on an internet-facing component, exposed since the later of the
    day it was first seen and the day CISA listed its CVE."""

    assessed: AssessedFinding
    since: date
    days: int


@dataclass(frozen=True, slots=True)
class OverdueGroup:
    """The overdue findings of one component (of the severities asked for): how many, and the one
    most days over."""

    component: str | None
    count: int
    worst: AssessedFinding


@dataclass(frozen=True, slots=True)
class _Rows:
    """Everything known about each assessed row (indexes into the columns), to make an
    AssessedFinding of any of them on demand."""

    columns: FindingColumns
    scope_names: list[str | None]
    scope: Ints
    exploitation: Ints
    exposure: Ints
    automatable: Ints
    impact: Ints
    priority: Ints
    sla_days: Floats
    due_day: Floats
    rule: Ints
    days_over: Ints
    severity: Ints  # index in SEVERITY_ORDER
    cve: Ints  # index in kev_of_cve and epss_of_cve
    kev_of_cve: list[KevEntry | None]
    epss_of_cve: list[float | None]
    exceptions: dict[int, tuple[FindingException | None, FindingException | None]]
    contexts: Mapping[str, ComponentContext]

    def assessed_rows(self, rows: Iterable[int], with_details: bool = False) -> tuple[AssessedFinding, ...]:
        """These rows assessed; `with_details`: their details read now, in one batch."""
        listed = [int(row) for row in rows]
        if with_details:
            self.columns.fetch_details(listed)
        return tuple(self.assessed(row) for row in listed)

    def assessed(self, row: int) -> AssessedFinding:
        component = self.scope_names[int(self.scope[row])]
        context = self.contexts.get(component) if component else None
        decision = decide(
            _EXPLOITATIONS[int(self.exploitation[row])],
            _EXPOSURES[int(self.exposure[row])],
            _AUTOMATABLES[int(self.automatable[row])],
            _IMPACTS[int(self.impact[row])],
        )
        active, expired = self.exceptions.get(row, (None, None))
        return AssessedFinding(
            component,
            context.team if context else None,
            decision,
            self._remediation(row, active, expired),
            self.kev_of_cve[int(self.cve[row])],
            self.epss_of_cve[int(self.cve[row])],
            self.columns,
            row,
        )

    def _remediation(self, row: int, active: FindingException | None, expired: FindingException | None) -> Remediation:
        due = float(self.due_day[row])
        if np.isnan(due):
            return Remediation(None, None, None, 0, active, expired)
        rule_code = int(self.rule[row])
        rule = "kev" if rule_code == _KEV_RULE else SEVERITY_ORDER[rule_code]
        days = int(self.sla_days[row])
        return Remediation(days, EPOCH + timedelta(days=int(due)), rule, int(self.days_over[row]), active, expired)


@dataclass(frozen=True, slots=True)
class SecurityAssessment:
    as_of: datetime
    components: dict[str | None, ScopeCounts]  # by component key; None: findings mapped to no component
    contexts: dict[str, ComponentContext]
    overdue_count: int
    kev_exposures: tuple[KevExposure, ...]  # longest exposed first
    expired_exceptions: tuple[AssessedFinding, ...]
    unparsed_vectors: dict[str, int]  # CVSS vectors that do not parse, with how many findings have each
    gaps: ScorecardGaps
    _rows: _Rows
    _overdue_order: Ints  # rows of the overdue findings, most days over first
    _priority_order: Ints  # rows of every assessed finding, highest priority first

    def most_urgent(self, limit: int | None = None) -> tuple[AssessedFinding, ...]:
        """Open findings by SSVC priority (Act first), then most days over, then component; the first
        `limit` of them."""
        order = self._priority_order if limit is None else self._priority_order[:limit]
        return self._rows.assessed_rows(order, with_details=True)

    def overdue(self, limit: int | None = None) -> tuple[AssessedFinding, ...]:
        """The overdue findings, most days over first (then by component); the first `limit` of them."""
        order = self._overdue_order if limit is None else self._overdue_order[:limit]
        return self._rows.assessed_rows(order, with_details=True)

    def overdue_groups(self, severities: Iterable[str]) -> list[OverdueGroup]:
        """Per component (unmapped last), its overdue findings of these severities and the worst one."""
        codes = [SEVERITY_ORDER.index(name) for name in severities if name in SEVERITY_ORDER]
        order = self._overdue_order[np.isin(self._rows.severity[self._overdue_order], codes)]
        if not len(order):
            return []
        scopes = self._rows.scope[order]
        unique, first, counts = np.unique(scopes, return_index=True, return_counts=True)
        worst = self._rows.assessed_rows(order[first])
        return [
            OverdueGroup(self._rows.scope_names[int(scope)], int(count), item)
            for scope, count, item in zip(unique, counts, worst, strict=True)
        ]

    @property
    def total(self) -> ScopeCounts:
        return organization_counts(self.components)

    def by(self, scope: Scope) -> list[ScopeCounts]:
        """Counts per component or per team (others: one row for the organisation), most urgent first."""
        return counts_by(scope, self.components, self.contexts)


@lru_cache(maxsize=65536)
def _component_of(reference: str) -> str | None:
    try:
        ref = parse_ref(reference, default_kind="component")
    except ReferenceError_:
        return None
    return component_key(ref) if ref.kind == "component" else None


def _factorize(values: Sequence[Hashable]) -> tuple[Ints, list[Hashable]]:
    """Each value's index among the distinct values, and the distinct values in first-seen order."""
    index: dict[Hashable, int] = {value: position for position, value in enumerate(dict.fromkeys(values))}
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
    return codes, list(index)


def _severity_codes(severities: Sequence[str]) -> Ints:
    unknown = SEVERITY_ORDER.index("unknown")
    lookup: dict[str, int] = {name: position for position, name in enumerate(SEVERITY_ORDER)}
    codes = map(lookup.get, severities, repeat(unknown, len(severities)))
    return np.fromiter(codes, dtype=np.int64, count=len(severities))


def _epoch_day(day: date) -> int:
    return (day - EPOCH).days


def assess_security(
    findings: FindingColumns | Iterable[Finding],
    facts: SecurityFacts,
    contexts: dict[str, ComponentContext],
    policy: SecurityPolicy,
    exceptions: FindingExceptions,
    as_of: datetime,
) -> SecurityAssessment:
    """Assess every open finding as of `as_of`: closed and suppressed findings, and findings first
    seen after `as_of`, are left out, as are Scorecard results scored after it."""
    columns = findings if isinstance(findings, FindingColumns) else FindingColumns.of(findings)
    keep = ~(columns.first_seen > as_of.timestamp())
    today = _epoch_day(as_of.astimezone(UTC).date())

    # Scopes: components in name order, then findings mapped to none.
    reference_codes, references = _factorize(columns.components)
    keys = [_component_of(str(text)) if text else None for text in references]
    scope_names: list[str | None] = sorted({key for key in keys if key is not None}) + [UNMAPPED]
    position = {name: index for index, name in enumerate(scope_names)}
    scope = np.array([position[key] for key in keys], dtype=np.int64)[reference_codes]
    scoped = [contexts.get(name) if name else None for name in scope_names]
    exposure_of_scope = np.array([_EXPOSURES.index(c.exposure if c else Exposure.CONTROLLED) for c in scoped])
    impact_of_scope = np.array([_IMPACTS.index(c.human_impact if c else HumanImpact.MEDIUM) for c in scoped])
    facing_of_scope = np.array([bool(c and c.internet_facing) for c in scoped])

    # Exploitation per vulnerability id, automatable per vector.
    cve_codes, cves = _factorize(columns.vulnerability_ids)
    kev_of_cve = [facts.kev.get(str(cve)) if cve else None for cve in cves]
    epss_of_cve = [score.epss if (score := facts.epss.get(str(cve)) if cve else None) else None for cve in cves]
    kev_day_of_cve = np.array([_epoch_day(e.date_added) if e else np.nan for e in kev_of_cve], dtype=np.float64)
    exploitation_of_cve = np.array(
        [
            2 if kev else 1 if epss is not None and epss >= policy.epss_threshold else 0
            for kev, epss in zip(kev_of_cve, epss_of_cve, strict=True)
        ],
        dtype=np.int64,
    )
    vector_codes, vectors = _factorize(columns.cvss_vectors)
    readings = [automatable_of(str(vector) if vector else None) for vector in vectors]
    automatable_of_vector = np.array([_AUTOMATABLES.index(reading[0]) for reading in readings], dtype=np.int64)

    exploitation = exploitation_of_cve[cve_codes] if len(cves) else np.zeros(len(columns), dtype=np.int64)
    automatable = automatable_of_vector[vector_codes] if len(vectors) else np.zeros(len(columns), dtype=np.int64)
    exposure = exposure_of_scope[scope]
    impact = impact_of_scope[scope]
    priority = PRIORITY_TABLE[exploitation, exposure, automatable, impact]

    # Remediation SLA, in days since the epoch.
    severity = _severity_codes(columns.severities)
    sla = policy.sla
    days_of_severity = np.array([sla.critical, sla.high, sla.medium, sla.low, np.nan, np.nan], dtype=np.float64)
    seen_day = np.floor(columns.first_seen / SECONDS_PER_DAY)
    severity_days = days_of_severity[severity]
    due_by_severity = seen_day + severity_days
    kev_day = kev_day_of_cve[cve_codes] if len(cves) else np.full(len(columns), np.nan)
    due_by_kev = np.maximum(seen_day, kev_day) + sla.kev
    kev_wins = ~np.isnan(due_by_kev) & (
        np.isnan(due_by_severity)
        | (due_by_kev < due_by_severity)
        | ((due_by_kev == due_by_severity) & (sla.kev < severity_days))
    )
    due_day = np.where(kev_wins, due_by_kev, due_by_severity)
    sla_days = np.where(kev_wins, float(sla.kev), severity_days)
    rule = np.where(kev_wins, _KEV_RULE, severity)
    days_over = np.where(np.isnan(due_day), 0, np.maximum(0, today - np.nan_to_num(due_day))).astype(np.int64)

    excused, expired, granted = _exceptions(columns, exceptions, keep, as_of.date())
    overdue = keep & (days_over > 0) & ~excused
    exposed = keep & ~np.isnan(kev_day) & facing_of_scope[scope] & ~np.isnan(seen_day)

    rows = _Rows(
        columns,
        scope_names,
        scope,
        exploitation,
        exposure,
        automatable,
        impact,
        priority,
        sla_days,
        due_day,
        rule,
        days_over,
        severity,
        cve_codes,
        kev_of_cve,
        epss_of_cve,
        granted,
        contexts,
    )
    counts = component_counts(scope_names, RowFacts(scope, severity, priority, keep, overdue, exposed, excused))
    overdue_rows = np.flatnonzero(overdue)
    overdue_order = overdue_rows[np.lexsort((overdue_rows, scope[overdue_rows], -days_over[overdue_rows]))]
    kept = np.flatnonzero(keep)
    priority_order = kept[np.lexsort((kept, scope[kept], -days_over[kept], -priority[kept]))]
    exposures = _kev_exposures(rows, np.flatnonzero(exposed), seen_day, kev_day, today)
    unparsed = Counter(
        {
            str(vectors[code]): int(count)
            for code, count in enumerate(np.bincount(vector_codes[keep], minlength=len(vectors)))
            if count and readings[code][1] is not None
        }
    )
    gaps = _gaps(facts.scorecard, policy, contexts, as_of)
    return SecurityAssessment(
        as_of,
        counts,
        contexts,
        len(overdue_rows),
        exposures,
        rows.assessed_rows(np.flatnonzero(expired & keep)),
        dict(unparsed),
        gaps,
        rows,
        overdue_order,
        priority_order,
    )


def _exceptions(
    columns: FindingColumns, exceptions: FindingExceptions, keep: Bools, today: date
) -> tuple[Bools, Bools, dict[int, tuple[FindingException | None, FindingException | None]]]:
    """Which rows an active exception excuses, which had only expired ones, and those exceptions.
    Only rows that some exception names are looked at closely."""
    excused = np.zeros(len(columns), dtype=np.bool_)
    expired = np.zeros(len(columns), dtype=np.bool_)
    granted: dict[int, tuple[FindingException | None, FindingException | None]] = {}
    names = exceptions.by_name
    if not names:
        return excused, expired, granted
    for row in np.flatnonzero(keep).tolist():
        vulnerability = columns.vulnerability_ids[row]
        named = (vulnerability is not None and vulnerability.lower() in names) or columns.keys[row].lower() in names
        if not named and columns.aliases[row] is not None:
            named = any(alias.lower() in names for alias in columns.alias_names(row))
        if not named:
            continue
        ids = ((vulnerability,) if vulnerability else ()) + columns.alias_names(row)
        found = exceptions.named((*ids, columns.keys[row]))
        active = next((item for item in found if item.active(today)), None)
        lapsed = None if active else next(iter(found), None)
        granted[row] = (active, lapsed)
        excused[row] = active is not None
        expired[row] = lapsed is not None
    return excused, expired, granted


def _kev_exposures(
    rows: _Rows, exposed: Ints, seen_day: Floats, kev_day: Floats, today: int
) -> tuple[KevExposure, ...]:
    since = np.maximum(seen_day[exposed], kev_day[exposed])
    days = np.maximum(0, today - since).astype(np.int64)
    order = np.lexsort((exposed, rows.scope[exposed], -days))
    assessed = rows.assessed_rows(exposed[order], with_details=True)  # the reports list them
    return tuple(
        KevExposure(item, EPOCH + timedelta(days=int(since[index])), int(days[index]))
        for item, index in zip(assessed, order, strict=True)
    )


def _gaps(
    checks: Sequence[ScorecardCheck], policy: SecurityPolicy, contexts: Mapping[str, ComponentContext], as_of: datetime
) -> ScorecardGaps:
    repositories: dict[str, list[str]] = {}
    for context in contexts.values():
        if context.repository:
            repositories.setdefault(context.repository, []).append(context.component)
    scored = [check for check in checks if check.scored_at <= as_of]
    return scorecard_gaps(scored, policy.scorecard_minimum, repositories)
