"""What a report looks like on a page, independent of the format: a title and a list of blocks
(headings, tables, paragraphs), plus the one flat table its CSV holds. Each report turns its view
model into a Document (`outputs/reports/`); each text format renders any Document
(`outputs/formats/`). So a new format is one module, and a new report one module."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# The text formats a block may be limited to, by their registered names.
TERMINAL = "table"
MARKDOWN = "markdown"


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading: `#` for level 1 in Markdown, a plain line in a terminal."""

    text: str
    level: int = 1
    only: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its header, and how a terminal lays it out."""

    header: str
    justify: str = "left"  # left | right | center
    fold: bool = False  # a terminal folds long cells instead of cutting them


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
    def of(cls, headers: Sequence[str], rows: Sequence[Sequence[str]], **options: object) -> TableBlock:
        """A table of plain left-justified columns."""
        return cls([Column(header) for header in headers], rows, **options)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A line or a few of text."""

    text: str
    only: frozenset[str] | None = None


Block = Heading | TableBlock | Paragraph


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
