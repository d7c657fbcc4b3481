"""A self-contained HTML page printed to PDF by WeasyPrint, with nothing fetched: the page's own
print style sheet gives page numbers, the table of contents' page numbers and the page breaks.
The PDF's dates come from the page's `dcterms.created` / `dcterms.modified` and it carries no
random file identifier, so the same page gives the same bytes."""

from __future__ import annotations

from typing import Any, NoReturn

PANGO_HINT = (
    "install Pango (Debian and Ubuntu: `apt-get install libpango-1.0-0 libpangoft2-1.0-0`; `make demo` does it)"
    " and WeasyPrint (`pip install weasyprint`), or write --format html"
)


class PdfUnavailable(Exception):
    """WeasyPrint, or the Pango library it draws text with, is missing."""


def _no_fetch(url: str, *_: Any, **__: Any) -> NoReturn:
    raise ValueError(f"the report refers to {url}, and a report fetches nothing")


def pdf_of(html: str) -> bytes:
    """The page as PDF bytes. PdfUnavailable when WeasyPrint or Pango cannot be loaded here."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # WeasyPrint loads Pango with ctypes: an OSError when missing
        raise PdfUnavailable(f"PDF cannot be made here ({error.__class__.__name__}: {error}); {PANGO_HINT}") from None
    document: bytes = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    return document
