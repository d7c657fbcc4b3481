"""A Vega-Lite specification drawn as inline SVG by vl-convert: the same specification gives the
same bytes (a pinned Vega-Lite version, fixed locales, UTC time scales), nothing is fetched (no base
URL is allowed), and the drawing is made accessible and safe to place in a page: its ids carry the
chart's own prefix (two charts' legends would otherwise share `gradient_0`), it has a `<title>` and
a `<desc>` that name it to screen readers, and it holds no script and no link out of itself."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from markupsafe import escape

from charter.outputs.html import printable

# The Vega-Lite version every chart is drawn with: a newer vl-convert keeps older versions, so the
# bytes change only when this line does.
VEGA_LITE_VERSION = "5.20"
LOCALE: Final = "en-US"

_ID = re.compile(r'\bid="([^"]+)"')
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_OUTSIDE_REFERENCE = re.compile(r"<script|<foreignObject|\bhref=\"(?!#)|url\((?!#)|@import", re.IGNORECASE)


class ChartError(ValueError):
    """A chart could not be drawn safely: a programming error in its specification."""


def draw_svg(spec: Mapping[str, Any], chart_id: str, title: str, description: str) -> str:
    """The specification as SVG markup with ids prefixed by `chart_id` (letters, digits and
    hyphens: an HTML id), a `<title>` and a `<desc>`."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", chart_id):
        raise ChartError(f"a chart id is letters, digits and hyphens, not {chart_id!r}")
    import vl_convert

    try:
        svg: str = vl_convert.vegalite_to_svg(
            dict(spec),
            vl_version=VEGA_LITE_VERSION,
            allowed_base_urls=[],
            format_locale=LOCALE,
            time_format_locale=LOCALE,
        )
    except ValueError as error:  # vl-convert's way of saying the spec is wrong or wanted a URL
        raise ChartError(f"the chart {chart_id!r} cannot be drawn: {error}") from None
    if _OUTSIDE_REFERENCE.search(svg):
        raise ChartError(f"the chart {chart_id!r} refers to something outside itself")
    svg = _prefixed_ids(svg, chart_id)
    return _accessible(svg, chart_id, title, description)


def _prefixed_ids(svg: str, prefix: str) -> str:
    for identifier in sorted(set(_ID.findall(svg)), key=len, reverse=True):
        new = f"{prefix}-{identifier}"
        svg = svg.replace(f'id="{identifier}"', f'id="{new}"').replace(f"#{identifier})", f"#{new})")
        svg = svg.replace(f'href="#{identifier}"', f'href="#{new}"')
    return svg


def _accessible(svg: str, chart_id: str, title: str, description: str) -> str:
    opening = _SVG_OPEN.search(svg)
    if opening is None:
        raise ChartError(f"the chart {chart_id!r} is not an SVG drawing")
    title_id, description_id = f"{chart_id}-title", f"{chart_id}-desc"
    tag = opening.group()
    labelled = tag[:-1] + f' role="img" aria-labelledby="{title_id} {description_id}">'
    named = (
        f'<title id="{title_id}">{escape(printable(title))}</title>'
        f'<desc id="{description_id}">{escape(printable(description))}</desc>'
    )
    return svg[: opening.start()] + labelled + named + svg[opening.end() :]
