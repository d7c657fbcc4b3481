"""`charter security`'s view: open findings counted per scope, the most urgent, overdue and
known-exploited findings listed (only those: a report over 200,000 findings lists a few dozen),
Scorecard checks below policy, the SEC diagnostics and the organisation's trend from snapshots."""

from __future__ import annotations

from typing import ClassVar

from charter.outputs.views.base import IsoDate, IsoDateTime, ReportView, View

# The organisation's metrics the trend holds, in the order the report shows them.
TREND_METRICS = (
    "security.findings.open_critical",
    "security.findings.open_high",
    "security.findings.overdue",
    "security.kev_exposed",
    "security.findings.priority_act",
)


class ScopeCounts(View):
    """Open findings of one scope; `scope` None for findings mapped to no component (or team)."""

    scope: str | None
    open: int
    by_severity: dict[str, int]  # every severity, worst first
    by_priority: dict[str, int]  # every SSVC priority, Act first
    overdue: int
    kev_exposed: int
    excepted: int


class SsvcPath(View):
    """The SSVC deployer tree's decision points for a finding, and the path through them."""

    exploitation: str
    exposure: str
    automatable: str
    human_impact: str
    path: str  # `active → open → yes → very high ⇒ Act`


class AssessedFinding(View):
    """One open finding with its owner, SSVC priority, remediation SLA and exploitation facts."""

    key: str
    vulnerability_id: str | None
    aliases: list[str]
    package: str | None
    severity: str
    scanner: str
    component: str | None
    owner: str | None
    first_seen: IsoDateTime | None
    priority: str
    ssvc: SsvcPath
    epss: float | None
    kev: bool
    sla_days: int | None
    sla_rule: str | None  # the severity whose SLA holds, or `kev`
    due: IsoDate | None
    days_over: int
    exception: str | None  # the decision or risk that excepts it
    rule_id: str | None  # the scanner's rule, naming a code finding that has no vulnerability id


class KevExposure(AssessedFinding):
    """A known-exploited finding open on an internet-facing component, and for how long."""

    kev_date_added: IsoDate | None
    kev_due_date: IsoDate | None
    known_ransomware: bool | None
    exposed_since: IsoDate
    exposed_days: int


class ScorecardGap(View):
    """One Scorecard check of one repository below the policy's minimum."""

    repository: str
    check: str
    kind: str
    score: int | None
    minimum: float
    reason: str
    scored_at: IsoDateTime
    components: list[str]


class SecurityDiagnostic(View):
    code: str
    severity: str
    message: str
    entity: str | None


class TrendPoint(View):
    """The organisation's TREND_METRICS at one snapshot (None: not recorded then)."""

    taken_at: IsoDateTime
    values: dict[str, float | None]


class SecurityReport(ReportView):
    report: ClassVar[str] = "security"

    as_of: IsoDateTime
    by: str  # component, team or org
    total: ScopeCounts
    scopes: list[ScopeCounts]  # every scope, most urgent first
    most_urgent: list[AssessedFinding]  # the first `limit`
    overdue_total: int
    overdue: list[AssessedFinding]  # the first `limit`, most days over first
    kev_exposure_total: int
    kev_exposure: list[KevExposure]  # the first `limit`, longest exposed first
    scorecard_gaps: list[ScorecardGap]
    unmapped_repositories: list[str]  # Scorecard results for repositories no component names
    diagnostics: list[SecurityDiagnostic]
    trend: list[TrendPoint]  # oldest first
    limit: int | None  # how many findings each list holds at most; None: all
