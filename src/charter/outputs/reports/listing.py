"""A catalogue laid out as one table (`charter rules`, `charter metrics`): titled and folded in a
terminal, a plain Markdown table (pipes escaped, newlines as spaces) and the same rows as CSV."""

from __future__ import annotations

from collections.abc import Sequence

from charter.outputs.document import MARKDOWN, TERMINAL, Column, CsvTable, Document, TableBlock, only


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def listing_document(
    title: str, header: Sequence[str], rows: Sequence[Sequence[str]], drop_first: Sequence[str] = ()
) -> Document:
    """One table of `rows` under `header`, titled `title` in a terminal, which leaves out the
    columns `drop_first` names, in that order, when it is too narrow for them."""
    ranks = {name: len(drop_first) - index for index, name in enumerate(drop_first)}
    columns = [Column(name, fold=True, drop_rank=ranks.get(name, 0)) for name in header]
    return Document(
        [
            TableBlock(columns, rows, title=title, only=only(TERMINAL)),
            TableBlock.of(header, [[_cell(value) for value in row] for row in rows], only=only(MARKDOWN), escape=False),
        ],
        CsvTable(header, rows),
        160,
    )
