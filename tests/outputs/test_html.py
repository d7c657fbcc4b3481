"""The HTML rendering of any report's Document: escaped, self-contained, links only inside the page."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import ClassVar

import pytest

from charter.outputs.document import HTML, TERMINAL, Column, Document, Figure, Heading, Linked, Paragraph, TableBlock
from charter.outputs.document import only as only_in
from charter.outputs.html import anchor_of, document_fragment, html_fragment, html_page, printable
from charter.outputs.report_registry import render_report, report_format_names
from charter.outputs.views.base import ReportView
from charter.outputs.views.metrics import MetricEntry, MetricsReport


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser's parser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(markup: str) -> _Elements:
    elements = _Elements()
    elements.feed(markup)
    elements.close()
    return elements


HOSTILE = '<script>alert("x")</script> \x1b[31mred\x1b[0m & "quoted"'


def test_every_text_is_escaped_and_control_characters_are_shown_not_passed_on() -> None:
    blocks = [
        Heading(HOSTILE),
        TableBlock([Column(HOSTILE)], [[HOSTILE]], title=HOSTILE),
        Paragraph(HOSTILE),
    ]
    fragment = str(html_fragment(blocks))
    elements = parsed(fragment)
    assert "script" not in [tag for tag, _ in elements.tags]
    assert "\x1b" not in fragment
    assert "␛[31mred␛[0m" in "".join(elements.text)
    assert "".join(elements.text).count('<script>alert("x")</script>') == 5  # heading, title, header, cell, paragraph


def test_printable_keeps_tabs_and_newlines_and_replaces_other_controls() -> None:
    assert printable("a\tb\nc\x00d\x7fe\x85f") == "a\tb\nc\u2400d\u2421e\ufffdf"


def test_a_linked_cell_is_a_link_to_an_anchor_of_the_page() -> None:
    table = TableBlock.of(["metric", "value"], [["lead time", Linked("26 h", "#delivery")]])
    elements = parsed(str(html_fragment([Heading("Delivery", anchor="delivery"), table])))
    assert ("a", {"href": "#delivery"}) in elements.tags
    assert ("h1", {"id": "delivery"}) in elements.tags


def test_a_link_out_of_the_document_is_refused() -> None:
    with pytest.raises(ValueError, match="anchor"):
        Linked("click", "javascript:alert(1)")


def test_headings_get_unique_ids_made_from_their_text() -> None:
    elements = parsed(str(html_fragment([Heading("Risks: heat map"), Heading("Risks: heat map", level=2)])))
    assert [attributes["id"] for tag, attributes in elements.tags if tag in ("h1", "h2")] == [
        "risks-heat-map",
        "risks-heat-map-2",
    ]
    assert anchor_of("Équipe ✓") == "equipe"


def test_a_figure_holds_its_svg_its_text_alternative_and_its_data_table() -> None:
    data = TableBlock.of(["week", "deployments"], [["2026-W40", "12"]])
    svg = '<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>Deployments</title></svg>'
    fragment = str(html_fragment([Figure("Deployments", svg, "Deployments per week, rising.", data)]))
    elements = parsed(fragment)
    tags = [tag for tag, _ in elements.tags]
    assert tags[:3] == ["figure", "figcaption", "svg"]
    assert "table" in tags
    assert "Deployments per week, rising." in "".join(elements.text)


def test_html_shows_what_markdown_shows_and_what_is_limited_to_html() -> None:
    document = Document(
        [
            Paragraph("terminal only", only=only_in(TERMINAL)),
            Paragraph("everywhere"),
            Paragraph("html only", only=only_in(HTML)),
        ]
    )
    text = "".join(parsed(str(document_fragment(document))).text)
    assert "everywhere" in text and "html only" in text and "terminal only" not in text


def test_the_page_is_self_contained_no_script_no_external_resource() -> None:
    page = html_page("Title <b>", html_fragment([Paragraph("body")]), {"generator": "Charter"})
    elements = parsed(page)
    tags = [tag for tag, _ in elements.tags]
    assert tags[0] == "html" and "style" in tags and "script" not in tags and "link" not in tags
    assert not [attributes for _, attributes in elements.tags if "src" in attributes]
    assert "<title>Title &lt;b&gt;</title>" in page


def test_html_is_a_registered_report_format_for_every_report() -> None:
    assert "html" in report_format_names()
    entry = MetricEntry(metric="a.b", unit="count", direction="lower is better", scopes="org", description="<x>")
    page = render_report("html", MetricsReport([entry]))
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert '<td class="left">&lt;x&gt;</td>' in page


def test_formats_without_pictures_show_a_figure_as_its_text_alternative_and_data() -> None:
    from charter.outputs.formats.markdown import MarkdownReportFormat
    from charter.outputs.formats.table import TableReportFormat
    from charter.outputs.reports import LAYOUTS

    data = TableBlock.of(["week", "deployments"], [["2026-W40", "12"]])
    figure = Figure("Deployments", "<svg/>", "Deployments per week.", data)
    LAYOUTS["test-figure"] = "tests.outputs.test_html:_figure_document"
    _FIGURE.append(figure)
    try:
        view = _FigureView()
        markdown = MarkdownReportFormat().render(view)
        table = TableReportFormat().render(view)
    finally:
        del LAYOUTS["test-figure"]
        _FIGURE.clear()
    assert "**Deployments**: Deployments per week." in markdown and "| 2026-W40 | 12 |" in markdown
    assert "Deployments: Deployments per week." in table and "2026-W40" in table
    assert "<svg" not in markdown + table


_FIGURE: list[Figure] = []


class _FigureView(ReportView):
    report: ClassVar[str] = "test-figure"


def _figure_document(view: _FigureView) -> Document:
    return Document(list(_FIGURE))
