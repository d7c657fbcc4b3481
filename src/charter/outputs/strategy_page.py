"""`charter report` as one self-contained HTML page: a cover naming the snapshot, the strategy
commit and Charter's version, a table of contents, then the document; one print style sheet makes
the same page the PDF (page numbers, contents with page numbers, breaks that cut no row or chart)."""

from __future__ import annotations

from markupsafe import Markup

from charter.outputs.document import Document
from charter.outputs.html import document_fragment, environment, html_page
from charter.outputs.reports.strategy import SECTIONS, section_blocks, source_blocks
from charter.outputs.views.strategy import StrategyReport


def strategy_page(report: StrategyReport) -> str:
    """The whole page. Its dates are the snapshot's, so the same snapshot gives the same bytes."""
    source = report.source
    sections = [(anchor, title) for anchor, title in SECTIONS if anchor != "review" or report.review is not None]
    contents = Markup(environment().get_template("contents.html.j2").render(sections=sections))
    cover = document_fragment(Document(source_blocks(source)))
    body = cover + contents + document_fragment(Document(section_blocks(report)))
    taken = source.taken_at.isoformat()
    meta = {
        "generator": f"Charter {source.charter_version}",
        "dcterms.created": taken,
        "dcterms.modified": taken,
        "description": (
            f"Snapshot {source.snapshot} taken {taken}, strategy commit {source.strategy_commit or 'not recorded'}"
        ),
        "charter-snapshot": str(source.snapshot),
    }
    title = f"Technology strategy: {source.organization} ({source.taken_at:%Y-%m-%d})"
    return html_page(title, body, meta, stylesheets=["strategy.css"])
