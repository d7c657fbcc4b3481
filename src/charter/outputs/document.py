"""What a report looks like on a page, independent of the format: a title and a list of blocks
(headings, tables, paragraphs), plus the one flat table its CSV holds. Each report turns its view
model into a Document (`outputs/reports/`); each text format renders any Document
(`outputs/formats/`). So a new format is one module, and a new report one module."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# The text formats a block may be limited to, by their registered names. HTML shows what Markdown
# shows, and the blocks limited to HTML (charts).
TERMINAL = "table"
MARKDOWN = "markdown"
HTML = "html"


class Linked(str):
    """Text that points at evidence elsewhere in the document (`href` is `#anchor`): a cell or a
    paragraph's text in every text format, a link in HTML. A `str`, so formats that know nothing
    of links render it as they render any text."""

    href: str

    def __new__(cls, text: str, href: str) -> Linked:
        if not href.startswith("#"):  # evidence is in the same document; nothing links out of it
            raise ValueError(f"a link points at an anchor of the document, not {href!r}")
        linked = super().__new__(cls, text)
        linked.href = href
        return linked


class Styled(str):
    """Text with a style hint (a Rich style such as `black on red`) that a colour terminal shows
    and every other format ignores. A `str`, so formats that know nothing of styles render it as
    they render any text."""

    style: str

    def __new__(cls, text: str, style: str) -> Styled:
        styled = super().__new__(cls, text)
        styled.style = style
        return styled


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading: `#` for level 1 in Markdown, a plain line in a terminal."""

    text: str
    level: int = 1
    only: frozenset[str] | None = None
    anchor: str | None = None  # the id links point at (HTML); made from the text when None


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its header, and how a terminal lays it out."""

    header: str
    justify: str = "left"  # left | right | center
    fold: bool = False  # a terminal folds long cells instead of cutting them
    # 0: always shown. A terminal too narrow for the whole table leaves out the columns with the
    # highest rank first (equal ranks: the rightmost first), until it fits; `--wide` shows them all.
    drop_rank: int = 0


@dataclass(frozen=True, slots=True)
class TableBlock:
    """Rows of text under headers. `title` is the table's caption in a terminal and a heading of
    `title_level` in Markdown (none when the title is None)."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[str]]
    title: str | None = None
    title_level: int = 2
    show_header: bool = True
    only: frozenset[str] | None = None
    escape: bool = True  # Markdown cells escaped (`|`, `<`, `&`); off only for cells already Markdown

    @classmethod
    def of(
        cls, headers: Sequence[str], rows: Sequence[Sequence[str]], drop_first: Sequence[str] = (), **options: object
    ) -> TableBlock:
        """A table of plain left-justified columns, the first (what each row is) folded rather than
        cut in a narrow terminal; `drop_first` names the columns a narrow terminal may leave out, in
        the order it leaves them out."""
        unknown = set(drop_first) - set(headers)
        if unknown:
            raise ValueError(f"drop_first names columns the table lacks: {sorted(unknown)}")
        ranks = {header: len(drop_first) - index for index, header in enumerate(drop_first)}
        columns = [
            Column(header, fold=index == 0, drop_rank=ranks.get(header, 0)) for index, header in enumerate(headers)
        ]
        return cls(columns, rows, **options)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A line or a few of text."""

    text: str
    only: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """A chart: its title, its SVG (drawn by `outputs/charts` from a view model's numbers, names
    already made safe), a one-sentence text alternative, and the table of its data, which formats
    without pictures show instead and HTML shows beside it."""

    title: str
    svg: str
    description: str
    data: TableBlock
    only: frozenset[str] | None = None
    anchor: str | None = None


Block = Heading | TableBlock | Paragraph | Figure


@dataclass(frozen=True, slots=True)
class CsvTable:
    """The flat table `--format csv` writes: a header row, then one row per record."""

    header: Sequence[str]
    rows: Sequence[Sequence[object]]


@dataclass(frozen=True, slots=True)
class Document:
    """A report laid out: its blocks in order, the terminal width it was laid out for, and its CSV."""

    blocks: Sequence[Block]
    csv: CsvTable | None = None
    width: int = 160

    def blocks_for(self, format_name: str) -> list[Block]:
        """The blocks shown in this format."""
        return [block for block in self.blocks if block.only is None or format_name in block.only]


def only(*format_names: str) -> frozenset[str]:
    """Limit a block to these formats: `only(TERMINAL)`."""
    return frozenset(format_names)
