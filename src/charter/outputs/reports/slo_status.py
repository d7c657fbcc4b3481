"""`charter slo status` laid out: one row per SLO (attainment, error budget left, the last hour's burn
rate, alerts firing, time until the budget is gone, missing minutes), then the policy's verdicts,
the SLOs without data on one line; the CSV one row per SLO with every number."""

from __future__ import annotations

from charter.outputs.document import MARKDOWN, TERMINAL, Block, CsvTable, Document, Heading, Paragraph, TableBlock, only
from charter.outputs.reports.durations import duration_text
from charter.outputs.views.slo_status import SloStatus, SloStatusReport

HEADERS = ["SLO", "component", "objective", "window", "attainment", "budget left", "budget left (min)",
           "burn 1h", "alerts", "exhausted in", "missing min"]  # fmt: skip
DROP_FIRST = ["missing min", "budget left (min)", "window", "burn 1h", "objective"]  # in a narrow terminal
CSV_HEADERS = ["slo", "component", "objective", "budgeting", "window_start", "window_end", "window_seconds", "good",
               "total", "attainment", "budget_remaining", "budget_minutes", "budget_remaining_minutes",
               "burn_rate_1h", "exhausted_in_seconds", "missing_minutes", "no_traffic_minutes"]  # fmt: skip
NO_DATA = "REL023"
NAMED_AT_MOST = 10


def _percent(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _window_text(status: SloStatus) -> str:
    window = status.window
    if window.calendar:
        return f"{window.calendar} from {window.start:%Y-%m-%d %H:%M}"
    return duration_text(window.length_seconds)


def _alerts_text(status: SloStatus) -> str:
    firing = sorted({burn.tier for burn in status.burn_rates if burn.firing})
    return ", ".join(firing) or "none"


def _exhausted_text(status: SloStatus) -> str:
    left = status.error_budget.exhausted_in_seconds
    if left is None:
        return "–"
    return "exhausted" if left <= 0 else duration_text(left)


def _row(status: SloStatus) -> list[str]:
    budget = status.error_budget
    return [
        status.slo,
        status.component or "–",
        _percent(status.objective),
        _window_text(status),
        _percent(status.attainment),
        _percent(budget.remaining, 1),
        _number(budget.remaining_minutes),
        _number(status.current_burn_rate, 2),
        _alerts_text(status),
        _exhausted_text(status),
        str(status.data.missing),
    ]


def _verdict_lines(view: SloStatusReport) -> list[str]:
    """One line per verdict; the SLOs without data share one line."""
    lines = [
        f"{status.slo}: {verdict.code} {verdict.message}"
        for status in view.slos
        for verdict in status.verdicts
        if verdict.code != NO_DATA
    ]
    without = [status.slo for status in view.slos if any(verdict.code == NO_DATA for verdict in status.verdicts)]
    if without:
        named = ", ".join(without[:NAMED_AT_MOST])
        more = f" and {len(without) - NAMED_AT_MOST} more" if len(without) > NAMED_AT_MOST else ""
        subject = (
            "1 SLO has no SLI data in its window"
            if len(without) == 1
            else f"{len(without)} SLOs have no SLI data in their window"
        )
        lines.append(f"{NO_DATA} {subject}: {named}{more}")
    return lines


def _csv_row(status: SloStatus) -> list[object]:
    budget = status.error_budget
    values: list[object] = [
        status.slo,
        status.component,
        status.objective,
        status.budgeting,
        status.window.start.isoformat(),
        status.window.end.isoformat(),
        status.window.length_seconds,
        status.attained.good,
        status.attained.valid,
        status.attainment,
        budget.remaining,
        budget.minutes,
        budget.remaining_minutes,
        status.current_burn_rate,
        budget.exhausted_in_seconds,
        status.data.missing,
        status.data.no_traffic,
    ]
    return ["" if value is None else value for value in values]


def slo_status_document(view: SloStatusReport) -> Document:
    title = f"Error budgets at {view.as_of:%Y-%m-%d %H:%M} UTC"
    rows = [_row(status) for status in view.slos]
    verdicts = _verdict_lines(view)
    terminal, markdown = only(TERMINAL), only(MARKDOWN)
    blocks: list[Block] = [
        Heading(title, only=markdown),
        # Markdown cells have only their pipes escaped, as the report always wrote them.
        TableBlock.of(
            HEADERS, [[cell.replace("|", "\\|") for cell in row] for row in rows], only=markdown, escape=False
        ),
    ]
    if verdicts:
        blocks += [
            Heading("Verdicts", level=2, only=markdown),
            Paragraph("\n".join(f"- {line}" for line in verdicts), only=markdown),
        ]
    if view.slos:
        blocks += [TableBlock.of(HEADERS, rows, DROP_FIRST, title=title, only=terminal)]
        blocks += [Paragraph(line, only=terminal) for line in verdicts]
    else:
        blocks.append(
            Paragraph(f"{title}: no SLOs. Declare them under slos/ (OpenSLO, Sloth or Pyrra).", only=terminal)
        )
    return Document(blocks, CsvTable(CSV_HEADERS, [_csv_row(status) for status in view.slos]), width=180)
