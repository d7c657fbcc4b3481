"""`charter report` on the demo organisation, read the way its readers read it: the HTML in headless
Chromium (no console error, no request, every section, a page that is not blank), the PDF through
poppler (pages, goals, contents, rows not cut across pages), both made twice to the same bytes, and
bad input refused with a message and no file left behind."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from charter.outputs.reports.strategy import SECTIONS
from tests.conftest import run_charter

CHROMIUM = Path("/usr/bin/chromium")
ENV = {"CHARTER_DATABASE_URL": ""}


def _report(demo: Path, tmp_path: Path, *arguments: str, name: str = "report.html") -> Path:
    output = tmp_path / name
    result = run_charter("report", "--repo", str(demo), "--output", str(output), *arguments, env=ENV)
    assert result.exit_code == 0, result.output
    return output


@pytest.fixture(scope="module")
def html_report(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _report(demo, tmp_path_factory.mktemp("html"), "--since", "2026Q3")


@pytest.fixture(scope="module")
def pdf_report(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _report(demo, tmp_path_factory.mktemp("pdf"), "--format", "pdf", name="report.pdf")


def test_the_html_opens_in_chromium_without_errors_requests_or_a_blank_page(html_report: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/install-test-services.sh installs it)")
    from PIL import Image
    from playwright.sync_api import Route, sync_playwright

    errors: list[str] = []
    requests: list[str] = []

    def refuse(route: Route) -> None:
        requests.append(route.request.url)
        route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.route("**/*", refuse)  # any request at all, even for the page's own origin
            page.set_content(html_report.read_text(encoding="utf-8"), wait_until="load")
            ids = page.eval_on_selector_all("h2[id]", "elements => elements.map(element => element.id)")
            charts = page.eval_on_selector_all("figure.chart svg[role=img]", "elements => elements.length")
            shot = page.screenshot(full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert requests == []
    assert [anchor for anchor, _ in SECTIONS if anchor not in ids] == []
    assert charts >= 5
    image = Image.open(io.BytesIO(shot)).convert("L")
    low, high = image.getextrema()
    assert (
        high - low > 100 and len(image.resize((64, 64)).getcolors(4096) or []) > 10
    )  # text and charts, not one colour


def test_every_figure_of_the_summary_links_to_a_section_of_the_page(html_report: Path) -> None:
    html = html_report.read_text(encoding="utf-8")
    summary = html[html.index('id="summary"') : html.index('id="goals"')]
    links = re.findall(r'<a href="#([a-z-]+)">', summary)
    assert len(links) >= 8
    assert all(f'id="{anchor}"' in html for anchor in links)
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/", "")


def _pages(pdf: Path) -> list[str]:
    """Each page's text in reading order: a table cell's lines follow each other."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


@pytest.fixture
def poppler() -> None:
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils is not installed (scripts/install-test-services.sh installs it)")


def _words(text: str) -> str:
    """The text without spaces and hyphens: pdftotext joins a name broken after a hyphen at a
    cell's edge without its hyphen, and a cell's lines without their spaces."""
    return re.sub(r"[\s-]+", "", text)


@pytest.mark.usefixtures("poppler")
def test_the_pdf_has_pages_contents_goals_and_page_numbers(pdf_report: Path, demo: Path) -> None:
    pages = [page for page in _pages(pdf_report) if page.strip()]
    assert len(pages) >= 5
    assert "Contents" in pages[0] and re.search(r"Goals and targets\s*\.*\s*3", pages[0])
    assert all(f"page {number} of {len(pages)}" in page for number, page in enumerate(pages, start=1))
    goals = re.findall(r"^\s*- id: (\S+)", (demo / "charter.yaml").read_text(encoding="utf-8"), re.MULTILINE)
    assert goals and all(_words(goal) in _words("".join(pages)) for goal in goals)
    png = subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-png", str(pdf_report)], capture_output=True)
    assert png.returncode == 0 and png.stdout.startswith(b"\x89PNG")


