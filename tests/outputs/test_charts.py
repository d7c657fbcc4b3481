"""Charts drawn as inline SVG: reproducible to the byte in any time zone, named for screen readers,
with their ids kept apart, nothing outside themselves, and names that hold markup kept as text."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from datetime import date

import pytest

from charter.outputs.charts.figures import Bar, HeatCell, TrendPoint, bar_figure, heat_map_figure, trend_figure
from charter.outputs.charts.svg import ChartError, draw_svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>\x1b[31m"

POINTS = [
    TrendPoint("org", date(2026, 9, 1), 30.0),
    TrendPoint("org", date(2026, 10, 1), 26.0),
    TrendPoint(HOSTILE, date(2026, 10, 1), 20.0),
    TrendPoint("org", date(2027, 6, 30), 12.0, projected=True),
]


def test_a_trend_is_an_svg_with_a_title_a_description_and_its_data_table() -> None:
    figure = trend_figure("lead-time", "Lead time p50", "hours", POINTS, target=24.0)
    root = ElementTree.fromstring(figure.svg)  # well-formed XML, control characters and all
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "lead-time-title lead-time-desc"
    assert root.find(f"{SVG}title").text == "Lead time p50"  # type: ignore[union-attr]
    assert "target 24" in (root.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]
    assert [column.header for column in figure.data.columns] == ["day", f"{HOSTILE} (hours)", "org (hours)"]
    assert [list(row) for row in figure.data.rows][-1] == ["2027-06-30", "", "12 (projected)"]
    assert "<script" not in figure.svg and "\x1b" not in figure.svg
    assert "&lt;script&gt;" in figure.svg


def test_ids_carry_the_chart_prefix_so_two_charts_in_one_page_do_not_share_them() -> None:
    cells = [HeatCell(likelihood, impact, likelihood * impact % 3, "low") for likelihood in (1, 2) for impact in (1, 2)]
    first = heat_map_figure("risks-a", "Risks", cells, ["low", "high"])
    second = heat_map_figure("risks-b", "Risks", cells, ["low", "high"])
    ids = [element.get("id") for element in ElementTree.fromstring(first.svg).iter() if element.get("id")]
    assert ids and all(identifier.startswith("risks-a-") for identifier in ids)
    assert not set(ids) & {e.get("id") for e in ElementTree.fromstring(second.svg).iter()}


def test_bars_keep_the_order_given() -> None:
    figure = bar_figure("budgets", "Error budget left", "%", [Bar("b-slo", 10, "at risk"), Bar("a-slo", 80, "ok")])
    assert [row[0] for row in figure.data.rows] == ["b-slo", "a-slo"]
    text = "".join(ElementTree.fromstring(figure.svg).itertext())
    assert text.index("b-slo") < text.index("a-slo")


@pytest.mark.parametrize(
    "spec",
    [
        {"data": {"url": "https://example.com/data.json"}, "mark": "point"},
        {
            "data": {"values": [{"a": 1}]},
            "mark": "image",
            "encoding": {"x": {"field": "a"}, "url": {"value": "https://example.com/x.png"}},
        },
    ],
)
def test_a_chart_that_would_fetch_something_is_refused(spec: dict[str, object]) -> None:
    with pytest.raises(ChartError):
        draw_svg(spec, "x", "t", "d")


DRAW = """
from datetime import date
from charter.outputs.charts.figures import TrendPoint, trend_figure
points = [TrendPoint("org", date(2026, 9, 1), 30.0), TrendPoint("org", date(2026, 10, 1), 26.5)]
print(trend_figure("t", "Trend", "hours", points, target=24.0).svg)
"""


def test_the_same_chart_is_the_same_bytes_in_another_process_and_time_zone() -> None:
    def drawn(zone: str) -> str:
        env = {**os.environ, "TZ": zone, "PYTHONPATH": os.pathsep.join(sys.path)}
        return subprocess.run([sys.executable, "-c", DRAW], env=env, capture_output=True, text=True, check=True).stdout

    assert drawn("UTC") == drawn("America/Los_Angeles") == drawn("Asia/Kolkata")


def test_a_chart_id_that_is_not_an_html_id_is_refused() -> None:
    with pytest.raises(ChartError, match="letters, digits and hyphens"):
        trend_figure("lead time", "Lead time", "hours", POINTS)
