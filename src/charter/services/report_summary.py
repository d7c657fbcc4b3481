"""The executive summary of `charter report`: one line per thing a leader reads first, each naming
the section that holds its evidence. Where there is no data it says so; it never shows a 0 for it."""

from __future__ import annotations

from collections.abc import Sequence

from charter.outputs.views import strategy as view
from charter.outputs.views.escalations import EscalationItem

NO_DATA = "no data"
AT_RISK_BUDGET = 0.25  # an error budget with less than this share left is at risk
LISTED = 3  # names listed in one line before "and N more"
STATUS_ORDER = ("off track", "at risk", "on track", "met", "no data")  # as `charter targets` names them


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:LISTED])
    return shown + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")


def _count(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.0f}"


def _hours(seconds: float | None) -> str:
    if seconds is None:
        return NO_DATA
    return f"{seconds / 3600:.1f} h" if seconds < 2 * 86400 else f"{seconds / 86400:.1f} d"


def _percent(ratio: float | None) -> str:
    return NO_DATA if ratio is None else f"{ratio:.0%}"


def _goals(report: view.StrategyReport) -> list[view.SummaryFigure]:
    section = report.goals
    if section.status_unavailable is not None:
        return [view.SummaryFigure(label="Goals and targets", value=section.status_unavailable, section="goals")]
    if not section.targets:
        return [view.SummaryFigure(label="Goals", value="no goal with a target in charter.yaml", section="goals")]
    statuses = [target.status for target in section.targets]
    counts = ", ".join(f"{statuses.count(name)} {name}" for name in STATUS_ORDER if name in statuses)
    value = f"{len(section.goals)} goals, {len(section.targets)} targets: {counts}"
    figures = [view.SummaryFigure(label="Goals and targets", value=value, section="goals")]
    off = [f"{target.goal}: {target.metric}" for target in section.targets if target.status in ("off track", "at risk")]
    if off:
        figures.append(view.SummaryFigure(label="Targets off track or at risk", value=_names(off), section="goals"))
    return figures


def _delivery(report: view.StrategyReport) -> list[view.SummaryFigure]:
    organization = report.delivery.organization
    if organization is None:
        return [view.SummaryFigure(label="DORA", value=NO_DATA, section="delivery")]
    values, bands = organization.values, organization.bands

    def with_band(text: str, metric: str) -> str:
        named = bands.get(metric)
        return f"{text} ({named})" if named and text != NO_DATA else text

    lead = with_band(_hours(values.get("delivery.lead_time_for_changes.p50")), "delivery.lead_time_for_changes.p50")
    failure = with_band(_percent(values.get("delivery.change_failure_rate")), "delivery.change_failure_rate")
    recovery = with_band(
        _hours(values.get("delivery.failed_deployment_recovery_time.p50")),
        "delivery.failed_deployment_recovery_time.p50",
    )
    days = values.get("delivery.deployment_days_per_week")
    frequency = NO_DATA if days is None else f"{days:.1f} deployment days a week"
    frequency = with_band(frequency, "delivery.deployment_days_per_week")
    return [
        view.SummaryFigure(label="Lead time for changes (p50)", value=lead, section="delivery"),
        view.SummaryFigure(label="Deployment frequency", value=frequency, section="delivery"),
        view.SummaryFigure(label="Change failure rate", value=failure, section="delivery"),
        view.SummaryFigure(label="Failed deployment recovery (p50)", value=recovery, section="delivery"),
    ]


def _reliability(report: view.StrategyReport) -> list[view.SummaryFigure]:
    section = report.reliability
    if section.budgets_unavailable is not None:
        return [
            view.SummaryFigure(label="Error budgets at risk", value=section.budgets_unavailable, section="reliability")
        ]
    at_risk = [
        item.component
        for item in section.budgets
        if item.exhausted or (item.budget_remaining is not None and item.budget_remaining < AT_RISK_BUDGET)
    ]
    without = sum(item.budget_remaining is None for item in section.budgets)
    value = f"{len(at_risk)} of {len(section.budgets)} components with SLOs below {AT_RISK_BUDGET:.0%} of budget"
    if at_risk:
        value += f": {_names(at_risk)}"
    if without:
        value += f"; {without} without data"
    return [view.SummaryFigure(label="Error budgets at risk", value=value, section="reliability")]


