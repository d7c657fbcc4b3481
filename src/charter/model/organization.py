"""The Organization kind (`charter.yaml`): goals and targets, risk appetite and matrix, policies,
compliance obligations, sources, and diagnostic settings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from charter.model.base import Duration, Metadata, OpenModel, StrictModel
from charter.model.diagnostics import Location, Severity

CHARTER_API_VERSION = "charter.dev/v1"

ComparisonOp = Literal["<", "<=", ">", ">=", "==", "!="]


class TargetScope(StrictModel):
    tier: int | None = None
    team: str | None = None
    system: str | None = None
    component: str | None = None


# How a target whose scope selects several entities (`{tier: 1}`) reads their values as one:
# the median entity, the least favourable one (every entity must meet it), or their sum (counts).
TargetAggregate = Literal["median", "worst", "sum"]


class Target(StrictModel):
    metric: str
    scope: TargetScope = Field(default_factory=TargetScope)
    op: ComparisonOp
    value: str | float
    by: date | None = None
    baseline: str | float | None = None  # the value the target started from; default: the first snapshot's
    aggregate: TargetAggregate = "median"


class Goal(StrictModel):
    id: str
    description: str = ""
    targets: list[Target] = Field(default_factory=list)


Level = str


class RiskMatrix(StrictModel):
    """Level for [likelihood - 1][impact - 1]; levels are ordered from lowest to highest."""

    levels: list[Level] = Field(default_factory=lambda: ["low", "medium", "high", "critical"], min_length=1)
    grid: list[list[Level]] = Field(
        default_factory=lambda: [
            ["low", "low", "low", "medium", "medium"],
            ["low", "low", "medium", "medium", "high"],
            ["low", "medium", "medium", "high", "high"],
            ["medium", "medium", "high", "high", "critical"],
            ["medium", "high", "high", "critical", "critical"],
        ]
    )

    @model_validator(mode="after")
    def _grid_is_5_by_5_of_known_levels(self) -> RiskMatrix:
        if len(self.grid) != 5 or any(len(row) != 5 for row in self.grid):
            raise ValueError("grid must have 5 rows (likelihood 1..5) of 5 levels (impact 1..5)")
        unknown = {cell for row in self.grid for cell in row} - set(self.levels)
        if unknown:
            raise ValueError(f"grid uses levels not in `levels`: {', '.join(sorted(unknown))}")
        return self

    def level(self, likelihood: int, impact: int) -> Level:
        return self.grid[likelihood - 1][impact - 1]

    def rank(self, level: Level) -> int:
        return self.levels.index(level) if level in self.levels else len(self.levels)


class RemediationSla(StrictModel):
    critical: int = 15
    high: int = 30
    medium: int = 90
    low: int = 180
    kev: int = 14


class ErrorBudgetPolicy(StrictModel):
    """`policies.errorBudget`: what `charter slo status` recommends. `exhausted`: the action when an
    SLO's budget is used up (`freeze-changes`: a change freeze for its component; `none`: no verdict).
    `incidentShare`: an incident that used more than this share of an SLO's budget needs a
    postmortem with a P0 action item."""

    exhausted: Literal["freeze-changes", "none"] = "freeze-changes"
    incident_share: Annotated[float, Field(gt=0, le=1)] = 0.2


class BotRule(StrictModel):
    """A `policies.bots` entry naming a bot or an AI coding agent: globs (`*`, `?`, case-insensitive)
    for the author's name and e-mail (both given: both must match), what it is, and how reports name
    it. A plain string in `policies.bots` is a glob matched against the name or the e-mail."""

    name: str | None = None
    email: str | None = None
    kind: Literal["bot", "agent"] = "bot"
    label: str | None = None

    @model_validator(mode="after")
    def _names_an_identity(self) -> BotRule:
        if self.name is None and self.email is None:
            raise ValueError("a bot needs `name` or `email` (a glob such as `release-robot` or `*@ci.example.com`)")
        return self


class Policies(StrictModel):
    remediation_sla_days: RemediationSla = Field(default_factory=RemediationSla)
    epss_threshold: float = 0.1
    scorecard_minimum: dict[str, float] = Field(default_factory=dict)
    production_environments: list[str] = Field(default_factory=lambda: ["prod(uction)?"])
    slo_period: Duration = timedelta(days=30)
    error_budget: ErrorBudgetPolicy = Field(default_factory=ErrorBudgetPolicy)
    slo_alert_windows: Literal["sloth", "pyrra"] = "sloth"  # burn-rate window set of `charter slo rules`
    postmortem_within_days: int = 5
    min_reliability_allocation: float = 0.2
    repeat_incident_window_days: int = 90
    history_horizon_days: int = 90
    hotfix_window_hours: int = 72
    # Authors left out of knowledge, bus factor and turnover, on top of the bots and AI coding agents
    # Charter recognises itself (unless `shippedBots: false`).
    bots: list[str | BotRule] = Field(default_factory=list)
    shipped_bots: bool = True
    critical_tiers: list[int] = Field(default_factory=lambda: [1, 2])


class Suppression(StrictModel):
    """An `spec.ignore` entry: which code, on what (file glob or entity reference), why, until when."""

    code: str
    file: str | None = None
    entity: str | None = None
    reason: str = ""
    until: date | None = None


class GitSource(StrictModel):
    """`sources.git`: the folders holding the clones (relative to the strategy repo or absolute; bare
    and non-bare clones both), and the paths left out of code health (None: Linguist-like defaults)."""

    roots: list[str] = Field(default_factory=list)
    exclude: list[str] | None = None
    cache: str | None = None


class IncidentSource(StrictModel):
    """`sources.incidents`: how `charter import incidents` reads severities. `severityMap` maps a
    tool's severity, priority or urgency (case-insensitive; `pagerduty:high` applies to one tool
    only, `default` to records with none) to SEV1..SEV5, before the built-in defaults."""

    severity_map: dict[str, str] = Field(default_factory=dict)

    @field_validator("severity_map")
    @classmethod
    def _known_severities(cls, value: dict[str, str]) -> dict[str, str]:
        for name, severity in value.items():
            if severity.strip().upper() not in ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5"):
                raise ValueError(f"{name}: {severity!r} is not one of SEV1, SEV2, SEV3, SEV4, SEV5")
        return {name: severity.strip().upper() for name, severity in value.items()}


class PrometheusSource(StrictModel):
    """`sources.prometheus`: the Prometheus-compatible HTTP API SLI data is pulled from. `url` is the
    base (`https://mimir.example.com/prometheus`); `caFile` a PEM bundle for its certificate
    (relative to the strategy repo or absolute); `tenant` the `X-Scope-OrgID` header of Mimir, Cortex
    and Thanos; `headers` any further headers. Credentials come from the environment, never the file:
    CHARTER_PROMETHEUS_TOKEN (bearer) or CHARTER_PROMETHEUS_USER and CHARTER_PROMETHEUS_PASSWORD."""

    url: str
    ca_file: str | None = None
    tenant: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    timeout_seconds: float = 60.0


class Sources(OpenModel):
    """Where facts come from. Later sources add keys; unknown ones are kept."""

    catalog: list[str] = Field(default_factory=list)
    git: GitSource = Field(default_factory=GitSource)
    prometheus: PrometheusSource | None = None
    incidents: IncidentSource = Field(default_factory=IncidentSource)


class AssessmentSettings(StrictModel):
    """`spec.assessment`: how `charter assess` weighs its checks. `weights` overrides the default
    weight of a check by its id (`security.no-kev-exposed: 5`; 0 leaves it out); the weights of an
    area's checks must sum to a positive number. `tierWeights` is a component's weight in the
    roll-ups by its tier (`{1: 4, 2: 2, 3: 1}` by default), `untieredWeight` that of a component
    with no tier. `timeToLive` is how old an area's evidence may be before it counts as unknown
    (`security: 30d`); readiness is read from the strategy repository and has none."""

    weights: dict[str, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)
    tier_weights: dict[int, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)
    untiered_weight: Annotated[float, Field(gt=0)] = 1.0
    time_to_live: dict[Literal["delivery", "reliability", "security", "maintainability"], Duration] = Field(
        default_factory=dict
    )


class OrganizationSpec(StrictModel):
    goals: list[Goal] = Field(default_factory=list)
    risk_appetite: dict[str, Level] = Field(default_factory=dict)
    risk_matrix: RiskMatrix = Field(default_factory=RiskMatrix)
    policies: Policies = Field(default_factory=Policies)
    compliance: list[str] = Field(default_factory=list)
    sources: Sources = Field(default_factory=Sources)
    diagnostics: dict[str, Severity] = Field(default_factory=dict)
    ignore: list[Suppression] = Field(default_factory=list)
    assessment: AssessmentSettings = Field(default_factory=AssessmentSettings)

    @field_validator("diagnostics", mode="before")
    @classmethod
    def _lower_severities(cls, value: object) -> object:
        if isinstance(value, dict):
            return {code: (sev.lower() if isinstance(sev, str) else sev) for code, sev in value.items()}
        return value


class Organization(StrictModel):
    api_version: Annotated[str, Field(pattern=r"^charter\.dev/v1$")]
    kind: Literal["Organization"]
    metadata: Metadata
    spec: OrganizationSpec = Field(default_factory=OrganizationSpec)
    location: SkipJsonSchema[Location | None] = Field(default=None, exclude=True)
