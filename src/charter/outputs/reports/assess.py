"""`charter assess` laid out: one row per scope with each area's score and, beside it, its confidence;
then each team's next steps. `--explain`: the scope's scores, then every check behind them. The CSV has
one row per scope and area (per check with `--explain`)."""

from __future__ import annotations

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
from charter.outputs.views.assess import AreaScore, AssessExplanation, AssessReport, ScopeScores

STEPS_SHOWN = 25  # in a terminal, the largest next steps of all teams


def _score_text(item: AreaScore) -> str:
    """`72 (90%)`: the score and its confidence; `– (0%)` when nothing is known; `n/a` when no check applies."""
    if item.confidence is None:
        return "n/a"
    score = "–" if item.score is None else f"{item.score:.0f}"
    return f"{score} ({item.confidence:.0%})"


def _number(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _scope_name(scope: ScopeScores) -> str:
    return f"{scope.scope} (tier {scope.tier})" if scope.tier is not None else scope.scope


def _scores_table(scopes: list[ScopeScores], areas: list[str], title: str | None) -> TableBlock:
    columns = [Column("scope"), Column("components", justify="right")]
    columns += [Column(area, justify="right") for area in areas]
    rows = [
        [_scope_name(scope), str(scope.components), *(_score_text(item) for item in scope.areas)] for scope in scopes
    ]
    return TableBlock(columns, rows, title=title)


def assess_document(view: AssessReport) -> Document:
    terminal = only(TERMINAL)
    blocks: list[Block] = [
        Heading(f"Assessment by {view.by} as of {view.as_of.date().isoformat()}"),
        _scores_table(view.scopes, view.areas, None),
        Paragraph(
            f"Scores 0-100 with their confidence (the share of the checks' weight whose evidence is known); "
            f"n/a: no check applies. Method {view.method}; `charter assess --explain REF` shows the checks."
        ),
    ]
    steps = [(step.gain, [team.team, step.component, step.check, f"+{step.gain:.1f}", step.evidence, step.fix])
             for team in view.next_steps for step in team.steps]  # fmt: skip
    if steps:
        columns = [Column("team"), Column("component"), Column("check"), Column("gain", justify="right"),
                   Column("evidence", fold=True), Column("next step", fold=True)]  # fmt: skip
        title = "Next steps per team (points the team's area score gains)"
        largest = sorted(steps, key=lambda item: -item[0])[:STEPS_SHOWN]
        blocks.append(TableBlock(columns, [row for _, row in largest], title=f"{title}, largest first", only=terminal))
        if len(steps) > STEPS_SHOWN:
            more = f"… and {len(steps) - STEPS_SHOWN} more (use --format json, markdown or --explain for all)"
            blocks.append(Paragraph(more, only=terminal))
        blocks.append(TableBlock(columns, [row for _, row in steps], title=title, only=only(MARKDOWN)))
    rows = [
        [scope.scope, scope.kind, scope.tier if scope.tier is not None else "", scope.components, item.area,
         _number(item.score), _number(item.confidence, 4)]
        for scope in view.scopes
        for item in scope.areas
    ]  # fmt: skip
    header = ["scope", "kind", "tier", "components", "area", "score", "confidence"]
    return Document(blocks, CsvTable(header, rows), 160)


def explanation_document(view: AssessExplanation) -> Document:
    scope = view.scope
    areas = [item.area for item in scope.areas]
    blocks: list[Block] = [
        Heading(f"Assessment of {scope.scope} as of {view.as_of.date().isoformat()}"),
        _scores_table([scope], areas, None),
    ]
    rows = [
        [item.component, f"{item.tier_weight:g}", item.check, f"{item.weight:g}", item.status,
         _number(item.value), item.evidence, item.evidence_at.date().isoformat() if item.evidence_at else ""]
        for item in view.checks
    ]  # fmt: skip
    blocks.append(
        TableBlock(
            [
                Column("component"),
                Column("tier weight", justify="right"),
                Column("check"),
                Column("weight", justify="right"),
                Column("status"),
                Column("value", justify="right"),
                Column("evidence", fold=True),
                Column("evidence at"),
            ],
            rows,
            title="Checks",
        )  # fmt: skip
    )
    blocks.append(
        Paragraph(
            f"Method {view.method}. score = 100 × Σ tier weight × weight × value / Σ tier weight × weight over the "
            "known checks; confidence = known weight / (known + unknown) weight; not applicable checks count in "
            "neither."
        )
    )
    header = ["component", "tier_weight", "area", "check", "weight", "status", "value", "evidence", "evidence_at"]
    csv_rows = [
        [item.component, item.tier_weight, item.area, item.check, item.weight, item.status, _number(item.value, 4),
         item.evidence, item.evidence_at.isoformat() if item.evidence_at else ""]
        for item in view.checks
    ]  # fmt: skip
    return Document(blocks, CsvTable(header, csv_rows), 160)
