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
    """What a target's metric is read for."""

    tier: int | None = Field(None, description="Components of this tier.")
    team: str | None = Field(None, description="The entities of this team (a group reference).")
    system: str | None = Field(None, description="The entities of this system.")
    component: str | None = Field(None, description="This component.")


# How a target whose scope selects several entities (`{tier: 1}`) reads their values as one:
# the median entity, the least favourable one (every entity must meet it), or their sum (counts).
TargetAggregate = Literal["median", "worst", "sum"]


class Target(StrictModel):
    """A metric compared with a value, by a day."""

    metric: str = Field(description="The metric (`charter metrics` lists them).")
    scope: TargetScope = Field(
        default_factory=TargetScope, description="What the metric is read for (default: the organisation)."
    )
    op: ComparisonOp = Field(description="How the value compares with the target.")
    value: str | float = Field(description="The target value (a number, or a duration such as `1d`).")
    by: date | None = Field(None, description="The day it is to be met by.")
    baseline: str | float | None = Field(
        None, description="The value the target started from (default: the first snapshot's)."
    )
    aggregate: TargetAggregate = Field(
        "median", description="How a scope of several entities reads as one value: the median, the worst, or the sum."
    )


class Goal(StrictModel):
    """A goal of the strategy."""

    id: str = Field(description="The goal's id (initiatives name it in `goals`).")
    description: str = Field("", description="The goal in a sentence.")
    owner: str | None = Field(
        None,
        description=(
            "Who answers for the goal (a Group, or a User whose first Group acts): escalations about an "
            "organisation-wide target go to it."
        ),
    )
    targets: list[Target] = Field(default_factory=list, description="The measurable targets that say it is met.")


Level = str


