"""A report's Document as an HTML fragment for a dashboard page: its headings, tables and
paragraphs as Markdown would show them (the whole tables, not a terminal's first rows)."""

from __future__ import annotations

from markupsafe import Markup, escape

from charter.outputs.document import MARKDOWN, Document, Heading, Paragraph, TableBlock


def document_html(document: Document) -> Markup:
    parts: list[str] = []
    for block in document.blocks_for(MARKDOWN):
        if isinstance(block, Heading):
            level = min(block.level + 1, 6)
            parts.append(f"<h{level}>{escape(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{escape(block.text)}</p>")
        elif isinstance(block, TableBlock):
            if block.title:
                parts.append(f"<h3>{escape(block.title)}</h3>")
            head = "".join(f"<th>{escape(column.header)}</th>" for column in block.columns)
            rows = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in block.rows)
            parts.append(f'<table class="report"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
    return Markup("\n".join(parts))
