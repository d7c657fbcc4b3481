"""`charter review` laid out: the period and its snapshots (or why there is no trend), the targets that
moved, the metrics that improved and regressed beyond their noise (in a terminal, the first of each),
risks, the incidents' trend (a chart in HTML), standards levels gained and lost per team, promises
against delivery, escalations, decisions taken, the sections without data, and the organisation's
current values. The CSV is one row per metric that moved."""

from __future__ import annotations

from charter.outputs.charts.figures import TrendPoint, trend_figure
from charter.outputs.document import (
    HTML,
    MARKDOWN,
    TERMINAL,
    Block,
    Column,
    CsvTable,
    Document,
    Heading,
    Paragraph,
    TableBlock,
    only,
)
from charter.outputs.reports.durations import duration_text
from charter.outputs.reports.targets import value_text
from charter.outputs.views.review import IncidentTrend, MetricMove, Promise, ReviewReport

SHOWN = 25  # rows of a long table a terminal shows
NONE = "—"


def _period(view: ReviewReport) -> str:
    since, until = view.since.date().isoformat(), view.until.date().isoformat()
    if view.start is None or view.end is None:
        return f"Review of {since} to {until}: no snapshot."
    if not view.trend:
        return f"Review of {since} to {until}: one snapshot ({view.end.taken_at.date().isoformat()})."
    start, end = view.start.taken_at.date().isoformat(), view.end.taken_at.date().isoformat()
    return (
        f"Review of {since} to {until}: {view.snapshots} snapshots, "
        f"from snapshot {view.start.id} ({start}) to snapshot {view.end.id} ({end})."
    )


def _change(move: MetricMove) -> str:
    if move.unit == "ratio":
        return f"{move.change * 100:+.3g}pp"
    sign = "+" if move.change >= 0 else "-"
    return sign + value_text(abs(move.change), move.unit)


def _moves_table(title: str, moves: list[MetricMove]) -> list[Block]:
    if not moves:
        return [Heading(title, level=2), Paragraph("None beyond their noise.")]
    headers = [
        Column("metric", fold=True),
        Column("scope", fold=True),
        Column("before", justify="right"),
        Column("after", justify="right"),
        Column("change", justify="right"),
        Column("noise", justify="right"),
    ]

    def rows(shown: list[MetricMove]) -> list[list[str]]:
        return [
            [
                move.metric,
                move.scope if move.scope_kind != "org" else "org",
                value_text(move.before, move.unit),
                value_text(move.after, move.unit),
                _change(move),
                value_text(move.noise, move.unit),
            ]
            for move in shown
        ]

    blocks: list[Block] = [
        TableBlock(headers, rows(moves), title=title, only=only(MARKDOWN, HTML)),
        TableBlock(headers, rows(moves[:SHOWN]), title=title, only=only(TERMINAL)),
    ]
    if len(moves) > SHOWN:
        blocks.append(
            Paragraph(f"… and {len(moves) - SHOWN} more (--format markdown or json lists all).", only(TERMINAL))
        )
    return blocks


def _targets(view: ReviewReport) -> list[Block]:
    if not view.targets:
        return [Heading("Targets", level=2), Paragraph("No target in charter.yaml, or no snapshot to evaluate one.")]
    if view.trend:
        shown, title = view.targets_moved, "Targets that moved"
        if not shown:
            return [Heading(title, level=2), Paragraph(f"No target changed status ({len(view.targets)} targets).")]
    else:
        shown, title = view.targets, "Targets now"
    return [
        TableBlock.of(
            ["goal", "metric", "scope", "status before", "status after", "value before", "value after"],
            [
                [
                    row.goal,
                    row.metric,
                    row.scope,
                    row.before or NONE,
                    row.after,
                    value_text(row.value_before, row.unit),
                    value_text(row.value_after, row.unit),
                ]
                for row in shown
            ],
            title=title,
        )
    ]


def _risks(view: ReviewReport) -> list[Block]:
    risks = view.risks
    if not (risks.opened or risks.closed or risks.level_changes):
        return [
            Heading("Risks", level=2),
            Paragraph("No risk opened, closed or changed level." if view.trend else NONE),
        ]
    rows = [[risk, "opened", NONE, NONE] for risk in risks.opened]
    rows += [[risk, "closed", NONE, NONE] for risk in risks.closed]
    rows += [[item.risk, "level changed", item.before, item.after] for item in risks.level_changes]
    return [TableBlock.of(["risk", "change", "level before", "level after"], rows, title="Risks")]


def _incidents(trends: list[IncidentTrend]) -> list[Block]:
    if not trends:
        return []
    blocks: list[Block] = [
        TableBlock.of(
            ["metric", "before", "after"],
            [[item.metric, value_text(item.before, item.unit), value_text(item.after, item.unit)] for item in trends],
            title="Incidents trend (organisation, 90 days before each snapshot)",
        )
    ]
    counts = [item for item in trends if item.unit == "count"]
    points = [
        TrendPoint(item.metric.removeprefix("reliability."), point.taken_at.date(), point.value)
        for item in counts
        for point in item.points
        if point.value is not None
    ]
    if points:
        blocks.append(trend_figure("review-incidents", "Incidents over the period", "count", points))
    return blocks


