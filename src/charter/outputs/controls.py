"""Control coverage renderers: per obligation the counts by status and the coverage, then the gaps,
evidence missing or stale, and the risks each control mitigates; as a terminal table, JSON or
Markdown."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table

from charter.analysis.security.controls import STATUSES, ControlsReport, ObligationCoverage, RequirementView
from charter.outputs.json_text import indented_json
from charter.outputs.markdown import escape


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _requirement_data(item: RequirementView) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "status": item.status,
        "controlSet": item.control_set,
        "owner": item.owner,
        "reason": item.reason,
        "reviewBy": item.review_by.isoformat() if item.review_by else None,
        "stale": item.stale,
        "evidence": list(item.evidence),
        "evidenceMissing": list(item.evidence_missing),
        "evidenceUrls": list(item.evidence_urls),
        "mitigates": list(item.mitigates),
        "inProfile": item.in_profile,
    }


def _obligation_data(obligation: ObligationCoverage) -> dict[str, Any]:
    return {
        "obligation": obligation.obligation,
        "required": obligation.required,
        "controlSets": list(obligation.control_sets),
        "source": obligation.source,
        "counts": obligation.counts,
        "applicable": obligation.applicable,
        "coverage": obligation.coverage,
        "gaps": [item.id for item in obligation.gaps],
        "evidenceMissing": [item.id for item in obligation.evidence_missing],
        "stale": [item.id for item in obligation.stale],
        "beyondProfile": [item.id for item in obligation.beyond_profile],
        "requirements": [_requirement_data(item) for item in obligation.requirements],
    }


def controls_as_data(report: ControlsReport) -> dict[str, Any]:
    return {"asOf": report.as_of.isoformat(), "obligations": [_obligation_data(item) for item in report.obligations]}


def render_json(report: ControlsReport) -> str:
    return indented_json(controls_as_data(report))


def _problems(obligation: ObligationCoverage) -> list[str]:
    lines = [f"gap: {item.id} {item.title} ({item.status})".rstrip() for item in obligation.gaps]
    lines += [
        f"evidence missing: {item.id}: {', '.join(item.evidence_missing)}" for item in obligation.evidence_missing
    ]
    lines += [f"review overdue: {item.id} (due {item.review_by})" for item in obligation.stale]
    lines += [f"not in the OSCAL profile: {item.id}" for item in obligation.beyond_profile]
    return lines


def _mitigations(obligation: ObligationCoverage) -> list[str]:
    return [f"{item.id} mitigates {', '.join(item.mitigates)}" for item in obligation.requirements if item.mitigates]


def render_markdown(report: ControlsReport) -> str:
    lines = [f"# Control coverage ({report.as_of.isoformat()})", ""]
    lines += ["| obligation | required | " + " | ".join(STATUSES) + " | coverage |"]
    lines += ["|---|---|" + "---|" * len(STATUSES) + "---|"]
    for obligation in report.obligations:
        counts = obligation.counts
        lines.append(
            f"| {escape(obligation.obligation)} | {'yes' if obligation.required else 'no'} | "
            + " | ".join(str(counts[status]) for status in STATUSES)
            + f" | {_percent(obligation.coverage)} |"
        )
    for obligation in report.obligations:
        lines += ["", f"## {escape(obligation.obligation)}", "", f"Requirements from {escape(obligation.source)}.", ""]
        lines += ["| requirement | title | status | owner | evidence | review by | mitigates |"]
        lines += ["|---|---|---|---|---|---|---|"]
        for item in obligation.requirements:
            evidence = ", ".join(
                f"{path} (missing)" if path in item.evidence_missing else path for path in item.evidence
            )
            review = f"{item.review_by} (overdue)" if item.stale else str(item.review_by or "—")
            cells = (
                item.id,
                item.title,
                item.status,
                item.owner or "—",
                evidence or "—",
                review,
                ", ".join(item.mitigates) or "—",
            )
            lines.append("| " + " | ".join(escape(cell) for cell in cells) + " |")
    if not report.obligations:
        lines.append("No obligation: list them in charter.yaml `spec.compliance` and add ControlSets under controls/.")
    return "\n".join(lines) + "\n"


def render_table(report: ControlsReport, *, width: int = 160, limit: int = 25) -> str:
    console = Console(record=True, width=width, file=io.StringIO())
    table = Table(title=f"Control coverage ({report.as_of})", title_justify="left")
    table.add_column("obligation")
    table.add_column("required")
    for status in STATUSES:
        table.add_column(status, justify="right")
    table.add_column("coverage", justify="right")
    table.add_column("requirements from", overflow="fold")
    for obligation in report.obligations:
        counts = obligation.counts
        table.add_row(
            obligation.obligation,
            "yes" if obligation.required else "no",
            *(str(counts[status]) for status in STATUSES),
            _percent(obligation.coverage),
            obligation.source,
        )
    console.print(table)
    for obligation in report.obligations:
        for title, items in (("needs attention", _problems(obligation)), ("risks mitigated", _mitigations(obligation))):
            if not items:
                continue
            console.print(f"\n{obligation.obligation}: {title} ({len(items)})")
            for item in items[:limit]:
                console.print(f"  {item}", markup=False)
            if len(items) > limit:
                console.print(f"  … and {len(items) - limit} more (--format json or markdown lists all)")
    if not report.obligations:
        console.print("No obligation: list them in charter.yaml `spec.compliance` and add ControlSets under controls/.")
    return console.export_text()
