"""Any Document as HTML, through the Jinja2 templates packaged in `charter/templates/html`: the
fragment (the body's content, for a page shell such as the dashboard's) and the self-contained page
around it (one inline style sheet, no script, nothing fetched). Every text is escaped, and control
characters (a name may hold a terminal escape) are shown as their Unicode pictures, never passed on."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from charter.outputs.document import HTML, MARKDOWN, Block, Document, Figure, Heading, Linked, Paragraph, TableBlock

# C0 controls show as U+2400.., DEL as U+2421, C1 controls as the replacement character.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: object) -> str:
    """`text` with every control character but tab and newline replaced by a visible stand-in."""

    def picture(match: re.Match[str]) -> str:
        code = ord(match.group())
        if code < 0x20:
            return chr(0x2400 + code)
        return "\u2421" if code == 0x7F else "\ufffd"

    return _CONTROL.sub(picture, str(text))


def anchor_of(text: str) -> str:
    """An HTML id made from a heading's text: lower-case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


@dataclass(frozen=True, slots=True)
class PlacedBlock:
    """A block with the id it is given in the page (headings, titled tables and figures)."""

    block: Block
    anchor: str | None


def shown_in_html(document: Document) -> list[Block]:
    """The blocks HTML shows: those Markdown shows, and those limited to HTML."""
    return [block for block in document.blocks if block.only is None or block.only & {MARKDOWN, HTML}]


def placed_blocks(blocks: Iterable[Block]) -> list[PlacedBlock]:
    """The blocks with unique ids: a block's own anchor, else one made from its heading or title."""
    taken: dict[str, int] = {}

    def unique(anchor: str) -> str:
        count = taken.get(anchor, 0)
        taken[anchor] = count + 1
        return anchor if count == 0 else f"{anchor}-{count + 1}"

    placed: list[PlacedBlock] = []
    for block in blocks:
        anchor: str | None = None
        if isinstance(block, Heading | Figure):
            anchor = unique(block.anchor or anchor_of(block.text if isinstance(block, Heading) else block.title))
        elif isinstance(block, TableBlock) and block.title is not None:
            anchor = unique(anchor_of(block.title))
        placed.append(PlacedBlock(block, anchor))
    return placed


def _cell_text(text: str, block: TableBlock) -> str:
    # A table whose cells are already Markdown has only its pipes escaped; HTML shows them plain.
    return text if block.escape else text.replace("\\|", "|")


def _link(text: str) -> str | None:
    return text.href if isinstance(text, Linked) else None


def _is_kind(kind: type) -> Callable[[object], bool]:
    return lambda block: isinstance(block, kind)


@cache
def environment() -> Environment:
    """The templates' environment: autoescaped, and failing on any name a template does not get."""
    templates = Environment(
        loader=PackageLoader("charter", "templates/html"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    templates.filters.update(printable=printable, cell_text=_cell_text, link=_link)
    templates.tests.update(
        heading=_is_kind(Heading), table=_is_kind(TableBlock), paragraph=_is_kind(Paragraph), figure=_is_kind(Figure)
    )
    return templates


def html_fragment(blocks: Sequence[Block]) -> Markup:
    """The blocks as the content of a page's body: sections, tables, figures; no style, no script."""
    text = environment().get_template("fragment.html.j2").render(placed=placed_blocks(blocks))
    return Markup(text)


def document_fragment(document: Document) -> Markup:
    """A report's Document as the content of a page's body, with the blocks HTML shows."""
    return html_fragment(shown_in_html(document))


def html_page(
    title: str,
    body: Markup,
    meta: Mapping[str, str] | None = None,
    stylesheets: Sequence[str] = (),
) -> str:
    """A whole self-contained page: `body` (a fragment) under the packaged style sheet, followed by
    `stylesheets` (names of other packaged sheets, such as the print layout); `meta` as
    `<meta name content>` pairs."""
    return (
        environment()
        .get_template("page.html.j2")
        .render(title=title, body=body, meta=sorted((meta or {}).items()), stylesheets=list(stylesheets))
    )


def page_title(document: Document, fallback: str) -> str:
    """A page's title: its document's first heading, else `fallback`."""
    for block in shown_in_html(document):
        if isinstance(block, Heading):
            return block.text
    return fallback
