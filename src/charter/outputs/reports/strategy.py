"""`charter report` laid out: the executive summary, whose every figure links to the section with
its evidence, then one part per section, each a heading with a fixed anchor, its tables and (in
HTML) its charts. Values with no data read "no data", never 0."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict

from charter.outputs.charts.figures import Bar, HeatCell, TrendPoint, bar_figure, heat_map_figure, trend_figure
from charter.outputs.document import Block, Column, Document, Figure, Heading, Linked, Paragraph, TableBlock
from charter.outputs.reports.durations import duration_text
from charter.outputs.reports.review import review_document
from charter.outputs.reports.strategy_parts import (
    controls_blocks,
    decisions_blocks,
    escalations_blocks,
    roadmap_blocks,
    standards_blocks,
)
from charter.outputs.views import strategy as view
from charter.outputs.views.review import ReviewReport
from charter.outputs.views.targets import TargetRow

NO_DATA = "no data"
TEAMS_SHOWN = 40  # rows of a per-team table; the JSON holds every team

# Every section in reading order: its anchor and its heading.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Executive summary"),
    ("goals", "Goals and targets"),
    ("escalations", "Escalations"),
    ("health", "Health by area and team"),
    ("delivery", "Delivery"),
    ("reliability", "Reliability"),
    ("security", "Security"),
    ("risks", "Risks"),
    ("roadmap", "Roadmap"),
    ("standards", "Standards by team"),
    ("code-health", "Code health"),
    ("decisions", "Decisions in the period"),
    ("review", "Review of the period"),
)
TITLES = dict(SECTIONS)


def value_text(value: float | None, unit: str | None) -> str:
    """A metric's value as a reader reads it, in its unit; "no data" for none."""
    if value is None:
        return NO_DATA
    if unit == "seconds":
        return duration_text(value)
    if unit == "ratio":  # two decimals where whole percents would round 99.95% up to 100%
        return (
            f"{value:.2%}"
            if 0.99 < value < 1
            else f"{value:.0%}"
            if abs(value) >= 0.01 or value == 0
            else f"{value:.1%}"
        )
    if unit in ("count", "score"):
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"


def _chart_value(value: float, unit: str) -> float:
    """Durations charted in hours, ratios in percent: the axis a reader expects."""
    if unit == "seconds":
        return round(value / 3600, 3)
    if unit == "ratio":
        return round(value * 100, 3)
    return value


def _chart_unit(unit: str) -> str:
    return {"seconds": "hours", "ratio": "%"}.get(unit, unit)


def _heading(anchor: str) -> Heading:
    return Heading(TITLES[anchor], level=2, anchor=anchor)


# Column headers for the metrics the sections show; others go by their name without the domain.
LABELS = {
    "assessment.delivery.score": "delivery",
    "assessment.reliability.score": "reliability",
    "assessment.security.score": "security",
    "assessment.maintainability.score": "maintainability",
    "assessment.readiness.score": "readiness",
    "delivery.deployment_frequency.per_day": "deploys/day",
    "delivery.deployment_days_per_week": "deploy days/week",
    "delivery.deployment_days_per_month": "deploy days/month",
    "delivery.lead_time_for_changes.p50": "lead time p50",
    "delivery.lead_time_for_changes.p90": "lead time p90",
    "delivery.change_failure_rate": "change failure",
    "delivery.failed_deployment_recovery_time.p50": "recovery p50",
    "delivery.deployment_rework_rate": "rework",
    "reliability.incidents.count": "incidents",
    "reliability.incidents.sev1_count": "SEV1",
    "reliability.mtta.p50": "MTTA p50",
    "reliability.mttr.p50": "MTTR p50",
    "reliability.repeat_incidents": "repeats",
    "reliability.postmortem_completion": "postmortems on time",
    "reliability.action_items_overdue": "actions overdue",
    "security.findings.open_critical": "critical",
    "security.findings.open_high": "high",
    "security.findings.open": "open",
    "security.findings.overdue": "past SLA",
    "security.findings.priority_act": "SSVC act",
    "security.findings.priority_attend": "SSVC attend",
    "security.kev_exposed": "KEV exposed",
    "security.access_control_gaps": "access gaps",
    "code_health.hotspot_count": "hotspots",
    "code_health.bus_factor": "bus factor",
    "code_health.knowledge_concentration": "knowledge concentration",
    "code_health.author_turnover": "author turnover",
    "code_health.agent_change_share": "agent changes",
}


def _short(metric: str) -> str:
    """A metric's column header."""
    return LABELS.get(metric) or (metric.split(".", 1)[1] if "." in metric else metric)


def _source_blocks(source: view.ReportSource) -> list[Block]:
    commit = source.strategy_commit or "not recorded (the strategy is not a git repository)"
    return [
        Heading(f"Technology strategy: {source.organization}", level=1, anchor="top"),
        Paragraph(
            f"As of snapshot {source.snapshot}, taken {source.taken_at:%Y-%m-%d %H:%M} UTC, at strategy commit"
            f" {commit}. Period read: {source.period_start.isoformat()} to {source.period_end.isoformat()}."
            f" Made by Charter {source.charter_version} (the snapshot by Charter {source.snapshot_charter_version})."
        ),
    ]


