"""The table format lays a report out for the terminal it is shown in: within its width, the
least important columns left out first and named, all of them with `--wide`, no colour unless the
terminal shows colour."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from charter.outputs.document import Column, TableBlock
from charter.outputs.formats.interface import Terminal
from charter.outputs.report_registry import render_report
from charter.services.catalogue import metrics_report, rules_report


def widest(text: str) -> int:
    return max(cell_len(line) for line in text.splitlines())


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_every_line_fits_the_terminal(width: int) -> None:
    for view in (metrics_report(), rules_report()):
        text = render_report("table", view, Terminal(width))
        assert widest(text) <= width
        assert "\x1b[" not in text


def test_a_narrow_terminal_leaves_out_what_the_layout_ranks_least_important_and_says_so() -> None:
    narrow = render_report("table", metrics_report(), Terminal(100))
    header_lines = [line for line in narrow.splitlines() if "metric" in line and "unit" in line]
    assert header_lines and "scopes" not in header_lines[0]
    assert "(left out at this width: scopes; --wide shows them)" in narrow
    assert "description" in header_lines[0]  # rank 0: never left out


def test_wide_shows_every_column_whatever_the_width() -> None:
    wide = render_report("table", metrics_report(), Terminal(100, wide=True))
    assert "scopes" in wide and "left out at this width" not in wide


def test_drop_first_ranks_the_named_columns_and_refuses_unknown_ones() -> None:
    block = TableBlock.of(["name", "a", "b", "c"], [], drop_first=["b", "a"])
    assert [column.drop_rank for column in block.columns] == [0, 1, 2, 0]
    assert block.columns[0] == Column("name", fold=True)
    with pytest.raises(ValueError, match="lacks"):
        TableBlock.of(["name"], [], drop_first=["nope"])
