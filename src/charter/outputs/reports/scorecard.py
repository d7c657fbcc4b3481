"""`charter scorecard` laid out: per Standard, the team and system rollups first (what a leader
reads), then the entities furthest from the top level; the Markdown holds the team rollup and
every entity; the CSV one row per entity and Standard."""

from __future__ import annotations

from collections import defaultdict

from charter.outputs.document import (
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
from charter.outputs.views.scorecard import EntityLevel, Rollup, ScorecardReport, StandardScorecard

ENTITIES_SHOWN = 25
UNKNOWN_ENTITIES_SHOWN = 5


def _level_text(entity: EntityLevel) -> str:
    text = entity.level or "none"
    return f"{text} ({entity.pending} unknown)" if entity.pending else text


def _failing_text(entity: EntityLevel, card: StandardScorecard) -> str:
    return ", ".join(f"{rule} ({card.rule_levels[rule]})" for rule in entity.failing)


def _percent(value: float) -> str:
    return f"{value:.0%}"


def _rollup_rows(items: list[Rollup], levels: list[str]) -> list[list[str]]:
    return [[item.group, str(item.total), *(_percent(item.at_least[level]) for level in levels)] for item in items]


def _terminal_blocks(card: StandardScorecard) -> list[Block]:
    terminal = only(TERMINAL)
    levels = card.levels
    blocks: list[Block] = []
    for heading, items in (("team", card.by_team), ("system", card.by_system)):
        columns = [Column(heading), Column("entities", justify="right")]
        columns += [Column(f"≥ {level}", justify="right") for level in levels]
        blocks.append(
            TableBlock(columns, _rollup_rows(items, levels), title=f"{card.title}: by {heading}", only=terminal)
        )
    rank = {level: index for index, level in enumerate(levels)}
    worst = sorted(card.entities, key=lambda item: (rank[item.level] if item.level else -1, item.entity))
    shown = [item for item in worst if item.level != levels[-1]]
    blocks.append(
        TableBlock(
            [Column("entity"), Column("level"), Column("failing rules", fold=True)],
            [[item.entity, _level_text(item), _failing_text(item, card)] for item in shown[:ENTITIES_SHOWN]],
            title=f"{card.title}: entities below {levels[-1]} (worst first)",
            only=terminal,
        )
    )
    if len(shown) > ENTITIES_SHOWN:
        blocks.append(
            Paragraph(f"… and {len(shown) - ENTITIES_SHOWN} more (use --format json or csv for all)", only=terminal)
        )
    blocks += [Paragraph(line, only=terminal) for line in _unknown_lines(card)]
    at_top = sum(1 for item in card.entities if item.level == levels[-1])
    blocks.append(Paragraph(f"{card.title}: {len(card.entities)} entities, {at_top} at {levels[-1]}\n", only=terminal))
    return blocks


def _unknown_lines(card: StandardScorecard) -> list[str]:
    """Why rules are unknown, one line per rule and reason, naming the entities it holds for."""
    entities_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in card.entities:
        for rule, why in item.unknown_because.items():
            entities_of[(rule, why)].append(item.entity)
    lines = []
    for (rule, why), entities in sorted(entities_of.items()):
        shown = ", ".join(entities[:UNKNOWN_ENTITIES_SHOWN])
        more = f" and {len(entities) - UNKNOWN_ENTITIES_SHOWN} more" if len(entities) > UNKNOWN_ENTITIES_SHOWN else ""
        lines.append(f"{rule} ({card.rule_levels[rule]}) is unknown for {shown}{more}: {why}.")
    return lines


def _markdown_blocks(card: StandardScorecard) -> list[Block]:
    markdown = only(MARKDOWN)
    levels = card.levels
    return [
        Heading(card.title, level=2, only=markdown),
        TableBlock.of(["team", "entities", *levels], _rollup_rows(card.by_team, levels), only=markdown, escape=False),
        TableBlock.of(
            ["entity", "level", "failing rules"],
            [[item.entity, _level_text(item), _failing_text(item, card)] for item in card.entities],
            only=markdown,
            escape=False,
        ),
        *(Paragraph(line, only=markdown) for line in _unknown_lines(card)),
    ]


def scorecard_document(view: ScorecardReport) -> Document:
    blocks: list[Block] = []
    for card in view.scorecards:
        blocks += _terminal_blocks(card) + _markdown_blocks(card)
    if not view.scorecards:
        blocks.append(
            Paragraph("No standards declared: add kind Standard files under standards/.", only=only(TERMINAL))
        )
    csv_rows = [
        [
            card.standard,
            item.entity,
            item.level or "",
            item.pending or "",
            " ".join(item.failing),
            " ".join(rule for rule, outcome in item.rules.items() if outcome == "unknown"),
            "; ".join(f"{rule}: {why}" for rule, why in item.unknown_because.items()),
        ]
        for card in view.scorecards
        for item in card.entities
    ]
    header = ["standard", "entity", "level", "pending", "failing", "unknown", "unknown_because"]
    return Document(blocks, CsvTable(header, csv_rows), 140)