def _security(report: view.StrategyReport) -> list[view.SummaryFigure]:
    organization = report.security.exposure.organization
    if organization is None:
        return [view.SummaryFigure(label="Security exposure", value=NO_DATA, section="security")]
    values = organization.values
    value = (
        f"{_count(values.get('security.findings.open_critical'))} critical and"
        f" {_count(values.get('security.findings.open_high'))} high findings open,"
        f" {_count(values.get('security.kev_exposed'))} known-exploited exposed,"
        f" {_count(values.get('security.findings.overdue'))} past their SLA"
    )
    return [view.SummaryFigure(label="Security exposure", value=value, section="security")]


def _risks(report: view.StrategyReport) -> list[view.SummaryFigure]:
    register = report.risks.risk_register
    if register is None:
        return [
            view.SummaryFigure(label="Risks above appetite", value=report.risks.unavailable or NO_DATA, section="risks")
        ]
    above = [item.risk for item in register.above_appetite if not item.acceptable]
    accepted = len(register.above_appetite) - len(above)
    value = f"{len(above)} above appetite and not accepted" + (f": {_names(above)}" if above else "")
    if accepted:
        value += f"; {accepted} above appetite, accepted"
    return [view.SummaryFigure(label="Risks above appetite", value=value, section="risks")]


def _roadmap(report: view.StrategyReport) -> list[view.SummaryFigure]:
    plan = report.roadmap.plan
    if plan is None:
        return [view.SummaryFigure(label="Roadmap", value=report.roadmap.unavailable or NO_DATA, section="roadmap")]
    delivered = sum(item.delivered is not None for item in plan.initiatives)
    horizon = f"{plan.quarters[0]}..{plan.quarters[-1]}" if plan.quarters else "the horizon"
    headline = f"{delivered} of {len(plan.initiatives)} initiatives delivered in {horizon}"
    figures = [view.SummaryFigure(label="Roadmap", value=headline, section="roadmap")]
    unscheduled = sorted(plan.tradeoffs.unscheduled, key=lambda item: (-item.value_given_up, item.initiative))
    if unscheduled:
        main = unscheduled[0]
        figures.append(
            view.SummaryFigure(label="Main tradeoff", value=f"{main.initiative}: {main.explanation}", section="roadmap")
        )
    return figures


SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def open_escalations(report: view.StrategyReport) -> list[EscalationItem]:
    """The open escalations, errors first, then by code and subject."""
    escalations = report.escalations.escalations
    if escalations is None:
        return []
    items = [item for digest in escalations.digests for item in digest.escalations if item.state == "open"]
    return sorted(items, key=lambda item: (SEVERITY_RANK.get(item.severity, 3), item.code, item.subject))


def _escalations(report: view.StrategyReport) -> list[view.SummaryFigure]:
    escalations = report.escalations.escalations
    if escalations is None:
        unavailable = report.escalations.unavailable or NO_DATA
        return [view.SummaryFigure(label="Top escalations", value=unavailable, section="escalations")]
    items = open_escalations(report)
    if not items:
        return [view.SummaryFigure(label="Top escalations", value="none open", section="escalations")]
    errors = sum(item.severity == "error" for item in items)
    top = "; ".join(f"{item.code} {item.subject}" for item in items[:LISTED])
    value = f"{len(items)} open ({errors} errors): {top}" + (" …" if len(items) > LISTED else "")
    return [view.SummaryFigure(label="Top escalations", value=value, section="escalations")]


def executive_summary(report: view.StrategyReport) -> list[view.SummaryFigure]:
    """The summary's lines in reading order."""
    return [
        *_goals(report),
        *_escalations(report),
        *_risks(report),
        *_roadmap(report),
        *_delivery(report),
        *_reliability(report),
        *_security(report),
    ]
