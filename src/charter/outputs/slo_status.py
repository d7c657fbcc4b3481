"""`charter slo status` renderers: per SLO its attainment, error budget left, burn rates, time until
the budget is gone, data gaps and the policy's verdicts; as a terminal table, JSON, CSV or Markdown."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from rich.console import Console
from rich.table import Table

from charter.analysis.reliability.slo_status import BurnRate, SloStatus, SloStatusReport
from charter.outputs.json_text import indented_json
from charter.outputs.reports.durations import duration_text

HEADERS = ["SLO", "component", "objective", "window", "attainment", "budget left", "budget left (min)",
           "burn 1h", "alerts", "exhausted in", "missing min"]  # fmt: skip


def _percent(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _window_text(status: SloStatus) -> str:
    window = status.window
    if window.calendar:
        return f"{window.calendar} from {window.start:%Y-%m-%d %H:%M}"
    return duration_text(window.length / timedelta(seconds=1))


def _alerts_text(status: SloStatus) -> str:
    firing = sorted({burn.window.tier for burn in status.burn_rates if burn.firing})
    return ", ".join(firing) or "none"


def _exhausted_text(status: SloStatus) -> str:
    left = status.exhausted_in
    if left is None:
        return "–"
    return "exhausted" if left <= timedelta(0) else duration_text(left / timedelta(seconds=1))


def status_row(status: SloStatus) -> list[str]:
    return [
        status.slo,
        status.component or "–",
        _percent(status.objective),
        _window_text(status),
        _percent(status.attainment),
        _percent(status.budget_remaining, 1),
        _number(status.budget_remaining_minutes),
        _number(status.current_burn_rate, 2),
        _alerts_text(status),
        _exhausted_text(status),
        str(status.counts.missing),
    ]


def _title(report: SloStatusReport) -> str:
    return f"Error budgets at {report.as_of:%Y-%m-%d %H:%M} UTC"


_NO_DATA = "REL023"
_NAMED_AT_MOST = 10


def _verdict_lines(report: SloStatusReport) -> list[str]:
    """One line per verdict; the SLOs without data share one line."""
    lines = [
        f"{status.slo}: {verdict.code} {verdict.message}"
        for status in report.statuses
        for verdict in status.verdicts
        if verdict.code != _NO_DATA
    ]
    without = [status.slo for status in report.statuses if any(v.code == _NO_DATA for v in status.verdicts)]
    if without:
        named = ", ".join(without[:_NAMED_AT_MOST])
        more = f" and {len(without) - _NAMED_AT_MOST} more" if len(without) > _NAMED_AT_MOST else ""
        subject = (
            "1 SLO has no SLI data in its window"
            if len(without) == 1
            else (f"{len(without)} SLOs have no SLI data in their window")
        )
        lines.append(f"{_NO_DATA} {subject}: {named}{more}")
    return lines


def render_table(report: SloStatusReport) -> str:
    console = Console(record=True, width=180, file=io.StringIO())
    if not report.statuses:
        console.print(f"{_title(report)}: no SLOs. Declare them under slos/ (OpenSLO, Sloth or Pyrra).")
        return console.export_text()
    table = Table(title=_title(report), title_justify="left")
    for header in HEADERS:
        table.add_column(header)
    for status in report.statuses:
        table.add_row(*status_row(status))
    console.print(table)
    for line in _verdict_lines(report):
        console.print(line, markup=False, highlight=False)
    return console.export_text()


def render_markdown(report: SloStatusReport) -> str:
    lines = [f"# {_title(report)}", ""]
    lines += ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += [
        "| " + " | ".join(cell.replace("|", "\\|") for cell in status_row(status)) + " |" for status in report.statuses
    ]
    verdicts = _verdict_lines(report)
    if verdicts:
        lines += ["", "## Verdicts", ""] + [f"- {line}" for line in verdicts]
    return "\n".join(lines) + "\n"


CSV_HEADERS = ["slo", "component", "objective", "budgeting", "window_start", "window_end", "window_seconds", "good",
               "total", "attainment", "budget_remaining", "budget_minutes", "budget_remaining_minutes",
               "burn_rate_1h", "exhausted_in_seconds", "missing_minutes", "no_traffic_minutes"]  # fmt: skip


def _seconds(duration: timedelta | None) -> float | None:
    return None if duration is None else duration / timedelta(seconds=1)


def _csv_row(status: SloStatus) -> list[object]:
    values: Sequence[object] = [
        status.slo,
        status.component,
        status.objective,
        status.budgeting,
        status.window.start.isoformat(),
        status.window.end.isoformat(),
        _seconds(status.window.length),
        status.attained.good,
        status.attained.valid,
        status.attainment,
        status.budget_remaining,
        status.budget_minutes,
        status.budget_remaining_minutes,
        status.current_burn_rate,
        _seconds(status.exhausted_in),
        status.counts.missing,
        status.counts.idle,
    ]
    return ["" if value is None else value for value in values]


def render_csv(report: SloStatusReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADERS)
    writer.writerows(_csv_row(status) for status in report.statuses)
    return buffer.getvalue()


def _burn_data(burn: BurnRate) -> dict[str, Any]:
    return {
        "tier": burn.window.tier,
        "longWindowSeconds": _seconds(burn.window.long),
        "shortWindowSeconds": _seconds(burn.window.short),
        "factor": burn.window.factor,
        "longBurnRate": burn.long_rate,
        "shortBurnRate": burn.short_rate,
        "firing": burn.firing,
    }


def status_as_data(status: SloStatus) -> dict[str, Any]:
    counts = status.counts
    return {
        "slo": status.slo,
        "component": status.component,
        "objective": status.objective,
        "budgeting": status.budgeting,
        "window": {
            "start": status.window.start.isoformat(),
            "end": status.window.end.isoformat(),
            "lengthSeconds": _seconds(status.window.length),
            "calendar": status.window.calendar,
        },
        "events": {"good": counts.good, "total": counts.total, "bad": counts.bad},
        "attained": {"good": status.attained.good, "valid": status.attained.valid},
        "attainment": status.attainment,
        "errorBudget": {
            "share": status.budget,
            "minutes": status.budget_minutes,
            "remaining": status.budget_remaining,
            "remainingMinutes": status.budget_remaining_minutes,
            "exhausted": status.exhausted,
            "exhaustedInSeconds": _seconds(status.exhausted_in),
        },
        "currentBurnRate": status.current_burn_rate,
        "burnRates": [_burn_data(burn) for burn in status.burn_rates],
        "data": {
            "minutes": counts.minutes,
            "present": counts.present,
            "missing": counts.missing,
            "noTraffic": counts.idle,
            "gaps": [{"start": start.isoformat(), "end": end.isoformat()} for start, end in status.gaps],
        },
        "verdicts": [
            {"code": verdict.code, "message": verdict.message, "incident": verdict.incident}
            for verdict in status.verdicts
        ],
    }


def render_json(report: SloStatusReport) -> str:
    data = {
        "asOf": report.as_of.isoformat(),
        "slos": [status_as_data(status) for status in report.statuses],
        "unknown": list(report.unknown),
    }
    return indented_json(data)