def _summary_blocks(report: view.StrategyReport) -> list[Block]:
    rows = [[item.label, Linked(item.value, f"#{item.section}")] for item in report.summary]
    return [_heading("summary"), TableBlock([Column("what"), Column("as of the snapshot", fold=True)], rows)]


def _target_figure(target: TargetRow, index: int) -> Figure | None:
    """The target's values over the snapshots, the dashed projection to its date, its value as a rule."""
    unit = target.unit
    points = [
        TrendPoint(target.scope, point.taken_at.date(), _chart_value(point.value, unit)) for point in target.trend
    ]
    if not points:
        return None
    if target.projection is not None:
        last = points[-1]
        projected = _chart_value(target.projection.value, unit)
        points += [
            TrendPoint("projection", last.day, last.value, projected=True),
            TrendPoint("projection", target.projection.at.date(), projected, projected=True),
        ]
    title = f"{target.goal}: {_short(target.metric)} ({target.scope}) {target.op} {target.written}"
    return trend_figure(f"target-{index}", title, _chart_unit(unit), points, _chart_value(target.value, unit))


def _goals_blocks(section: view.GoalsSection) -> list[Block]:
    blocks: list[Block] = [_heading("goals")]
    if not section.goals:
        return [*blocks, Paragraph("charter.yaml sets no goal.")]
    if section.status_unavailable:
        blocks.append(Paragraph(f"Targets not evaluated: {section.status_unavailable}"))
    descriptions = {goal.goal: goal.description for goal in section.goals}
    rows = [
        [
            target.goal,
            _short(target.metric),
            target.scope,
            f"{target.op} {target.written}",
            target.by.isoformat() if target.by else "",
            value_text(target.current, target.unit),
            target.status,
            "yes" if target.funded else "no",
            target.reason,
        ]
        for target in section.targets
    ]
    headers = ["goal", "metric", "scope", "target", "by", "current", "status", "funded", "why"]
    if rows:
        blocks.append(TableBlock.of(headers, rows))
    untargeted = [goal for goal in descriptions if goal not in {target.goal for target in section.targets}]
    if untargeted:
        blocks.append(Paragraph(f"Goals without an evaluated target: {', '.join(untargeted)}."))
    figures = [_target_figure(target, index) for index, target in enumerate(section.targets, start=1)]
    return blocks + [figure for figure in figures if figure is not None]


def _review_blocks(review: ReviewReport) -> list[Block]:
    """`charter review`'s layout under the report's section heading: its own title left out, its
    headings one level down."""
    blocks: list[Block] = []
    for block in review_document(review).blocks[1:]:
        if isinstance(block, Heading):
            blocks.append(dataclasses.replace(block, level=block.level + 1))
        elif isinstance(block, TableBlock):
            blocks.append(dataclasses.replace(block, title_level=block.title_level + 1))
        else:
            blocks.append(block)
    return blocks


def _pending_blocks(anchor: str, section: view.PendingSection) -> list[Block]:
    return [_heading(anchor), Paragraph(f"Not available: {section.unavailable}.")]


def _trend_figures(section: view.MetricSection, prefix: str) -> list[Block]:
    by_metric: dict[str, list[view.MetricTrend]] = defaultdict(list)
    for trend in section.trends:
        by_metric[trend.metric].append(trend)
    figures: list[Block] = []
    for metric, trends in by_metric.items():
        unit = trends[0].unit
        points = [
            TrendPoint(trend.scope, point.day, _chart_value(point.value, unit))
            for trend in trends
            for point in trend.points
            if point.value is not None
        ]
        if points:
            chart_id = f"{prefix}-" + re.sub(r"[^a-z0-9]+", "-", metric.split(".", 1)[-1])
            figures.append(trend_figure(chart_id, f"{_short(metric)} ({metric})", _chart_unit(unit), points))
    return figures


def _metric_table(section: view.MetricSection, title: str, banded: bool = False) -> list[Block]:
    if section.unavailable:
        return [Paragraph(f"Not available: {section.unavailable}.")]
    metrics = section.metrics
    columns = [Column("scope")] + [Column(_short(metric), justify="right") for metric in metrics]

    def row(scope: view.ScopeValues) -> list[str]:
        cells = []
        for metric in metrics:
            text = value_text(scope.values.get(metric), section.units.get(metric))
            named = scope.bands.get(metric) if banded else None
            cells.append(f"{text} ({named})" if named and text != NO_DATA else text)
        return [scope.scope, *cells]

    scopes = ([section.organization] if section.organization else []) + list(section.teams[:TEAMS_SHOWN])
    blocks: list[Block] = [TableBlock(columns, [row(scope) for scope in scopes], title=title, title_level=3)]
    if len(section.teams) > TEAMS_SHOWN:
        blocks.append(Paragraph(f"{len(section.teams) - TEAMS_SHOWN} more teams are in the JSON form of the report."))
    return blocks


