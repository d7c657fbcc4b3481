"""The strategy document's print layout through WeasyPrint and poppler: a long table breaks between
rows, never inside one, with its header repeated on every page it spans."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from charter.outputs.document import Column, Paragraph, TableBlock
from charter.outputs.html import html_fragment, html_page
from charter.outputs.pdf import pdf_of

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")

# Each row's last cell wraps over several lines, so a page break could fall inside it.
ROWS = [
    [f"row-{number:03d}", f"start-{number:03d} " + "words that wrap " * 12 + f"end-{number:03d}"]
    for number in range(90)
]


def _pages(tmp_path: Path, pdf: bytes) -> list[str]:
    path = tmp_path / "table.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_a_long_table_breaks_between_rows_and_repeats_its_header(tmp_path: Path) -> None:
    table = TableBlock([Column("row"), Column("wrapped cell")], ROWS, title="A long table", title_level=3)
    page = html_page("Long table", html_fragment([Paragraph("before"), table]), stylesheets=["strategy.css"])
    pages = _pages(tmp_path, pdf_of(page))
    assert len(pages) >= 3
    for index in range(len(ROWS)):
        start, end = f"start-{index:03d}", f"end-{index:03d}"
        holding = [number for number, text in enumerate(pages) if start in text or end in text]
        assert len(holding) == 1, f"row {index} is on pages {holding}"
    with_rows = [text for text in pages if "start-" in text]
    assert len(with_rows) >= 3 and all(re.search(r"\bwrapped cell\b", text) for text in with_rows)  # header repeated
    assert all(f"page {number} of {len(pages)}" in text for number, text in enumerate(pages, start=1))
