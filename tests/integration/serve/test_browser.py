"""The dashboard in a real browser: Playwright drives Debian's Chromium through the login and every
page, unfiltered and filtered by team, system and tier, on SQLite and PostgreSQL. Each page shows
its content and its JSON twin, and the browser reports no console error (a Content-Security-Policy
violation would be one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.conftest import run_charter
from tests.integration.serve.conftest import Served

CHROMIUM = Path("/usr/bin/chromium")
PAGES = {
    "overview": "In scope",
    "delivery": "Delivery",
    "reliability": "SLO",
    "security": "Security",
    "risks": "Risk",
    "standards": "Scorecard",
    "roadmap": "Roadmap",
    "escalations": "Escalation",
    "targets": "Target",
    "assessment": "Assessment",
}

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/install-test-services.sh installs it)")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


def _filters(served: Served) -> list[dict[str, str]]:
    """No filter, then a team, a system and a tier the demo has."""
    with served.client(served.tokens["viewer"]) as client:
        first = client.get("/api/v1/components", params={"limit": 1}).json()["components"][0]
    return [
        {},
        {"team": first["owner"].removeprefix("group:")},
        {"system": first["system"].removeprefix("system:")},
        {"tier": str(first["tier"])},
    ]


def test_login_and_every_page_with_filters_show_their_content_without_console_errors(
    served: Served, browser: object
) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{served.url}/security")
    assert urlparse(page.url).path == "/login"
    page.fill("#token", served.tokens["viewer"])
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/security"
    assert "test-viewer" in page.inner_text("header")

    for filters in _filters(served):
        for name, expected in PAGES.items():
            query = "&".join(f"{key}={value}" for key, value in filters.items())
            response = page.goto(f"{served.url}/{name}" + (f"?{query}" if query else ""))
            assert response is not None and response.status == 200, (name, filters)
            text = page.inner_text("main")
            assert expected.lower() in text.lower(), (name, filters, text[:500])
            for value in filters.values():
                assert value in page.inner_text("h1"), (name, filters)
            if not expected.startswith("Not available"):
                twin = page.get_attribute(".twin a", "href")
                assert twin is not None and twin.startswith("/api/v1/")
                assert parse_qs(urlparse(twin).query) == {key: [value] for key, value in filters.items()}
    assert problems == []

    # The filter form narrows the page it is on.
    page.goto(f"{served.url}/overview")
    team = _filters(served)[1]["team"]
    page.select_option("select[name=team]", team)
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert parse_qs(urlparse(page.url).query).get("team") == [team]
    assert f"team {team}" in page.inner_text("h1")

    # A number links to its evidence.
    page.click("table.counts a >> nth=0")
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/standards" and parse_qs(urlparse(page.url).query).get("team") == [team]

    # Logging out ends the session.
    page.click("header form button[type=submit]")
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/login"
    page.goto(f"{served.url}/overview")
    assert urlparse(page.url).path == "/login"
    assert problems == []
    context.close()


def test_a_wrong_token_is_told_on_the_login_page(served: Served, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"{served.url}/login")
    page.fill("#token", "charter_not-issued")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "not one this server issued" in page.inner_text(".error")
    page.close()
    assert httpx.get(f"{served.url}/overview", follow_redirects=False).status_code == 401


def test_an_editor_acknowledges_from_the_escalations_page_and_a_viewer_sees_no_form(
    served: Served, browser: object
) -> None:
    env = {"CHARTER_DATABASE_URL": served.database_url or ""}
    assert run_charter("escalations", "--repo", str(served.root), "--fail-on", "never", env=env).exit_code == 0
    with served.client(served.tokens["viewer"]) as client:
        report = client.get("/api/v1/escalations").json()
    waiting = [
        item["id"] for digest in report["digests"] for item in digest["escalations"] if not item["acknowledgedAt"]
    ]
    assert waiting
    problems: list[str] = []
    for role, sees_form in (("viewer", False), ("editor", True)):
        context = browser.new_context()  # type: ignore[attr-defined]
        page = context.new_page()
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.goto(f"{served.url}/login?next=/escalations")
        page.fill("#token", served.tokens[role])
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert (page.locator("form.acknowledge").count() == 1) is sees_form
        if sees_form:
            page.fill("form.acknowledge input[name=escalation]", waiting[-1])
            page.fill("form.acknowledge input[name=reason]", "paging the owner")
            page.click("form.acknowledge button[type=submit]")
            page.wait_for_load_state()
            assert urlparse(page.url).path == "/escalations"
        assert problems == []
        context.close()
    with served.client(served.tokens["viewer"]) as client:
        after = client.get("/api/v1/escalations").json()
    entry = next(item for digest in after["digests"] for item in digest["escalations"] if item["id"] == waiting[-1])
    assert entry["acknowledgement"] == "paging the owner" and entry["acknowledgedBy"].startswith("test-editor")
