"""The metric registry: the one list of metric names, their units, which direction is better, and
the scopes they exist for. Targets, standards, reports and the dashboard name metrics only from
here; `charter metrics` prints it."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from charter.model.base import parse_duration


class Unit(StrEnum):
    SECONDS = "seconds"
    RATIO = "ratio"
    COUNT = "count"
    PER_DAY = "per_day"
    PER_WEEK = "per_week"
    SCORE = "score"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class Scope(StrEnum):
    COMPONENT = "component"
    SYSTEM = "system"
    TEAM = "team"
    ORG = "org"


ALL_SCOPES = frozenset(Scope)


class Domain(StrEnum):
    """What computes a metric: each domain with a metric provider (`services/metrics/`) measures its
    own metrics at every snapshot; governance, risk and standards are computed by the commands."""

    DELIVERY = "delivery"
    CODE_HEALTH = "code_health"
    INCIDENTS = "incidents"
    SLOS = "slos"
    SECURITY = "security"
    GOVERNANCE = "governance"
    RISK = "risk"
    STANDARDS = "standards"
    ASSESSMENT = "assessment"


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    unit: Unit
    direction: Direction
    scopes: frozenset[Scope]
    description: str
    domain: Domain


def _metric(
    domain: Domain,
    name: str,
    unit: Unit,
    direction: Direction,
    description: str,
    scopes: frozenset[Scope] = ALL_SCOPES,
) -> Metric:
    return Metric(name, unit, direction, scopes, description, domain)


_LOW, _HIGH = Direction.LOWER_IS_BETTER, Direction.HIGHER_IS_BETTER
_ASSESSMENT_AREAS = (
    ("delivery", "delivery"),
    ("reliability", "reliability"),
    ("security", "security"),
    ("maintainability", "maintainability (code health)"),
    ("readiness", "operational readiness"),
)

METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        # Delivery (DORA)
        _metric(
            Domain.DELIVERY,
            "delivery.deployment_frequency.per_day",
            Unit.PER_DAY,
            _HIGH,
            "Successful production deployments per day.",
        ),
        _metric(
            Domain.DELIVERY,
            "delivery.deployment_days_per_week",
            Unit.PER_WEEK,
            _HIGH,
            "Median over weeks of the days with at least one production deployment.",
        ),
        _metric(
            Domain.DELIVERY,
            "delivery.deployment_days_per_month",
            Unit.COUNT,
            _HIGH,
            "Median over calendar months of the days with at least one production deployment; below one "
            "deployment day a week it gives the deployment frequency band (medium or low), as DevLake does.",
        ),
        _metric(
            Domain.DELIVERY,
            "delivery.lead_time_for_changes.p50",
            Unit.SECONDS,
            _LOW,
            "Median time from a commit's author time to the deployment that shipped it.",
        ),
        _metric(
            Domain.DELIVERY,
            "delivery.lead_time_for_changes.p90",
            Unit.SECONDS,
            _LOW,
            "90th percentile of lead time for changes.",
        ),
        _metric(
            Domain.DELIVERY,
            "delivery.change_failure_rate",
            Unit.RATIO,
            _LOW,
            "Deployments that caused a failure divided by deployments.",
        ),
        _metric(
            Domain.DELIVERY,
            "delivery.failed_deployment_recovery_time.p50",
            Unit.SECONDS,
            _LOW,
            "Median time from a failed deployment to the restoring deployment or resolution.",
        ),
        _metric(
            Domain.DELIVERY,
            "delivery.deployment_rework_rate",
            Unit.RATIO,
            _LOW,
            "Unplanned deployments made because of an incident divided by deployments.",
        ),
        # Code health
        _metric(
            Domain.CODE_HEALTH,
            "code_health.hotspot_count",
            Unit.COUNT,
            _LOW,
            "Files whose change frequency times size is in the top decile.",
        ),
        _metric(
            Domain.CODE_HEALTH,
            "code_health.bus_factor",
            Unit.COUNT,
            _HIGH,
            "Fewest authors whose recent lines cover half of the code.",
        ),
        _metric(
            Domain.CODE_HEALTH,
            "code_health.knowledge_concentration",
            Unit.RATIO,
            _LOW,
            "Share of recent lines written by the top author.",
        ),
        _metric(
            Domain.CODE_HEALTH,
            "code_health.author_turnover",
            Unit.RATIO,
            _LOW,
            "Share of last period's authors with no commits this period.",
        ),
        _metric(
            Domain.CODE_HEALTH,
            "code_health.agent_change_share",
            Unit.RATIO,
            _HIGH,
            "Share of the last year's commits on the default branch that an AI coding agent authored or co-authored.",
        ),
        # Reliability
        _metric(
            Domain.SLOS,
            "reliability.slo_attainment",
            Unit.RATIO,
            _HIGH,
            "Good events divided by valid events over the SLO window.",
        ),
        _metric(
            Domain.SLOS,
            "reliability.error_budget_remaining",
            Unit.RATIO,
            _HIGH,
            "Share of the error budget left in the SLO window.",
        ),
        _metric(Domain.INCIDENTS, "reliability.incidents.count", Unit.COUNT, _LOW, "Incidents in the period."),
        _metric(
            Domain.INCIDENTS, "reliability.incidents.sev1_count", Unit.COUNT, _LOW, "SEV1 incidents in the period."
        ),
        _metric(
            Domain.INCIDENTS, "reliability.mtta.p50", Unit.SECONDS, _LOW, "Median time from start to acknowledgement."
        ),
        _metric(Domain.INCIDENTS, "reliability.mttr.p50", Unit.SECONDS, _LOW, "Median time from start to resolution."),
        _metric(
            Domain.INCIDENTS,
            "reliability.repeat_incidents",
            Unit.COUNT,
            _LOW,
            "Incidents with the same service and cause as one within the repeat window.",
        ),
        _metric(
            Domain.INCIDENTS,
            "reliability.postmortem_completion",
            Unit.RATIO,
            _HIGH,
            "Postmortems completed within the policy's days, divided by incidents that need one.",
        ),
        _metric(
            Domain.INCIDENTS,
            "reliability.action_items_overdue",
            Unit.COUNT,
            _LOW,
            "Open action items past their due date.",
        ),
        # Security
        _metric(Domain.SECURITY, "security.findings.open_critical", Unit.COUNT, _LOW, "Open critical findings."),
        _metric(Domain.SECURITY, "security.findings.open_high", Unit.COUNT, _LOW, "Open high findings."),
        _metric(
            Domain.SECURITY, "security.findings.overdue", Unit.COUNT, _LOW, "Open findings past their remediation SLA."
        ),
        _metric(
            Domain.SECURITY,
            "security.findings.open",
            Unit.COUNT,
            _LOW,
            "Open findings (not closed, not suppressed by VEX).",
        ),
        _metric(
            Domain.SECURITY,
            "security.findings.priority_act",
            Unit.COUNT,
            _LOW,
            "Open findings whose SSVC deployer priority is Act.",
        ),
        _metric(
            Domain.SECURITY,
            "security.findings.priority_attend",
            Unit.COUNT,
            _LOW,
            "Open findings whose SSVC deployer priority is Attend.",
        ),
        _metric(
            Domain.SECURITY,
            "security.access_control_gaps",
            Unit.COUNT,
            _LOW,
            "OpenSSF Scorecard access-control checks below policy on the component's repository.",
            frozenset({Scope.COMPONENT}),
        ),
        _metric(
            Domain.SECURITY,
            "security.kev_exposed",
            Unit.COUNT,
            _LOW,
            "Open known-exploited findings on internet-facing components.",
        ),
        # Governance and standards (computed by `check` and `scorecard`)
        _metric(
            Domain.GOVERNANCE,
            "governance.diagnostics.errors",
            Unit.COUNT,
            _LOW,
            "Error diagnostics from `charter check`.",
        ),
        _metric(
            Domain.GOVERNANCE,
            "governance.diagnostics.warnings",
            Unit.COUNT,
            _LOW,
            "Warning diagnostics from `charter check`.",
        ),
        _metric(
            Domain.RISK,
            "risk.above_appetite",
            Unit.COUNT,
            _LOW,
            "Risks whose current residual level exceeds their category's appetite.",
        ),
        _metric(
            Domain.STANDARDS,
            "standards.level_share.bronze",
            Unit.RATIO,
            _HIGH,
            "Share of entities a standard applies to that reach at least bronze.",
        ),
        _metric(
            Domain.STANDARDS,
            "standards.level_share.silver",
            Unit.RATIO,
            _HIGH,
            "Share of entities a standard applies to that reach at least silver.",
        ),
        _metric(
            Domain.STANDARDS,
            "standards.level_share.gold",
            Unit.RATIO,
            _HIGH,
            "Share of entities a standard applies to that reach gold.",
        ),
        # Assessment (`charter assess`): a score and its confidence per area, and the method that computed them
        *(
            _metric(
                Domain.ASSESSMENT,
                f"assessment.{area}.score",
                Unit.SCORE,
                _HIGH,
                f"The {title} score from 0 to 100: its checks weighted, unknown ones left out (`charter assess`).",
            )
            for area, title in _ASSESSMENT_AREAS
        ),
        *(
            _metric(
                Domain.ASSESSMENT,
                f"assessment.{area}.confidence",
                Unit.RATIO,
                _HIGH,
                f"The weight share of the {title} checks whose evidence is known and within its time-to-live.",
            )
            for area, title in _ASSESSMENT_AREAS
        ),
        _metric(
            Domain.ASSESSMENT,
            "assessment.method_version",
            Unit.COUNT,
            _HIGH,
            "The version of the assessment method that computed the snapshot's assessment scores.",
            frozenset({Scope.ORG}),
        ),
    )
}


def metrics_of(domain: Domain) -> tuple[Metric, ...]:
    """The registry's metrics of one domain, in registry order."""
    return tuple(metric for metric in METRICS.values() if metric.domain is domain)


COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def parse_metric_value(metric: Metric, value: str | float | int) -> float:
    """A target or rule value in the metric's unit: durations (`1d`, `4h`) for seconds, `15%` or a
    number for ratios, numbers otherwise. Raises ValueError with a message naming the unit."""
    if isinstance(value, bool):
        raise ValueError(f"{metric.name} is measured in {metric.unit.value}, not true/false")
    if isinstance(value, int | float):
        return float(value)
    text = value.strip()
    if metric.unit is Unit.SECONDS:
        try:
            return parse_duration(text).total_seconds()
        except ValueError:
            raise ValueError(f"{metric.name} is a duration: write it like 1d, 4h or 30m (got {value!r})") from None
    if text.endswith("%"):
        try:
            return float(text[:-1]) / 100
        except ValueError:
            pass
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{metric.name} is measured in {metric.unit.value}: write a number (got {value!r})") from None
