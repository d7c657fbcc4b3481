"""`charter codehealth` renderers: a summary per component, and for one component its hotspots,
change coupling, stale files coupled to hot ones and knowledge concentration, as a terminal table,
JSON, CSV or Markdown."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from charter.analysis.codehealth.health import CodeHealth, FileHealth
from charter.outputs.json_text import indented_json
from charter.outputs.markdown import markdown_table
from charter.services.facts import ComponentCodeHealth

TOP = 10


def _share(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.0%}"


def _number(value: int | None) -> str:
    return "unknown" if value is None else str(value)


def _file_data(file: FileHealth) -> dict[str, Any]:
    return {
        "path": file.path,
        "lines": file.lines,
        "commits": file.commits,
        "commitsInWindow": file.commits_in_window,
        "churnInWindow": file.churn_in_window,
        "hotspotScore": file.hotspot_score,
        "hotspot": file.hotspot,
        "lastChanged": file.last_changed.isoformat(),
        "ageDays": file.age_days,
        "topAuthor": file.knowledge.top_author,
        "topAuthorShare": file.knowledge.top_author_share,
        "busFactor": file.knowledge.bus_factor,
    }


def _health_data(health: CodeHealth) -> dict[str, Any]:
    return {
        "window": {"start": health.window_start.isoformat(), "end": health.today.isoformat()},
        "metrics": health.metric_values(),
        "files": len(health.files),
        "churnInWindow": health.churn_in_window,
        "churn": health.churn,
        "knowledge": {
            "basis": health.knowledge.basis.value,
            "authors": health.knowledge.authors,
            "topAuthor": health.knowledge.top_author,
            "topAuthorShare": health.knowledge.top_author_share,
            "busFactor": health.knowledge.bus_factor,
        },
        "authorTurnover": {
            "previousAuthors": health.previous_authors,
            "departed": health.departed_authors,
            "ratio": health.author_turnover,
        },
        "hotspots": [_file_data(file) for file in health.hotspots],
        "couplings": [
            {
                "first": pair.first,
                "second": pair.second,
                "support": pair.support,
                "confidence": pair.confidence,
            }
            for pair in health.couplings
        ],
        "staleCouplings": [
            {
                "stale": pair.stale_path,
                "hotspot": pair.hotspot_path,
                "support": pair.support,
                "confidence": pair.confidence,
                "staleLastChanged": pair.stale_last_changed.isoformat(),
                "staleAgeDays": pair.stale_age_days,
            }
            for pair in health.stale_couplings
        ],
    }


def codehealth_as_data(items: Sequence[ComponentCodeHealth]) -> list[dict[str, Any]]:
    return [
        {
            "component": item.source.component,
            "team": item.source.team,
            "system": item.source.system,
            "repository": item.source.repository,
            "path": item.source.path_prefix,
            **_health_data(item.health),
        }
        for item in items
    ]


def render_json(items: Sequence[ComponentCodeHealth]) -> str:
    return indented_json({"components": codehealth_as_data(items)})


def render_csv(items: Sequence[ComponentCodeHealth]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["component", "path", "lines", "commits_in_window", "hotspot_score", "hotspot", "top_author",
                     "top_author_share", "bus_factor", "age_days"])  # fmt: skip
    for item in items:
        for file in item.health.files:
            writer.writerow(
                [
                    item.source.component,
                    file.path,
                    "" if file.lines is None else file.lines,
                    file.commits_in_window,
                    "" if file.hotspot_score is None else file.hotspot_score,
                    "yes" if file.hotspot else "",
                    file.knowledge.top_author or "",
                    "" if file.knowledge.top_author_share is None else f"{file.knowledge.top_author_share:.4f}",
                    "" if file.knowledge.bus_factor is None else file.knowledge.bus_factor,
                    file.age_days,
                ]
            )
    return buffer.getvalue()


def _summary_rows(items: Sequence[ComponentCodeHealth]) -> list[list[str]]:
    return [
        [
            item.source.component,
            item.source.team or "",
            str(len(item.health.files)),
            _number(item.health.hotspot_count),
            str(item.health.churn_in_window),
            _number(item.health.knowledge.bus_factor),
            _share(item.health.knowledge.top_author_share),
            _share(item.health.author_turnover),
            str(len(item.health.stale_couplings)),
        ]
        for item in items
    ]


SUMMARY_HEADERS = ["component", "team", "files", "hotspots", "churn (window)", "bus factor", "top author share",
                   "author turnover", "stale coupled"]  # fmt: skip


def _detail_sections(health: CodeHealth) -> list[tuple[str, list[str], list[list[str]]]]:
    hot = [
        [
            f.path,
            _number(f.lines),
            str(f.commits_in_window),
            _number(f.hotspot_score),
            _share(f.knowledge.top_author_share),
        ]
        for f in health.hotspots[:TOP]
    ]
    coupled = [[p.first, p.second, str(p.support), _share(p.confidence)] for p in health.couplings[:TOP]]
    stale = [
        [p.stale_path, p.hotspot_path, str(p.support), str(p.stale_age_days)] for p in health.stale_couplings[:TOP]
    ]
    return [
        ("Hotspots (change frequency × size)", ["file", "lines", "commits (window)", "score", "top author share"], hot),
        ("Change coupling", ["file", "changes with", "support", "confidence"], coupled),
        ("Untouched for a year, still coupled to a hotspot", ["file", "hotspot", "support", "age (days)"], stale),
    ]


def render_table(items: Sequence[ComponentCodeHealth]) -> str:
    console = Console(record=True, width=140, file=io.StringIO())
    if not items:
        console.print("No component is mapped to a mined repository: run `charter sync` first.")
        return console.export_text()
    summary = Table(title="Code health", title_justify="left")
    for index, header in enumerate(SUMMARY_HEADERS):
        summary.add_column(header, no_wrap=index < 2)
    for row in _summary_rows(items):
        summary.add_row(*row)
    console.print(summary)
    if len(items) == 1:
        for title, headers, rows in _detail_sections(items[0].health):
            table = Table(title=title, title_justify="left")
            for header in headers:
                table.add_column(header)
            for row in rows:
                table.add_row(*row)
            console.print(table if rows else f"{title}: none")
    return console.export_text()


def render_markdown(items: Sequence[ComponentCodeHealth]) -> str:
    lines = ["# Code health", ""]
    lines += markdown_table(SUMMARY_HEADERS, _summary_rows(items))
    if len(items) == 1:
        for title, headers, rows in _detail_sections(items[0].health):
            lines += ["", f"## {title}", ""]
            lines += markdown_table(headers, rows) if rows else ["None."]
    return "\n".join(lines) + "\n"
