"""Sessions on a real Uvicorn over the demo organisation on SQLite: signed with the store's secret,
so a cookie outlives a restart (a new app over the same store) and a tampered one is refused;
`charter token rotate-session-secret` ends every session on a running server, not bearer tokens."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from charter.web.settings import WebSettings
from tests.conftest import run_charter
from tests.integration.serve.conftest import log_in, running_server

DEADLINE_SECONDS = 60
HTML = {"accept": "text/html"}


def _page(url: str, cookie: str) -> httpx.Response:
    return httpx.get(f"{url}/", headers={**HTML, "cookie": f"charter_session={cookie}"}, timeout=120)


def _overview(url: str, cookie: str) -> httpx.Response:
    return httpx.get(f"{url}/api/v1/overview", headers={"cookie": f"charter_session={cookie}"}, timeout=120)


def test_a_session_outlives_a_restart_and_a_tampered_one_does_not(org: Path, tokens: dict[str, str]) -> None:
    with running_server(org, None) as url:
        cookie = log_in(url, tokens["viewer"])
        assert _page(url, cookie).status_code == 200
    identifier, issued, signature = cookie.split(".")
    tampered = [
        f"{identifier}.{issued}.{signature[:-1]}{'0' if signature[-1] != '0' else '1'}",
        f"{int(identifier) + 1}.{issued}.{signature}",
        f"{identifier}.{int(issued) + 60}.{signature}",
    ]
    with running_server(org, None) as url:  # a new app over the same store: a restart
        page = _page(url, cookie)
        assert page.status_code == 200 and "Overview" in page.text
        for forged in tampered:
            refused = _page(url, forged)
            assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
            assert _overview(url, forged).status_code == 401


def test_rotating_the_session_secret_ends_every_session_but_not_bearer_tokens(
    org: Path, tokens: dict[str, str]
) -> None:
    with running_server(org, None, WebSettings(reread_seconds=0.2)) as url:
        cookie = log_in(url, tokens["viewer"])
        assert _page(url, cookie).status_code == 200
        rotated = run_charter("token", "rotate-session-secret", "--repo", str(org), env={"CHARTER_DATABASE_URL": ""})
        assert rotated.exit_code == 0 and "every browser logs in again" in rotated.stderr, rotated.output
        deadline = time.monotonic() + DEADLINE_SECONDS
        while _page(url, cookie).status_code == 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _page(url, cookie).status_code == 303
        assert _overview(url, cookie).status_code == 401
        bearer = httpx.get(f"{url}/api/v1/overview", headers={"authorization": f"Bearer {tokens['viewer']}"})
        assert bearer.status_code == 200
        assert _page(url, log_in(url, tokens["viewer"])).status_code == 200  # a new login signs anew
