"""`charter plan` laid out: the objective and its proven gap, the tradeoffs first (what is not
delivered and why, risks and goals left, broken deadlines, changes to what is committed, marginal
value of a team-week), then the initiatives with their WSJF and work, and each team-quarter's
capacity; a scenario's difference from the baseline on top. The CSV is one row per initiative."""

from __future__ import annotations

from charter.outputs.document import Block, Column, CsvTable, Document, Heading, Paragraph, TableBlock
from charter.outputs.views.plan import PlannedInitiative, PlanReport, RiskLeft

NONE = "—"
SHOWN_MARGINAL = 15


def _work(item: PlannedInitiative) -> str:
    return "; ".join(
        f"{quarter}: " + ", ".join(f"{team} {weeks:g}" for team, weeks in teams.items())
        for quarter, teams in item.work.items()
    )


def _risk(risk: RiskLeft) -> str:
    above = f" > appetite {risk.appetite}" if risk.above_appetite and risk.appetite else ""
    return f"{risk.risk} ({risk.residual}{above})"


def _summary(view: PlanReport) -> str:
    delivered = sum(1 for item in view.initiatives if item.delivered)
    span = f"{view.quarters[0]}..{view.quarters[-1]}" if view.quarters else "no quarter with a Capacity"
    return (
        f"Plan for {span}: {delivered} of {len(view.initiatives)} initiatives delivered; "
        f"objective {view.objective:g} (Σ cost of delay × quarters delivered), "
        f"proven gap {view.gap:.2%} ({view.status})."
    )


def _scenario_blocks(view: PlanReport) -> list[Block]:
    scenario = view.scenario
    if scenario is None:
        return []
    lines = [
        f"Scenario {scenario.file}: objective {scenario.objective:g} against {scenario.baseline_objective:g} "
        f"in the baseline ({scenario.value_change:+g})."
    ]
    lines += [f"  applied: {line}" for line in scenario.applied]
    return [
        Heading("Scenario against the baseline", level=2),
        Paragraph("\n".join(lines)),
        TableBlock.of(
            ["initiative", "baseline", "scenario"],
            [
                [item.initiative, item.baseline or "not delivered", item.scenario or "not delivered"]
                for item in scenario.changes
            ],
        ),
    ]


def _tradeoff_blocks(view: PlanReport) -> list[Block]:
    tradeoffs = view.tradeoffs
    blocks: list[Block] = [Heading("Tradeoffs", level=2)]
    if not tradeoffs.unscheduled:
        blocks.append(Paragraph("Every initiative planned is delivered in the horizon."))
    else:
        blocks.append(
            TableBlock(
                [
                    Column("not delivered"),
                    Column("binding", fold=True),
                    Column("value given up", justify="right"),
                    Column("smallest change that schedules it", fold=True),
                    Column("risks left", fold=True),
                ],
                [
                    [
                        item.initiative,
                        item.explanation,
                        f"{item.value_given_up:g}",
                        item.smallest_change,
                        ", ".join(_risk(risk) for risk in item.risks_left_unmitigated) or NONE,
                    ]
                    for item in tradeoffs.unscheduled
                ],
                title="Initiatives not delivered",
                title_level=3,
            )
        )
    above = [risk for risk in tradeoffs.risks_left_unmitigated if risk.above_appetite]
    lines = [
        f"Risk above appetite left unmitigated: {risk.risk} (residual {risk.residual}, appetite {risk.appetite})"
        for risk in above
    ]
    lines += [
        f"Goal without a funded initiative: {goal.goal}"
        + (f" (not delivered: {', '.join(goal.unscheduled_initiatives)})" if goal.unscheduled_initiatives else "")
        for goal in tradeoffs.goals_without_funded_initiative
    ]
    lines += [
        f"Deadline broken: {item.initiative} due {item.deadline}, "
        f"planned {item.delivered or 'not delivered'}: {item.reason}"
        for item in tradeoffs.broken_deadlines
    ]
    changed = [item for item in tradeoffs.commitments if item.change != "kept"]
    lines += [
        f"Against today's commitments: {item.initiative} {item.change}"
        + (
            f" ({item.committed or NONE} → {item.planned or 'not delivered'})"
            if item.change != "added"
            else f" in {item.planned}"
        )
        + (f" by decision {item.decision}" if item.decision else "")
        for item in changed
    ]
    shortfall = [
        f"{quarter} {share:.0%}"
        for quarter, share in view.reliability_share.items()
        if share < view.min_reliability_allocation
    ]
    if shortfall:
        short = "; ".join(f"{quarter} {weeks:g}" for quarter, weeks in view.reliability_shortfall.items())
        lines.append(
            f"Reliability, debt and security work below {view.min_reliability_allocation:.0%} of capacity: "
            + ", ".join(shortfall)
            + (f" (team-weeks short, not enough such work proposed: {short})" if short else "")
        )
    if lines:
        blocks.append(Paragraph("\n".join(lines)))
    marginal = sorted(tradeoffs.marginal_values, key=lambda item: (-item.value_per_team_week, item.team, item.quarter))
    if marginal:
        blocks.append(
            TableBlock.of(
                ["team", "quarter", "value of one more team-week"],
                [[item.team, item.quarter, f"{item.value_per_team_week:.3g}"] for item in marginal[:SHOWN_MARGINAL]],
                title="Marginal value of capacity",
                title_level=3,
            )
        )
    return blocks


def plan_document(view: PlanReport) -> Document:
    blocks: list[Block] = [Heading("Roadmap plan"), Paragraph(_summary(view))]
    blocks += _scenario_blocks(view)
    blocks += _tradeoff_blocks(view)
    blocks.append(
        TableBlock.of(
            ["initiative", "type", "WSJF", "committed", "delivered", "value", "work"],
            [
                [
                    item.initiative,
                    item.type,
                    item.wsjf.formula,
                    item.committed or NONE,
                    item.delivered or "not delivered",
                    f"{item.value:g}",
                    _work(item) or NONE,
                ]
                for item in view.initiatives
            ],
            title="Initiatives",
        )
    )
    blocks.append(
        TableBlock.of(
            ["team", "quarter", "capacity", "reserve", "available", "planned", "headroom"],
            [
                [
                    row.team,
                    row.quarter,
                    f"{row.capacity:g}",
                    f"{row.reserve:g}",
                    f"{row.available:g}",
                    f"{row.planned:g}",
                    f"{row.headroom:g}",
                ]
                for row in view.capacity
            ],
            title="Capacity by team and quarter",
        )
    )
    if view.left_out:
        blocks.append(
            Paragraph("Not planned: " + "; ".join(f"{item.initiative} ({item.reason})" for item in view.left_out))
        )
    csv = CsvTable(
        ["initiative", "type", "cost_of_delay", "team_weeks", "wsjf", "committed", "delivered", "value", "binding"],
        [
            [
                item.initiative,
                item.type,
                item.wsjf.cost_of_delay,
                item.wsjf.team_weeks,
                item.wsjf.score,
                item.committed or "",
                item.delivered or "",
                item.value,
                next(
                    (found.binding for found in view.tradeoffs.unscheduled if found.initiative == item.initiative), ""
                ),
            ]
            for item in view.initiatives
        ],
    )
    return Document(blocks, csv=csv, width=160)
