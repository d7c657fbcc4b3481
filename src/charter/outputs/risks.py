"""Risk register renderers: the register by residual level, the 5x5 heat map coloured by matrix
level, overdue reviews, risks above appetite, uncommitted mitigations, missing owners and
treatments, and changes since the last snapshot; as a Rich terminal view, JSON or Markdown."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from charter.analysis.risk.register import RegisterEntry, RiskRegister
from charter.outputs.json_text import indented_json
from charter.outputs.markdown import escape

# Colours from the lowest matrix level to the highest; a matrix with other levels is spread over them.
PALETTE = ("green", "yellow", "dark_orange", "red")


def level_colour(level: str, levels: Sequence[str]) -> str:
    if level not in levels or len(levels) < 2:
        return PALETTE[-1] if level not in levels else PALETTE[0]
    rank = levels.index(level)
    return PALETTE[round(rank * (len(PALETTE) - 1) / (len(levels) - 1))]


def acceptance_text(entry: RegisterEntry) -> str:
    if not entry.above_appetite:
        return ""
    found = entry.acceptance
    if found is None:
        return "not acceptable: no accepted decision, no mitigation committed before review"
    if found.decision is not None:
        return f"accepted by decision {found.decision}"
    initiative = found.initiative.short if found.initiative else "?"
    return f"mitigation {initiative} committed to {found.quarter}"


def _entry_data(entry: RegisterEntry) -> dict[str, Any]:
    spec = entry.risk.spec
    target = spec.target_residual
    return {
        "risk": entry.name,
        "title": spec.title,
        "category": spec.category,
        "owner": spec.owner,
        "treatment": spec.treatment,
        "status": spec.status,
        "inherent": {"likelihood": spec.likelihood, "impact": spec.impact, "level": entry.levels.inherent},
        "residual": {
            "likelihood": entry.residual.likelihood,
            "impact": entry.residual.impact,
            "level": entry.levels.residual,
        },
        "targetResidual": (
            {"likelihood": target.likelihood, "impact": target.impact, "level": entry.levels.target} if target else None
        ),
        "appetite": entry.appetite,
        "aboveAppetite": entry.above_appetite,
        "acceptable": (not entry.unacceptable) if entry.above_appetite else None,
        "acceptance": acceptance_text(entry) or None,
        "reviewBy": spec.review_by.isoformat() if spec.review_by else None,
        "reviewOverdue": entry.review_overdue,
        "mitigatedBy": [{"initiative": item.initiative, "committed": item.quarter} for item in entry.mitigations],
    }


def register_as_data(register: RiskRegister) -> dict[str, Any]:
    changes = register.changes
    return {
        "asOf": register.as_of.isoformat(),
        "levels": list(register.levels),
        "risks": [_entry_data(entry) for entry in register.entries],
        "heatMap": [
            {"likelihood": cell.likelihood, "impact": cell.impact, "level": cell.level, "count": cell.count}
            for row in register.heat_map
            for cell in row
        ],
        "overdueReviews": [entry.name for entry in register.overdue],
        "aboveAppetite": [
            {"risk": entry.name, "acceptable": not entry.unacceptable, "why": acceptance_text(entry)}
            for entry in register.above_appetite
        ],
        "mitigationNotCommitted": [entry.name for entry in register.uncommitted],
        "noOwner": [entry.name for entry in register.no_owner],
        "noTreatment": [entry.name for entry in register.no_treatment],
        "sinceLastSnapshot": (
            {
                "snapshot": changes.since.snapshot_id,
                "takenAt": changes.since.taken_at.isoformat(),
                "new": list(changes.new),
                "closed": list(changes.closed),
                "levelChanges": [{"risk": name, "from": old, "to": new} for name, old, new in changes.level_changes],
            }
            if changes
            else None
        ),
    }


def render_json(register: RiskRegister) -> str:
    return indented_json(register_as_data(register))


def _cell(count: int, level: str) -> str:
    return f"{count} · {level}" if count else f"· {level}"


def render_markdown(register: RiskRegister) -> str:
    lines = [f"# Risk register ({register.as_of.isoformat()})", "", "## Heat map (open risks, current residual)", ""]
    lines += ["| likelihood \\ impact | 1 | 2 | 3 | 4 | 5 |", "|---|---|---|---|---|---|"]
    for row in reversed(register.heat_map):
        lines.append(f"| {row[0].likelihood} | " + " | ".join(_cell(cell.count, cell.level) for cell in row) + " |")
    lines += ["", "## Register, highest residual first", ""]
    lines += [
        "| risk | title | category | owner | residual (L×I) | inherent | target | appetite | status | review by |"
    ]
    lines += ["|---|---|---|---|---|---|---|---|---|---|"]
    for entry in register.entries:
        spec = entry.risk.spec
        lines.append(
            "| "
            + " | ".join(
                escape(text)
                for text in (
                    entry.name,
                    spec.title,
                    spec.category,
                    spec.owner or "—",
                    f"{entry.levels.residual} ({entry.residual.likelihood}×{entry.residual.impact})",
                    entry.levels.inherent,
                    entry.levels.target or "—",
                    entry.appetite or "—",
                    spec.status,
                    spec.review_by.isoformat() if spec.review_by else "—",
                )
            )
            + " |"
        )
    for title, items in _sections(register):
        lines += ["", f"## {title} ({len(items)})", ""]
        lines += [f"- {escape(item)}" for item in items] or ["None."]
    return "\n".join(lines) + "\n"


def _sections(register: RiskRegister) -> list[tuple[str, list[str]]]:
    sections = [
        (
            "Above appetite",
            [
                f"{entry.name}: {entry.levels.residual} > {entry.appetite}; {acceptance_text(entry)}"
                for entry in register.above_appetite
            ],
        ),
        (
            "Review overdue",
            [f"{entry.name}: due {entry.risk.spec.review_by}" for entry in register.overdue],
        ),
        (
            "Mitigating initiatives not committed to a quarter",
            [
                f"{entry.name}: {', '.join(item.initiative for item in entry.mitigations)}"
                for entry in register.uncommitted
            ],
        ),
        ("No owner", [entry.name for entry in register.no_owner]),
        ("No treatment", [entry.name for entry in register.no_treatment]),
    ]
    changes = register.changes
    if changes is not None:
        since = f"snapshot {changes.since.snapshot_id} of {changes.since.taken_at:%Y-%m-%d %H:%M} UTC"
        sections += [
            (f"New since {since}", list(changes.new)),
            (f"Closed since {since}", list(changes.closed)),
            (f"Level changed since {since}", [f"{name}: {old} → {new}" for name, old, new in changes.level_changes]),
        ]
    else:
        sections.append(("Since the last snapshot", ["no snapshot has recorded the register yet (charter sync does)"]))
    return sections


def render_table(register: RiskRegister, *, colour: bool = False, width: int = 160, limit: int = 25) -> str:
    """The heat map first, then the riskiest entries and each list; ANSI colours when `colour`."""
    console = Console(record=True, width=width, file=io.StringIO(), force_terminal=colour, color_system="standard")
    levels = register.levels
    heat = Table(title=f"Risk heat map, open risks by current residual ({register.as_of})", title_justify="left")
    heat.add_column("likelihood \\ impact", justify="right")
    for impact in range(1, 6):
        heat.add_column(str(impact), justify="center")
    for row in reversed(register.heat_map):
        heat.add_row(
            str(row[0].likelihood),
            *(f"[black on {level_colour(cell.level, levels)}] {cell.count or '·'} [/]" for cell in row),
        )
    console.print(heat)
    console.print("levels: " + ", ".join(f"[{level_colour(level, levels)}]{level}[/]" for level in levels))

    table = Table(title="Register, highest residual first", title_justify="left")
    for column in ("risk", "category", "owner", "residual", "L×I", "target", "appetite", "status", "review by"):
        table.add_column(column, overflow="fold")
    shown = [entry for entry in register.entries if entry.is_open]
    for entry in shown[:limit]:
        spec = entry.risk.spec
        colour_name = level_colour(entry.levels.residual, levels)
        table.add_row(
            entry.name,
            spec.category,
            spec.owner or "[red]none[/]",
            f"[{colour_name}]{entry.levels.residual}[/]",
            f"{entry.residual.likelihood}×{entry.residual.impact}",
            entry.levels.target or "—",
            entry.appetite or "—",
            spec.status,
            (f"[red]{spec.review_by}[/]" if entry.review_overdue else str(spec.review_by or "—")),
        )
    console.print(table)
    if len(shown) > limit:
        console.print(f"… and {len(shown) - limit} more open risks (--format json or markdown lists all)")
    for title, items in _sections(register):
        console.print(f"\n[bold]{title}[/] ({len(items)})")
        for item in items[:limit]:
            console.print(f"  {item}", markup=False)
        if len(items) > limit:
            console.print(f"  … and {len(items) - limit} more")
    return console.export_text(styles=colour)
