"""The report's charts as Document figures: a trend over snapshots (lines per series, with a target
line and a dashed projection to the target's date), bars, and the risk heat map. Each takes plain
rows a view model gives and returns a `Figure` with its SVG, text alternative and data table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from charter.outputs.charts.svg import draw_svg
from charter.outputs.document import HTML, Column, Figure, TableBlock, only
from charter.outputs.html import printable

WIDTH = 440
POINT_LIMIT = 60  # a trend with more points is drawn as lines only
HEIGHT = 200
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier; vl-convert fetches nothing


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One value of one series on one day (a snapshot's); `projected` for the line to the target."""

    series: str
    day: date
    value: float
    projected: bool = False


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its value, and the group that colours it (a band, a status)."""

    label: str
    value: float
    group: str = ""


@dataclass(frozen=True, slots=True)
class HeatCell:
    """How many risks sit at one likelihood and impact, and the matrix's level there."""

    likelihood: int
    impact: int
    count: int
    level: str


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.2f}"


def trend_figure(
    chart_id: str,
    title: str,
    unit: str,
    points: Sequence[TrendPoint],
    target: float | None = None,
    description: str = "",
) -> Figure:
    """Lines over days, one per series, with the target as a rule and projections dashed."""
    values: list[dict[str, Any]] = [
        {"series": printable(point.series), "day": point.day.isoformat(), "value": point.value, "kind": _kind(point)}
        for point in points
    ]
    layers: list[dict[str, Any]] = [
        {
            # Points only where a series is short: a marker per snapshot would triple a long trend's size.
            "mark": {"type": "line", "point": len(points) <= POINT_LIMIT},
            "encoding": {
                "x": {"field": "day", "type": "temporal", "title": None, "scale": {"type": "utc"}},
                "y": {"field": "value", "type": "quantitative", "title": unit},
                "color": {"field": "series", "type": "nominal", "title": None},
                "strokeDash": {"field": "kind", "type": "nominal", "title": None, "legend": None},
            },
        }
    ]
    if target is not None:
        layers.append(
            {
                "data": {"values": [{"target": target}]},
                "mark": {"type": "rule", "color": "#b42318", "strokeDash": [2, 2]},
                "encoding": {"y": {"field": "target", "type": "quantitative"}},
            }
        )
    spec = _spec({"values": values}, {"layer": layers})
    series = sorted({point.series for point in points})
    text = description or _trend_description(title, series, points, target)
    # One row per day and a column per series: a screen reader reads across a day, and a long
    # trend is a few cells per snapshot rather than one row per point.
    cells: dict[date, dict[str, str]] = {}
    for point in points:
        shown = _number(point.value) + (" (projected)" if point.projected else "")
        cells.setdefault(point.day, {})[point.series] = shown
    rows = [[day.isoformat(), *(cells[day].get(name, "") for name in series)] for day in sorted(cells)]
    columns = [Column("day"), *(Column(f"{name} ({unit})", justify="right") for name in series)]
    data = TableBlock(columns, rows)
    return Figure(title, draw_svg(spec, chart_id, title, text), text, data, only=only(HTML), anchor=chart_id)


def bar_figure(chart_id: str, title: str, unit: str, bars: Sequence[Bar], description: str = "") -> Figure:
    """Horizontal bars in the order given, coloured by group."""
    values = [{"label": printable(bar.label), "value": bar.value, "group": printable(bar.group)} for bar in bars]
    encoding: dict[str, Any] = {
        "y": {"field": "label", "type": "nominal", "sort": None, "title": None},
        "x": {"field": "value", "type": "quantitative", "title": unit},
    }
    if any(bar.group for bar in bars):
        encoding["color"] = {"field": "group", "type": "nominal", "title": None}
    spec = _spec({"values": values}, {"mark": "bar", "encoding": encoding}, height=max(60, 18 * len(bars)))
    text = description or f"{title}: {len(bars)} bars, " + "; ".join(
        f"{bar.label} {_number(bar.value)}" for bar in bars[:8]
    )
    rows = [[bar.label, _number(bar.value), bar.group] for bar in bars]
    data = TableBlock([Column("name"), Column(unit, justify="right"), Column("group")], rows)
    return Figure(title, draw_svg(spec, chart_id, title, text), text, data, only=only(HTML), anchor=chart_id)


def heat_map_figure(chart_id: str, title: str, cells: Sequence[HeatCell], levels: Sequence[str]) -> Figure:
    """The likelihood × impact grid, each cell coloured by its matrix level and labelled by its count."""
    values = [
        {"likelihood": cell.likelihood, "impact": cell.impact, "count": cell.count, "level": cell.level}
        for cell in cells
    ]
    palette = ["#d1fadf", "#fef0c7", "#fddcab", "#fecdca", "#f97066", "#b42318"]
    encoding = {
        "x": {"field": "impact", "type": "ordinal", "title": "impact"},
        "y": {"field": "likelihood", "type": "ordinal", "title": "likelihood", "sort": "descending"},
    }
    layers = [
        {
            "mark": "rect",
            "encoding": {
                **encoding,
                "color": {
                    "field": "level",
                    "type": "ordinal",
                    "scale": {"domain": list(levels), "range": palette[: len(levels)]},
                    "title": "level",
                },
            },
        },
        {"mark": {"type": "text", "fontSize": 13}, "encoding": {**encoding, "text": {"field": "count"}}},
    ]
    spec = _spec({"values": values}, {"layer": layers}, width=260, height=220)
    occupied = [cell for cell in cells if cell.count]
    text = f"{title}: {sum(cell.count for cell in cells)} risks; " + "; ".join(
        f"{cell.count} at likelihood {cell.likelihood}, impact {cell.impact} ({cell.level})" for cell in occupied
    )
    rows = [[str(cell.likelihood), str(cell.impact), str(cell.count), cell.level] for cell in occupied]
    data = TableBlock(
        [
            Column("likelihood", justify="right"),
            Column("impact", justify="right"),
            Column("risks", justify="right"),
            Column("level"),
        ],
        rows,
    )
    return Figure(title, draw_svg(spec, chart_id, title, text), text, data, only=only(HTML), anchor=chart_id)


def _kind(point: TrendPoint) -> str:
    return "projected" if point.projected else "measured"


def _spec(data: dict[str, Any], body: dict[str, Any], width: int = WIDTH, height: int = HEIGHT) -> dict[str, Any]:
    """The specification's frame; the title is the figure's caption, not drawn twice."""
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "data": data,
        # No ARIA attributes per mark, axis and legend: the figure's <title>, <desc> and data table
        # say it once, instead of an aria-label per point.
        "config": {"font": "sans-serif", "view": {"stroke": None}, "axis": {"labelFontSize": 10}, "aria": False},
        **body,
    }


def _trend_description(title: str, series: Sequence[str], points: Sequence[TrendPoint], target: float | None) -> str:
    measured = [point for point in points if not point.projected]
    if not measured:
        return f"{title}: no measured value yet."
    first, last = min(measured, key=lambda p: p.day), max(measured, key=lambda p: p.day)
    parts = [f"{title}: {len(series)} series over {len({p.day for p in measured})} snapshots"]
    parts.append(f"from {first.day.isoformat()} to {last.day.isoformat()}")
    if target is not None:
        parts.append(f"target {_number(target)}")
    return ", ".join(parts) + "."
