"""`charter risks` laid out: the 5x5 heat map of open risks with each cell's matrix level, the
register highest residual first (in a terminal, the open risks only and the first of them), then
each list that needs attention and the changes since the last snapshot's register."""

from __future__ import annotations

from collections.abc import Sequence

from charter.outputs.document import (
    MARKDOWN,
    TERMINAL,
    Block,
    Column,
    Document,
    Heading,
    Paragraph,
    Styled,
    TableBlock,
    only,
)
from charter.outputs.markdown import escape
from charter.outputs.views.risks import HeatCell, RegisterEntry, RiskRegisterReport

SHOWN = 25  # rows and list items a terminal shows
NONE = "—"
HEAT_HEADERS = ["likelihood \\ impact", "1", "2", "3", "4", "5"]
REGISTER_HEADERS = [
    "risk",
    "title",
    "category",
    "owner",
    "residual (L×I)",
    "inherent",
    "target",
    "appetite",
    "status",
    "review by",
]
TERMINAL_REGISTER_HEADERS = [
    "risk",
    "category",
    "owner",
    "residual",
    "L×I",
    "target",
    "appetite",
    "status",
    "review by",
]


# A heat map cell's colour in a colour terminal, from the matrix's lowest level to its highest; a
# matrix with more or fewer levels is spread over them.
HEAT_STYLES = ("black on green", "black on yellow", "black on dark_orange", "white on red")


def level_style(level: str, levels: Sequence[str]) -> str:
    """The heat style of a matrix level (the highest for a level the matrix lacks)."""
    if level not in levels:
        return HEAT_STYLES[-1]
    if len(levels) < 2:
        return HEAT_STYLES[0]
    return HEAT_STYLES[round(levels.index(level) * (len(HEAT_STYLES) - 1) / (len(levels) - 1))]


def _cell(cell: HeatCell, levels: Sequence[str]) -> str:
    text = f"{cell.count} · {cell.level}" if cell.count else f"· {cell.level}"
    return Styled(text, level_style(cell.level, levels))


def _heat_rows(view: RiskRegisterReport) -> list[list[str]]:
    """Highest likelihood first, impact 1 to 5 across; each cell styled by its level."""
    rows: dict[int, list[HeatCell]] = {}
    for cell in view.heat_map:
        rows.setdefault(cell.likelihood, []).append(cell)
    return [
        [str(likelihood), *(_cell(cell, view.levels) for cell in sorted(cells, key=lambda cell: cell.impact))]
        for likelihood, cells in sorted(rows.items(), reverse=True)
    ]


def _register_row(entry: RegisterEntry) -> list[str]:
    residual = entry.residual
    return [
        entry.risk,
        entry.title,
        entry.category,
        entry.owner or NONE,
        f"{residual.level} ({residual.likelihood}×{residual.impact})",
        entry.inherent.level,
        entry.target_residual.level if entry.target_residual else NONE,
        entry.appetite or NONE,
        entry.status,
        entry.review_by.isoformat() if entry.review_by else NONE,
    ]


def _terminal_register_row(entry: RegisterEntry) -> list[str]:
    residual = entry.residual
    return [
        entry.risk,
        entry.category,
        entry.owner or "none",
        residual.level,
        f"{residual.likelihood}×{residual.impact}",
        entry.target_residual.level if entry.target_residual else NONE,
        entry.appetite or NONE,
        entry.status,
        str(entry.review_by or NONE),
    ]


def _sections(view: RiskRegisterReport) -> list[tuple[str, list[str]]]:
    """(title, items) of every list, in the order they are shown."""
    entries = {entry.risk: entry for entry in view.risks}
    sections = [
        (
            "Above appetite",
            [
                f"{item.risk}: {entries[item.risk].residual.level} > {entries[item.risk].appetite}; {item.why}"
                for item in view.above_appetite
            ],
        ),
        ("Review overdue", [f"{name}: due {entries[name].review_by}" for name in view.overdue_reviews]),
        (
            "Mitigating initiatives not committed to a quarter",
            [
                f"{name}: {', '.join(item.initiative for item in entries[name].mitigated_by)}"
                for name in view.mitigation_not_committed
            ],
        ),
        ("No owner", list(view.no_owner)),
        ("No treatment", list(view.no_treatment)),
    ]
    changes = view.since_last_snapshot
    if changes is not None:
        since = f"snapshot {changes.snapshot} of {changes.taken_at:%Y-%m-%d %H:%M} UTC"
        sections += [
            (f"New since {since}", list(changes.new)),
            (f"Closed since {since}", list(changes.closed)),
            (
                f"Level changed since {since}",
                [f"{item.risk}: {item.previous} → {item.to}" for item in changes.level_changes],
            ),
        ]
    else:
        sections.append(("Since the last snapshot", ["no snapshot has recorded the register yet (charter sync does)"]))
    return sections


def _markdown_blocks(view: RiskRegisterReport) -> list[Block]:
    markdown = only(MARKDOWN)
    blocks: list[Block] = [
        Heading(f"Risk register ({view.as_of.isoformat()})", only=markdown),
        TableBlock.of(
            HEAT_HEADERS,
            _heat_rows(view),
            title="Heat map (open risks, current residual)",
            only=markdown,
            escape=False,  # the cells are plain, and the header's backslash is meant
        ),
        TableBlock.of(
            REGISTER_HEADERS,
            [_register_row(entry) for entry in view.risks],
            title="Register, highest residual first",
            only=markdown,
        ),
    ]
    for title, items in _sections(view):
        blocks.append(Heading(f"{title} ({len(items)})", level=2, only=markdown))
        blocks.append(Paragraph("\n".join(f"- {escape(item)}" for item in items) or "None.", only=markdown))
    return blocks


def _terminal_blocks(view: RiskRegisterReport) -> list[Block]:
    terminal = only(TERMINAL)
    shown = [entry for entry in view.risks if entry.status != "closed"]
    blocks: list[Block] = [
        TableBlock(
            [
                Column(HEAT_HEADERS[0], justify="right"),
                *(Column(header, justify="center") for header in HEAT_HEADERS[1:]),
            ],
            _heat_rows(view),
            title=f"Risk heat map, open risks by current residual ({view.as_of})",
            only=terminal,
        ),
        Paragraph("levels: " + ", ".join(view.levels), only=terminal),
        TableBlock(
            [Column(header, fold=True) for header in TERMINAL_REGISTER_HEADERS],
            [_terminal_register_row(entry) for entry in shown[:SHOWN]],
            title="Register, highest residual first",
            only=terminal,
        ),
    ]
    if len(shown) > SHOWN:
        blocks.append(
            Paragraph(
                f"… and {len(shown) - SHOWN} more open risks (--format json or markdown lists all)", only=terminal
            )
        )
    for title, items in _sections(view):
        lines = [f"\n{title} ({len(items)})", *(f"  {item}" for item in items[:SHOWN])]
        if len(items) > SHOWN:
            lines.append(f"  … and {len(items) - SHOWN} more")
        blocks.append(Paragraph("\n".join(lines), only=terminal))
    return blocks


def risks_document(view: RiskRegisterReport) -> Document:
    return Document([*_markdown_blocks(view), *_terminal_blocks(view)], width=160)
