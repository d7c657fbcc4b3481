"""`charter controls` laid out: the counts by status and the coverage of every obligation, then per
obligation its requirements (Markdown) or what needs attention and the risks its controls mitigate
(terminal)."""

from __future__ import annotations

from charter.outputs.document import (
    MARKDOWN,
    TERMINAL,
    Block,
    Column,
    Document,
    Heading,
    Paragraph,
    TableBlock,
    only,
)
from charter.outputs.markdown import escape
from charter.outputs.views.controls import ControlsReport, ObligationCoverage, RequirementCoverage

SHOWN = 25  # list items a terminal shows
NONE = "—"
NO_OBLIGATION = "No obligation: list them in charter.yaml `spec.compliance` and add ControlSets under controls/."
REQUIREMENT_HEADERS = ["requirement", "title", "status", "owner", "evidence", "review by", "mitigates"]


def _percent(value: float | None) -> str:
    return NONE if value is None else f"{value:.0%}"


def _required(obligation: ObligationCoverage) -> str:
    return "yes" if obligation.required else "no"


def _counts(obligation: ObligationCoverage, statuses: list[str]) -> list[str]:
    return [str(obligation.counts[status]) for status in statuses]


def _requirement_row(item: RequirementCoverage) -> list[str]:
    evidence = ", ".join(f"{path} (missing)" if path in item.evidence_missing else path for path in item.evidence)
    return [
        item.id,
        item.title,
        item.status,
        item.owner or NONE,
        evidence or NONE,
        f"{item.review_by} (overdue)" if item.stale else str(item.review_by or NONE),
        ", ".join(item.mitigates) or NONE,
    ]


def _problems(obligation: ObligationCoverage) -> list[str]:
    requirements = obligation.requirements
    lines = [f"gap: {item.id} {item.title} ({item.status})".rstrip() for item in requirements if item.gap]
    lines += [
        f"evidence missing: {item.id}: {', '.join(item.evidence_missing)}"
        for item in requirements
        if item.evidence_missing
    ]
    lines += [f"review overdue: {item.id} (due {item.review_by})" for item in requirements if item.stale]
    lines += [f"not in the OSCAL profile: {item.id}" for item in requirements if item.in_profile is False]
    return lines


def _mitigations(obligation: ObligationCoverage) -> list[str]:
    return [f"{item.id} mitigates {', '.join(item.mitigates)}" for item in obligation.requirements if item.mitigates]


def _markdown_blocks(view: ControlsReport) -> list[Block]:
    markdown = only(MARKDOWN)
    blocks: list[Block] = [
        Heading(f"Control coverage ({view.as_of.isoformat()})", only=markdown),
        TableBlock.of(
            ["obligation", "required", *view.statuses, "coverage"],
            [
                [item.obligation, _required(item), *_counts(item, view.statuses), _percent(item.coverage)]
                for item in view.obligations
            ],
            only=markdown,
        ),
    ]
    for obligation in view.obligations:
        blocks += [
            Heading(escape(obligation.obligation), level=2, only=markdown),
            Paragraph(f"Requirements from {escape(obligation.source)}.", only=markdown),
            TableBlock.of(
                REQUIREMENT_HEADERS, [_requirement_row(item) for item in obligation.requirements], only=markdown
            ),
        ]
    return blocks


def _terminal_blocks(view: ControlsReport) -> list[Block]:
    terminal = only(TERMINAL)
    columns = [
        Column("obligation"),
        Column("required"),
        *(Column(status, justify="right") for status in view.statuses),
        Column("coverage", justify="right"),
        Column("requirements from", fold=True),
    ]
    rows = [
        [item.obligation, _required(item), *_counts(item, view.statuses), _percent(item.coverage), item.source]
        for item in view.obligations
    ]
    blocks: list[Block] = [TableBlock(columns, rows, title=f"Control coverage ({view.as_of})", only=terminal)]
    for obligation in view.obligations:
        for title, items in (("needs attention", _problems(obligation)), ("risks mitigated", _mitigations(obligation))):
            if not items:
                continue
            lines = [f"\n{obligation.obligation}: {title} ({len(items)})", *(f"  {item}" for item in items[:SHOWN])]
            if len(items) > SHOWN:
                lines.append(f"  … and {len(items) - SHOWN} more (--format json or markdown lists all)")
            blocks.append(Paragraph("\n".join(lines), only=terminal))
    return blocks


def controls_document(view: ControlsReport) -> Document:
    blocks = _markdown_blocks(view) + _terminal_blocks(view)
    if not view.obligations:
        blocks.append(Paragraph(NO_OBLIGATION))
    return Document(blocks, width=160)
