"""Scorecard renderers: per-entity levels with failing rules, and the team and system rollups, as
a terminal table, JSON, CSV or Markdown."""

from __future__ import annotations

import csv
import io
from typing import Any

from rich.console import Console
from rich.table import Table

from charter.analysis.scorecard import StandardScorecard
from charter.analysis.standards import EntityScore, Outcome, Rollup
from charter.outputs.json_text import indented_json


def _level_text(score: EntityScore) -> str:
    text = score.level or "none"
    return f"{text} ({score.pending} unknown)" if score.pending else text


def _failing_text(score: EntityScore) -> str:
    return ", ".join(f"{result.rule.id} ({result.rule.level})" for result in score.failing)


def scorecard_as_data(cards: list[StandardScorecard]) -> list[dict[str, Any]]:
    def rollups(items: list[Rollup]) -> list[dict[str, Any]]:
        return [{"group": r.group, "total": r.total, "atLeast": r.at_least} for r in items]

    return [
        {
            "standard": card.standard.ref.short,
            "levels": card.standard.spec.levels,
            "entities": [
                {
                    "entity": score.entity.short,
                    "level": score.level,
                    "pending": score.pending,
                    "rules": {result.rule.id: result.outcome.value for result in score.results},
                    "failing": [result.rule.id for result in score.failing],
                }
                for score in card.scores
            ],
            "byTeam": rollups(card.by_team),
            "bySystem": rollups(card.by_system),
        }
        for card in cards
    ]


def render_json(cards: list[StandardScorecard]) -> str:
    return indented_json({"scorecards": scorecard_as_data(cards)})


def render_csv(cards: list[StandardScorecard]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["standard", "entity", "level", "pending", "failing", "unknown"])
    for card in cards:
        for score in card.scores:
            unknown = [r.rule.id for r in score.results if r.outcome is Outcome.UNKNOWN]
            writer.writerow(
                [
                    card.standard.ref.short,
                    score.entity.short,
                    score.level or "",
                    score.pending or "",
                    " ".join(r.rule.id for r in score.failing),
                    " ".join(unknown),
                ]
            )
    return buffer.getvalue()


def _percent(value: float) -> str:
    return f"{value:.0%}"


def render_markdown(cards: list[StandardScorecard]) -> str:
    lines: list[str] = []
    for card in cards:
        levels = card.standard.spec.levels
        lines += [f"## {card.standard.spec.title or card.standard.metadata.name}", ""]
        lines += ["| team | entities | " + " | ".join(levels) + " |", "|---|---|" + "---|" * len(levels)]
        lines += [
            f"| {r.group} | {r.total} | " + " | ".join(_percent(r.at_least[level]) for level in levels) + " |"
            for r in card.by_team
        ]
        lines += ["", "| entity | level | failing rules |", "|---|---|---|"]
        lines += [f"| {s.entity.short} | {_level_text(s)} | {_failing_text(s)} |" for s in card.scores]
        lines.append("")
    return "\n".join(lines)


def render_table(cards: list[StandardScorecard], *, width: int = 140, limit: int = 25) -> str:
    """Rollups first (what a leader reads), then the entities furthest from the top level."""
    console = Console(record=True, width=width, file=io.StringIO())
    for card in cards:
        levels = card.standard.spec.levels
        title = card.standard.spec.title or card.standard.metadata.name
        for heading, items in (("team", card.by_team), ("system", card.by_system)):
            table = Table(title=f"{title}: by {heading}", title_justify="left")
            table.add_column(heading)
            table.add_column("entities", justify="right")
            for level in levels:
                table.add_column(f"≥ {level}", justify="right")
            for item in items:
                table.add_row(item.group, str(item.total), *(_percent(item.at_least[level]) for level in levels))
            console.print(table)
        worst = sorted(card.scores, key=lambda s: (levels.index(s.level) if s.level else -1, str(s.entity)))
        table = Table(title=f"{title}: entities below {levels[-1]} (worst first)", title_justify="left")
        table.add_column("entity")
        table.add_column("level")
        table.add_column("failing rules", overflow="fold")
        shown = [score for score in worst if score.level != levels[-1]]
        for score in shown[:limit]:
            table.add_row(score.entity.short, _level_text(score), _failing_text(score))
        console.print(table)
        if len(shown) > limit:
            console.print(f"… and {len(shown) - limit} more (use --format json or csv for all)")
        at_top = sum(1 for s in card.scores if s.level == levels[-1])
        console.print(f"{title}: {len(card.scores)} entities, {at_top} at {levels[-1]}\n")
    if not cards:
        console.print("No standards declared: add kind Standard files under standards/.")
    return console.export_text()