def _standards(view: ReviewReport) -> list[Block]:
    if not view.trend:
        return []
    moves = [*view.standards_gained, *view.standards_lost]
    if not moves:
        return [Heading("Standards levels", level=2), Paragraph("No entity gained or lost a level.")]
    gained = {id(item) for item in view.standards_gained}
    return [
        TableBlock.of(
            ["team", "gained", "lost"],
            [[item.team or NONE, str(item.gained), str(item.lost)] for item in view.standards_by_team],
            title="Standards levels gained and lost per team",
        ),
        TableBlock.of(
            ["team", "standard", "entity", "level before", "level after", "change"],
            [
                [
                    item.team or NONE,
                    item.standard,
                    item.entity,
                    item.before or "none",
                    item.after or "none",
                    "gained" if id(item) in gained else "lost",
                ]
                for item in sorted(moves, key=lambda move: (move.team or "", move.standard, move.entity))
            ],
            only=only(MARKDOWN, HTML),
        ),
    ]


def _promises(title: str, promises: list[Promise]) -> list[Block]:
    if not promises:
        return [Heading(title, level=2), Paragraph("None.")]
    return [
        TableBlock.of(
            ["initiative", "title", "owner", "committed", "due by", "status now", "committed now"],
            [
                [
                    item.initiative,
                    item.title,
                    item.owner or NONE,
                    item.committed,
                    item.due_by.isoformat(),
                    item.status,
                    item.recommitted or NONE,
                ]
                for item in promises
            ],
            title=title,
        )
    ]


def _hours(hours: float | None) -> str:
    return duration_text(hours * 3600) if hours is not None else NONE


def _escalations(view: ReviewReport) -> list[Block]:
    times = view.escalation_times
    blocks: list[Block] = [
        Heading("Escalations", level=2),
        Paragraph(
            f"{times.raised} raised in the period, {times.resolved} of them resolved "
            f"(time to resolve: median {_hours(times.median_hours_to_resolve)}, "
            f"90th percentile {_hours(times.p90_hours_to_resolve)}), {times.still_open} still open."
        ),
    ]
    rows = [
        [item.id, "opened", item.code, item.subject, item.owner or NONE, item.severity, _hours(item.hours_to_resolve)]
        for item in view.escalations_opened
    ]
    rows += [
        [item.id, "resolved", item.code, item.subject, item.owner or NONE, item.severity, _hours(item.hours_to_resolve)]
        for item in view.escalations_resolved
    ]
    if rows:
        headers = ["escalation", "in the period", "code", "subject", "owner", "severity", "time to resolve"]
        blocks.append(TableBlock.of(headers, rows, only=only(MARKDOWN, HTML)))
        blocks.append(TableBlock.of(headers, rows[:SHOWN], only=only(TERMINAL)))
        if len(rows) > SHOWN:
            blocks.append(Paragraph(f"… and {len(rows) - SHOWN} more.", only(TERMINAL)))
    return blocks


def review_document(view: ReviewReport) -> Document:
    blocks: list[Block] = [Heading("Review"), Paragraph(_period(view))]
    if view.no_trend_reason:
        blocks.append(Paragraph(view.no_trend_reason))
    blocks += _targets(view)
    if view.trend:
        blocks.append(Paragraph(f"Noise: {view.noise}."))
        blocks += _moves_table("Improved", view.improved)
        blocks += _moves_table("Regressed", view.regressed)
    blocks += _risks(view)
    blocks += _incidents(view.incidents)
    blocks += _standards(view)
    blocks.append(Paragraph(f"Commitments read from {view.commitments_from}."))
    blocks += _promises("Delivered as committed", view.delivered)
    blocks += _promises("Slipped", view.slipped)
    blocks += _escalations(view)
    blocks.append(
        TableBlock.of(
            ["date", "decision", "title", "status"],
            [[item.date.isoformat(), item.id, item.title, item.status or NONE] for item in view.decisions],
            title="Decisions taken",
        )
        if view.decisions
        else Paragraph("No decision record dated in the period.")
    )
    blocks.append(
        TableBlock.of(
            ["metric", "value"],
            [[item.metric, value_text(item.value, item.unit)] for item in view.current],
            title="The organisation now",
        )
    )
    if view.unavailable:
        blocks.append(
            TableBlock.of(
                ["section", "why it is not shown"],
                [[item.section, item.reason] for item in view.unavailable],
                title="Not in this review yet",
            )
        )
    csv = CsvTable(
        ["direction", "metric", "scope_kind", "scope", "unit", "before", "after", "change", "noise"],
        [
            [move.direction, move.metric, move.scope_kind, move.scope, move.unit, move.before, move.after,
             move.change, move.noise]
            for move in [*view.improved, *view.regressed]
        ],
    )  # fmt: skip
    return Document(blocks, csv)