def _health_blocks(section: view.HealthSection) -> list[Block]:
    version = f" (method version {section.method_version:.0f})" if section.method_version is not None else ""
    blocks: list[Block] = [
        Paragraph(
            f"Scores out of 100 by area{version}; `charter assess --explain TEAM` shows each check and next step."
        )
    ]
    return blocks + _metric_table(section.scores, "Health by team") + _trend_figures(section.scores, "health")


def _reliability_blocks(section: view.ReliabilitySection) -> list[Block]:
    blocks: list[Block] = [_heading("reliability")]
    if section.budgets_unavailable:
        blocks.append(Paragraph(f"Error budgets not available: {section.budgets_unavailable}."))
    else:
        measured = [item for item in section.budgets if item.budget_remaining is not None]
        rows = [
            [
                item.component,
                ", ".join(item.slos),
                value_text(item.attainment, "ratio") if item.attainment is None else f"{item.attainment:.3%}",
                value_text(item.budget_remaining, "ratio"),
                "yes" if item.exhausted else "no",
            ]
            for item in measured[:TEAMS_SHOWN]
        ]
        headers = ["component", "SLOs", "attained (worst SLO)", "budget left (worst SLO)", "exhausted"]
        title = "Error budgets by component, least left first"
        blocks.append(
            TableBlock.of(headers, rows, title=title, title_level=3) if rows else Paragraph("No SLO has data.")
        )
        without = [item.component for item in section.budgets if item.budget_remaining is None]
        if without:
            shown = ", ".join(without[:10]) + (f" and {len(without) - 10} more" if len(without) > 10 else "")
            blocks.append(Paragraph(f"{len(without)} components have SLOs with no SLI data: {shown}."))
        if measured:
            bars = [
                Bar(
                    item.component,
                    round(100 * (item.budget_remaining or 0.0), 2),
                    "exhausted" if item.exhausted else "left",
                )
                for item in measured[:15]
            ]
            blocks.append(bar_figure("budgets", "Error budget left (%), least first", "%", bars))
    blocks += _metric_table(section.incidents, "Incidents by team")
    return blocks + _trend_figures(section.incidents, "incidents")


def _risks_blocks(section: view.RisksSection) -> list[Block]:
    blocks: list[Block] = [_heading("risks")]
    register = section.risk_register
    if register is None:
        return [*blocks, Paragraph(f"Not available: {section.unavailable}.")]
    cells = [HeatCell(cell.likelihood, cell.impact, cell.count, cell.level) for cell in register.heat_map]
    blocks.append(
        heat_map_figure("risk-heat-map", "Open risks by current residual likelihood and impact", cells, register.levels)
    )
    above = [
        [item.risk, "accepted" if item.acceptable else "not accepted", item.why] for item in register.above_appetite
    ]
    blocks.append(
        TableBlock.of(["risk", "acceptance", "why"], above, title="Above appetite", title_level=3)
        if above
        else Paragraph("No risk is above its category's appetite.")
    )
    mitigations = [
        [
            entry.risk,
            entry.residual.level,
            ", ".join(f"{item.initiative} ({item.committed or 'not committed'})" for item in entry.mitigated_by),
            "funded" if any(item.committed for item in entry.mitigated_by) else "not funded",
        ]
        for entry in register.risks
        if entry.status != "closed" and entry.mitigated_by
    ]
    if mitigations:
        headers = ["risk", "residual", "mitigated by", "funding"]
        blocks.append(TableBlock.of(headers, mitigations[:TEAMS_SHOWN], title="Mitigations", title_level=3))
    return blocks


def source_blocks(source: view.ReportSource) -> list[Block]:
    """The document's title and what it was made from."""
    return _source_blocks(source)


def section_blocks(report: view.StrategyReport) -> list[Block]:
    """Every section, the executive summary first."""
    blocks: list[Block] = _summary_blocks(report)
    blocks += _goals_blocks(report.goals)
    blocks += [_heading("escalations"), *escalations_blocks(report.escalations)]
    blocks += [_heading("health"), *_health_blocks(report.health)]
    blocks += [_heading("delivery"), *_metric_table(report.delivery, "DORA by team (band)", banded=True)]
    blocks += _trend_figures(report.delivery, "delivery")
    blocks += _reliability_blocks(report.reliability)
    blocks += [_heading("security"), *_metric_table(report.security.exposure, "Exposure by team")]
    blocks += _trend_figures(report.security.exposure, "security")
    blocks += controls_blocks(report.security.controls)
    blocks += _risks_blocks(report.risks)
    blocks += [_heading("roadmap"), *roadmap_blocks(report.roadmap)]
    blocks += [_heading("standards"), *standards_blocks(report.standards)]
    blocks += [_heading("code-health"), *_metric_table(report.code_health, "Code health by team")]
    blocks += _trend_figures(report.code_health, "code-health")
    blocks += [_heading("decisions"), *decisions_blocks(report.decisions)]
    if isinstance(report.review, ReviewReport):
        blocks += [_heading("review"), *_review_blocks(report.review)]
    elif report.review is not None:
        blocks += _pending_blocks("review", report.review)
    return blocks


def strategy_document(report: view.StrategyReport) -> Document:
    return Document([*_source_blocks(report.source), *section_blocks(report)])