@pytest.mark.usefixtures("poppler")
def test_no_table_row_of_the_pdf_is_cut_across_two_pages(pdf_report: Path, demo: Path) -> None:
    import json

    data = json.loads(run_charter("report", "--repo", str(demo), "--format", "json", env=ENV).stdout)
    pages = [_words(page) for page in _pages(pdf_report)]
    # A risk above appetite: its row's "why" wraps over several lines of its cell.
    above = data["risks"]["riskRegister"]["aboveAppetite"]
    assert above
    for item in above:
        row = _words(f"{item['risk']}{'accepted' if item['acceptable'] else 'not accepted'}{item['why']}")
        assert any(row in page for page in pages), f"the row of {item['risk']} is cut across pages"
    # The goals table fits on a page: it is kept whole (each row's reason is written only there).
    rows = [_words(f"{target['goal']}") + _words(target["reason"]) for target in data["goals"]["targets"]]
    assert rows
    whole = [page for page in pages if all(_words(target["reason"]) in page for target in data["goals"]["targets"])]
    assert whole and all(any(_words(target["goal"]) in page for page in whole) for target in data["goals"]["targets"])


def test_the_same_snapshot_gives_the_same_bytes(demo: Path, tmp_path: Path, html_report: Path) -> None:
    for name, arguments in (("again.html", ()), ("one.pdf", ("--format", "pdf")), ("two.pdf", ("--format", "pdf"))):
        _report(demo, tmp_path, "--as-of", "2026-11-01", *arguments, name=name)
    again = (tmp_path / "again.html").read_bytes()
    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()
    first = _report(demo, tmp_path, "--as-of", "2026-11-01", name="first.html").read_bytes()
    assert first == again
    info = subprocess.run(["pdfinfo", "-isodates", str(tmp_path / "one.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"CreationDate:\s+2026-11-01T23:59:59", info), info


def test_the_document_names_its_snapshot_commit_and_charter_version(html_report: Path) -> None:
    from charter import __version__

    text = html_report.read_text(encoding="utf-8")
    assert re.search(r"As of snapshot \d+, taken 2026-11-01", text)
    assert "strategy commit" in text and f"Charter {__version__}" in text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--as-of", "2020-01-01"], "no snapshot was taken by then; the first was taken 2026-05-03"),
        (["--as-of", "4242"], "--as-of 4242: no snapshot has this id"),
        (["--as-of", "1st of May"], "--as-of '1st of May': write a day as YYYY-MM-DD"),
        (["--since", "2030-01-01"], "after the snapshot's day"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_exit_2(demo: Path, arguments: list[str], message: str) -> None:
    result = run_charter("report", "--repo", str(demo), *arguments, env=ENV)
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize("where", ["no-such-folder/report.html", "a-file/report.html"])
def test_an_unwritable_output_is_refused_and_leaves_no_file_behind(demo: Path, tmp_path: Path, where: str) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    target = tmp_path / where
    result = run_charter("report", "--repo", str(demo), "--output", str(target), env=ENV)
    assert result.exit_code == 2
    assert f"--output {target}: cannot write it" in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-file"]


def test_without_weasyprint_or_pango_pdf_is_refused_with_what_to_install(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as an import of a missing Pango fails
    output = tmp_path / "report.pdf"
    result = run_charter("report", "--repo", str(demo), "--format", "pdf", "--output", str(output), env=ENV)
    assert result.exit_code == 2
    assert "install Pango" in result.stderr and "--format html" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_before_any_sync_the_report_says_to_sync(tmp_path: Path) -> None:
    root = tmp_path / "org"
    assert run_charter("init", str(root)).exit_code == 0
    result = run_charter("report", "--repo", str(root), env=ENV)
    assert result.exit_code == 2
    assert "no snapshot yet: run `charter sync` first" in result.stderr
