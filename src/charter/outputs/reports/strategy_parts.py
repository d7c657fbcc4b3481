"""The parts of `charter report`'s layout read from the strategy files: control coverage, the
roadmap by quarter and team with what did not fit, standards levels by team, decisions."""

from __future__ import annotations

from charter.outputs.charts.figures import Bar, bar_figure
from charter.outputs.document import Block, Paragraph, TableBlock
from charter.outputs.views import strategy as view
from charter.outputs.views.controls import ObligationCoverage

ROWS_SHOWN = 40
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def escalations_blocks(section: view.EscalationsSection) -> list[Block]:
    report = section.escalations
    if report is None:
        return [Paragraph(f"Not available: {section.unavailable}.")]
    items = [item for digest in report.digests for item in digest.escalations if item.state == "open"]
    items.sort(key=lambda item: (SEVERITY_RANK.get(item.severity, 3), item.code, item.subject))
    counts = report.counts
    blocks: list[Block] = [
        Paragraph(
            f"{counts.open} open, {counts.acknowledged} acknowledged, {counts.suppressed} suppressed"
            f" at {report.as_of:%Y-%m-%d}."
        )
    ]
    if items:
        rows = [[item.severity, item.code, item.subject, item.owner or "nobody", item.message] for item in items]
        headers = ["severity", "code", "subject", "owner", "what"]
        blocks.append(TableBlock.of(headers, rows[:ROWS_SHOWN], title="Open escalations, errors first", title_level=3))
        if len(items) > ROWS_SHOWN:
            blocks.append(
                Paragraph(f"{len(items) - ROWS_SHOWN} more open escalations: `charter escalations` lists them.")
            )
    if report.not_evaluated:
        skipped = "; ".join(f"{item.code}: {item.reason}" for item in report.not_evaluated)
        blocks.append(Paragraph(f"Not evaluated: {skipped}."))
    return blocks


def _weeks(value: float) -> str:
    return f"{value:,.1f}"


def controls_blocks(obligations: list[ObligationCoverage]) -> list[Block]:
    if not obligations:
        return [Paragraph("No compliance obligation is listed in charter.yaml or controls/.")]
    rows = [
        [
            item.obligation,
            "yes" if item.required else "no",
            str(item.applicable),
            "no data" if item.coverage is None else f"{item.coverage:.0%}",
            str(len(item.gaps)),
            str(len(item.stale)),
        ]
        for item in obligations
    ]
    headers = ["obligation", "required", "applicable", "implemented", "gaps", "stale reviews"]
    return [TableBlock.of(headers, rows, title="Controls coverage", title_level=3)]


def roadmap_blocks(section: view.RoadmapSection) -> list[Block]:
    plan = section.plan
    if plan is None:
        return [Paragraph(f"Not available: {section.unavailable}.")]
    blocks: list[Block] = [
        Paragraph(
            f"Plan over {', '.join(plan.quarters)}: status {plan.status}, cost-of-delay objective"
            f" {plan.objective:,.0f}, proven gap {plan.gap:.1%}."
        )
    ]
    quarters = plan.quarters
    by_quarter = [
        [
            item.initiative,
            item.owner or "",
            item.committed or "",
            item.delivered or "not delivered",
            *(
                _weeks(sum(item.work.get(quarter, {}).values())) if item.work.get(quarter) else ""
                for quarter in quarters
            ),
        ]
        for item in sorted(plan.initiatives, key=lambda item: (item.delivered or "~", item.initiative))
    ]
    headers = ["initiative", "owner", "committed", "delivered", *quarters]
    blocks.append(TableBlock.of(headers, by_quarter[:ROWS_SHOWN], title="Plan by quarter (team-weeks)", title_level=3))
    teams = [
        [row.team, row.quarter, _weeks(row.available), _weeks(row.planned), _weeks(row.headroom)]
        for row in plan.capacity
    ]
    blocks.append(
        TableBlock.of(
            ["team", "quarter", "available", "planned", "headroom"],
            teams[:ROWS_SHOWN],
            title="Capacity by team",
            title_level=3,
        )
    )
    unscheduled = sorted(plan.tradeoffs.unscheduled, key=lambda item: (-item.value_given_up, item.initiative))
    if unscheduled:
        rows = [
            [item.initiative, item.binding, f"{item.value_given_up:,.0f}", item.smallest_change, item.explanation]
            for item in unscheduled
        ]
        headers = ["initiative", "why not", "value given up", "smallest change", "explanation"]
        blocks.append(
            TableBlock.of(headers, rows[:ROWS_SHOWN], title="What did not fit, and what it costs", title_level=3)
        )
        bars = [Bar(item.initiative, item.value_given_up, item.binding) for item in unscheduled[:12]]
        blocks.append(bar_figure("roadmap-cost", "Value given up by what did not fit", "cost of delay", bars))
    else:
        blocks.append(Paragraph("Every initiative fits in the horizon."))
    return blocks


def standards_blocks(section: view.StandardsSection) -> list[Block]:
    if not section.standards:
        return [Paragraph("No Standard is defined in standards/.")]
    blocks: list[Block] = []
    for standard in section.standards:
        rows = [
            [rollup.group, str(rollup.total), *(f"{rollup.at_least.get(level, 0.0):.0%}" for level in standard.levels)]
            for rollup in standard.by_team
        ]
        headers = ["team", "entities", *(f"≥ {level}" for level in standard.levels)]
        blocks.append(TableBlock.of(headers, rows[:ROWS_SHOWN], title=standard.title, title_level=3))
    return blocks


def decisions_blocks(section: view.DecisionsSection) -> list[Block]:
    if not section.decisions:
        return [Paragraph("No decision record is dated in the period.")]
    rows = [
        [item.date.isoformat() if item.date else "", item.decision, item.title, item.status or ""]
        for item in section.decisions
    ]
    return [TableBlock.of(["date", "decision", "title", "status"], rows)]