class RiskMatrix(StrictModel):
    """Level for [likelihood - 1][impact - 1]; levels are ordered from lowest to highest."""

    levels: list[Level] = Field(
        default_factory=lambda: ["low", "medium", "high", "critical"],
        min_length=1,
        description="The risk levels, lowest first.",
    )
    grid: list[list[Level]] = Field(
        description="The level of each likelihood (rows, 1 to 5) and impact (columns, 1 to 5).",
        default_factory=lambda: [
            ["low", "low", "low", "medium", "medium"],
            ["low", "low", "medium", "medium", "high"],
            ["low", "medium", "medium", "high", "high"],
            ["medium", "medium", "high", "high", "critical"],
            ["medium", "high", "high", "critical", "critical"],
        ],
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
    """`policies.remediationSlaDays`: days to fix an open finding, by severity."""

    critical: int = Field(15, description="Days to fix a critical finding.")
    high: int = Field(30, description="Days to fix a high finding.")
    medium: int = Field(90, description="Days to fix a medium finding.")
    low: int = Field(180, description="Days to fix a low finding.")
    kev: int = Field(14, description="Days to fix a known exploited vulnerability, whatever its severity.")


class ErrorBudgetPolicy(StrictModel):
    """`policies.errorBudget`: what `charter slo status` recommends. `exhausted`: the action when an
    SLO's budget is used up (`freeze-changes`: a change freeze for its component; `none`: no verdict).
    `incidentShare`: an incident that used more than this share of an SLO's budget needs a
    postmortem with a P0 action item."""

    exhausted: Literal["freeze-changes", "none"] = Field(
        "freeze-changes", description="What `charter slo status` recommends when an SLO's budget is used up."
    )
    incident_share: Annotated[float, Field(gt=0, le=1)] = Field(
        0.2, description="An incident using more than this share of a budget needs a postmortem with a P0 action."
    )


class BotRule(StrictModel):
    """A `policies.bots` entry naming a bot or an AI coding agent: globs (`*`, `?`, case-insensitive)
    for the author's name and e-mail (both given: both must match), what it is, and how reports name
    it. A plain string in `policies.bots` is a glob matched against the name or the e-mail."""

    name: str | None = Field(None, description="A glob for the author's name.")
    email: str | None = Field(None, description="A glob for the author's e-mail.")
    kind: Literal["bot", "agent"] = Field("bot", description="A bot, or an AI coding agent.")
    label: str | None = Field(None, description="How reports name it.")

    @model_validator(mode="after")
    def _names_an_identity(self) -> BotRule:
        if self.name is None and self.email is None:
            raise ValueError("a bot needs `name` or `email` (a glob such as `release-robot` or `*@ci.example.com`)")
        return self


class Policies(StrictModel):
    """`spec.policies` of the Organization: the thresholds the checks and reports apply."""

    remediation_sla_days: RemediationSla = Field(
        default_factory=RemediationSla, description="Days to fix an open finding, by severity."
    )
    epss_threshold: float = Field(0.1, description="An EPSS score at or above this is SSVC exploitation `poc`.")
    scorecard_minimum: dict[str, float] = Field(
        default_factory=dict, description="The lowest OpenSSF Scorecard score allowed, by check name."
    )
    production_environments: list[str] = Field(
        default_factory=lambda: ["prod(uction)?"],
        description="Regular expressions naming the environments whose deployments count for DORA.",
    )
    slo_period: Duration = Field(
        timedelta(days=30), description="The SLO window when an SLO names none (an ISO 8601 or `30d` duration)."
    )
    error_budget: ErrorBudgetPolicy = Field(
        default_factory=ErrorBudgetPolicy, description="What an exhausted error budget calls for."
    )
    slo_alert_windows: Literal["sloth", "pyrra"] = Field(
        "sloth", description="The burn-rate window set of `charter slo rules`."
    )
    postmortem_within_days: int = Field(5, description="Days after a SEV1/SEV2 incident its postmortem is due.")
    min_reliability_allocation: float = Field(
        0.2, description="The least share of a quarter's capacity the plan keeps for reliability work."
    )
    repeat_incident_window_days: int = Field(
        90, description="Days within which an incident of the same service and cause is a repeat."
    )
    history_horizon_days: int = Field(
        90, description="A first deployment counts in its lead time the commits of this many days before it."
    )
    hotfix_window_hours: int = Field(
        72, description="Hours after a deployment within which its rollback or hotfix makes it a failed change."
    )
    bots: list[str | BotRule] = Field(
        default_factory=list,
        description="Authors left out of knowledge, bus factor and turnover (globs, or name/email/kind/label), "
        "on top of the bots and AI coding agents Charter recognises itself.",
    )
    shipped_bots: bool = Field(True, description="Whether Charter's own list of bots and coding agents applies.")
    critical_tiers: list[int] = Field(
        default_factory=lambda: [1, 2],
        description="The `charter.dev/tier` values of critical components (owner, on-call and runbook required).",
    )


class Suppression(StrictModel):
    """An `spec.ignore` entry: which code, on what (file glob or entity reference), why, until when."""

    code: str = Field(description="The code (or prefix) not reported.")
    file: str | None = Field(None, description="Only in the files this glob matches.")
    entity: str | None = Field(None, description="Only on this entity (a reference).")
    reason: str = Field("", description="Why it is not reported.")
    until: date | None = Field(None, description="The day the suppression ends.")


class GitSource(StrictModel):
    """`sources.git`: the folders holding the clones (relative to the strategy repo or absolute; bare
    and non-bare clones both), and the paths left out of code health (None: Linguist-like defaults)."""

    roots: list[str] = Field(
        default_factory=list,
        description="The folders holding the clones (relative to the strategy repository, or absolute).",
    )
    exclude: list[str] | None = Field(
        None,
        description="Path globs left out of code health (default: Linguist-like: vendored and generated files).",
    )
    cache: str | None = Field(
        None,
        description="Where a clone a Dask worker lacks is cloned to (default: a `charter-git-cache` temporary folder).",
    )


class IncidentSource(StrictModel):
    """`sources.incidents`: how `charter import incidents` reads severities. `severityMap` maps a
    tool's severity, priority or urgency (case-insensitive; `pagerduty:high` applies to one tool
    only, `default` to records with none) to SEV1..SEV5, before the built-in defaults."""

    severity_map: dict[str, str] = Field(
        default_factory=dict,
        description="A tool's severity, priority or urgency to SEV1..SEV5 (`pagerduty:high` for one tool, "
        "`default` for records with none).",
    )

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

    url: str = Field(description="The base URL of the Prometheus-compatible HTTP API.")
    ca_file: str | None = Field(None, description="A PEM bundle for its certificate.")
    tenant: str | None = Field(None, description="The `X-Scope-OrgID` header (Mimir, Cortex, Thanos).")
    headers: dict[str, str] = Field(
        default_factory=dict, description="Further request headers (credentials come from the environment)."
    )
    timeout_seconds: float = Field(60.0, description="How long one query may take.")


class Sources(OpenModel):
    """Where facts come from. Later sources add keys; unknown ones are kept."""

    catalog: list[str] = Field(default_factory=list, description="Globs of further Backstage catalog files or folders.")
    git: GitSource = Field(default_factory=GitSource, description="The git clones `charter sync` mines.")
    prometheus: PrometheusSource | None = Field(
        None, description="Where `charter import sli --from-prometheus` and `charter sync` pull SLI counts from."
    )
    incidents: IncidentSource = Field(
        default_factory=IncidentSource, description="How imported incidents' severities are read."
    )


class AssessmentSettings(StrictModel):
    """`spec.assessment`: how `charter assess` weighs its checks. `weights` overrides the default
    weight of a check by its id (`security.no-kev-exposed: 5`; 0 leaves it out); the weights of an
    area's checks must sum to a positive number. `tierWeights` is a component's weight in the
    roll-ups by its tier (`{1: 4, 2: 2, 3: 1}` by default), `untieredWeight` that of a component
    with no tier. `timeToLive` is how old an area's evidence may be before it counts as unknown
    (`security: 30d`); readiness is read from the strategy repository and has none."""

    weights: dict[str, Annotated[float, Field(ge=0)]] = Field(
        default_factory=dict, description="A check's weight by its id, overriding the default (0 leaves it out)."
    )
    tier_weights: dict[int, Annotated[float, Field(gt=0)]] = Field(
        default_factory=dict,
        description="A component's weight in the roll-ups by its tier (default `{1: 4, 2: 2, 3: 1}`).",
    )
    untiered_weight: Annotated[float, Field(gt=0)] = Field(1.0, description="The weight of a component with no tier.")
    time_to_live: dict[Literal["delivery", "reliability", "security", "maintainability"], Duration] = Field(
        default_factory=dict, description="How old an area's evidence may be before it counts as unknown (`30d`)."
    )


class OrganizationSpec(StrictModel):
    """The organisation's strategy settings."""

    goals: list[Goal] = Field(default_factory=list, description="The strategy's goals and their targets.")
    risk_appetite: dict[str, Level] = Field(
        default_factory=dict, description="The highest residual level accepted, by risk category."
    )
    risk_matrix: RiskMatrix = Field(
        default_factory=RiskMatrix, description="Risk levels, and the level of each likelihood and impact."
    )
    policies: Policies = Field(default_factory=Policies, description="The thresholds the checks and reports apply.")
    compliance: list[str] = Field(
        default_factory=list, description="The compliance obligations the organisation has (ControlSet obligations)."
    )
    sources: Sources = Field(default_factory=Sources, description="Where facts come from.")
    diagnostics: dict[str, Severity] = Field(
        default_factory=dict,
        description="A code's (or prefix's) severity, overriding its default (`off` turns it off).",
    )
    ignore: list[Suppression] = Field(default_factory=list, description="Diagnostics not reported, each with a reason.")
    assessment: AssessmentSettings = Field(
        default_factory=AssessmentSettings, description="How `charter assess` weighs its checks."
    )

    @field_validator("diagnostics", mode="before")
    @classmethod
    def _lower_severities(cls, value: object) -> object:
        if isinstance(value, dict):
            return {code: (sev.lower() if isinstance(sev, str) else sev) for code, sev in value.items()}
        return value


class Organization(StrictModel):
    api_version: Annotated[str, Field(pattern=r"^charter\.dev/v1$")] = Field(description="`charter.dev/v1`.")
    kind: Literal["Organization"]
    metadata: Metadata = Field(description="The organisation's name, title, labels and annotations.")
    spec: OrganizationSpec = Field(
        default_factory=OrganizationSpec, description="The organisation's strategy settings."
    )
    location: SkipJsonSchema[Location | None] = Field(default=None, exclude=True)
