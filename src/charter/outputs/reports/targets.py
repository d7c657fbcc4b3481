"""`charter targets` laid out: a summary by status, then one row per target (current value against
the target, baseline, projection at its date with the band, rates, projected date, funding), the
targets whose scope selects several entities with the count meeting it, the backtest when asked, and
TGT005 diagnostics. Values are written in their metric's unit. The CSV is one row per target."""

from __future__ import annotations

from charter.outputs.document import Block, Column, CsvTable, Document, Heading, Paragraph, TableBlock
from charter.outputs.reports.durations import duration_text
from charter.outputs.views.targets import TargetRow, TargetsReport

NONE = "—"


def value_text(value: float | None, unit: str) -> str:
    """A value as people read its unit: 1.0d, 99.9%, 3."""
    if value is None:
        return NONE
    if unit == "seconds":
        return duration_text(value)
    if unit == "ratio":
        return f"{value * 100:.4g}%"
    if unit == "per_day":
        return f"{value:.3g}/day"
    if unit == "per_week":
        return f"{value:.3g}/week"
    return f"{value:.4g}"


def rate_text(per_day: float | None, unit: str) -> str:
    """A change per day in the metric's unit: -2.0h/day, +0.1pp/day, +0.5/day."""
    if per_day is None:
        return NONE
    sign = "-" if per_day < 0 else "+"
    if unit == "seconds":
        return f"{sign}{duration_text(abs(per_day))}/day"
    if unit == "ratio":
        return f"{sign}{abs(per_day) * 100:.3g}pp/day"
    return f"{sign}{abs(per_day):.3g}/day"


def _target(row: TargetRow) -> str:
    by = f" by {row.by.isoformat()}" if row.by else ""
    return f"{row.op} {value_text(row.value, row.unit)}{by}"


def _projection(row: TargetRow) -> str:
    projection = row.projection
    if projection is None:
        return NONE
    centre = value_text(projection.value, row.unit)
    if projection.low is None or projection.high is None:
        return f"{centre} ({projection.points} snapshots)"
    return f"{centre} [{value_text(projection.low, row.unit)}, {value_text(projection.high, row.unit)}]"


def _funding(row: TargetRow) -> str:
    funded = [
        item.initiative + (f" (plan: {item.planned})" if item.planned and not item.committed else "")
        for item in row.initiatives
        if item.funded
    ]
    return ", ".join(funded) if funded else "no funded initiative"


def _summary(view: TargetsReport) -> str:
    counts = ", ".join(f"{count} {state}" for state, count in view.counts.items() if count)
    if view.snapshots == 0:
        taken = "no snapshot yet (charter sync takes one)"
    elif view.first_snapshot and view.latest_snapshot:
        plural = "s" if view.snapshots > 1 else ""
        taken = (
            f"{view.snapshots} snapshot{plural} from {view.first_snapshot.date().isoformat()} "
            f"to {view.latest_snapshot.date().isoformat()}"
        )
    else:
        taken = f"{view.snapshots} snapshots"
    return f"{len(view.targets)} targets as of {view.as_of.date().isoformat()}, {taken}: {counts or 'none'}."


def _entity_blocks(view: TargetsReport) -> list[Block]:
    rows = [
        [
            row.goal,
            row.metric,
            row.scope,
            row.aggregate or NONE,
            f"{row.entities_meeting} of {row.entities_with_data}",
            str(len(row.entities) - row.entities_with_data),
        ]
        for row in view.targets
        if row.aggregate is not None
    ]
    if not rows:
        return []
    return [
        TableBlock.of(
            ["goal", "metric", "scope", "aggregate", "entities meeting it", "without data"],
            rows,
            title="Scopes of several entities",
        )
    ]


def _backtest_blocks(view: TargetsReport) -> list[Block]:
    rows = []
    for row in view.targets:
        result = row.backtest
        if result is None:
            continue
        tuned = ", ".join(f"{item.share:.0%}: {value_text(item.value, row.unit)}" for item in result.value_met_at)
        rows.append(
            [
                row.goal,
                row.metric,
                _target(row),
                f"{result.met} of {result.snapshots} ({result.share:.0%})" if result.snapshots else NONE,
                result.last_unmet.date().isoformat() if result.last_unmet else NONE,
                tuned or NONE,
            ]
        )
    if not rows:
        return []
    return [
        TableBlock(
            [
                Column("goal"),
                Column("metric"),
                Column("target"),
                Column("met at snapshots", justify="right"),
                Column("last unmet"),
                Column("value met at a share of snapshots", fold=True),
            ],
            rows,
            title="Backtest",
        )
    ]


def targets_document(view: TargetsReport) -> Document:
    blocks: list[Block] = [Heading("Targets"), Paragraph(_summary(view))]
    blocks.append(
        TableBlock(
            [
                Column("goal", fold=True),
                Column("metric", fold=True),
                Column("scope", fold=True),
                Column("target", fold=True),
                Column("current", justify="right"),
                Column("baseline", justify="right"),
                Column("status"),
                Column("projection at date", fold=True),
                Column("needed", justify="right"),
                Column("moving", justify="right"),
                Column("reached"),
                Column("funding", fold=True),
            ],
            [
                [
                    row.goal,
                    row.metric,
                    row.scope,
                    _target(row),
                    value_text(row.current, row.unit),
                    value_text(row.baseline, row.unit),
                    row.status,
                    _projection(row),
                    rate_text(row.required_per_day, row.unit),
                    rate_text(row.current_per_day, row.unit),
                    row.projected_date.isoformat() if row.projected_date else NONE,
                    _funding(row),
                ]
                for row in view.targets
            ],
            title="Targets against the snapshots",
        )
    )
    blocks += _entity_blocks(view)
    blocks += _backtest_blocks(view)
    if view.diagnostics:
        blocks.append(Paragraph("\n".join(view.diagnostics)))
    csv = CsvTable(
        [
            "goal",
            "metric",
            "unit",
            "scope",
            "aggregate",
            "op",
            "value",
            "by",
            "status",
            "current",
            "baseline",
            "projection",
            "projection_low",
            "projection_high",
            "required_per_day",
            "current_per_day",
            "projected_date",
            "entities_meeting",
            "entities_with_data",
            "funded",
            "backtest_share",
        ],
        [
            [
                row.goal,
                row.metric,
                row.unit,
                row.scope,
                row.aggregate or "",
                row.op,
                row.value,
                row.by.isoformat() if row.by else "",
                row.status,
                "" if row.current is None else row.current,
                "" if row.baseline is None else row.baseline,
                "" if row.projection is None else row.projection.value,
                "" if row.projection is None or row.projection.low is None else row.projection.low,
                "" if row.projection is None or row.projection.high is None else row.projection.high,
                "" if row.required_per_day is None else row.required_per_day,
                "" if row.current_per_day is None else row.current_per_day,
                row.projected_date.isoformat() if row.projected_date else "",
                row.entities_meeting,
                row.entities_with_data,
                row.funded,
                "" if row.backtest is None else row.backtest.share,
            ]
            for row in view.targets
        ],
    )
    return Document(blocks, csv)
