"""The overview answered from memory (web/fast_lane.py) on a real Uvicorn over the demo organisation
on SQLite: the same answers as the routes give, filters and days read as the routes read them; a new
snapshot shows; a token revoked through the server is refused at once and one revoked elsewhere
within the token cache's window."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from charter.model.access import Role
from charter.services.context import Context, load_context
from charter.services.tokens import create_token, revoke_token
from charter.store.database import open_store
from charter.web.app import create_app
from charter.web.fast_lane import _answer, fast_query
from charter.web.settings import WebSettings
from tests.integration.conftest import AS_OF
from tests.integration.serve.conftest import log_in, running_server
from tests.integration.serve.webhook_parts import copy_demo

DEADLINE_SECONDS = 60
HTML = {"accept": "text/html"}
QUERIES = [{}, {"tier": "1"}, {"as_of": AS_OF}, {"as_of": "2026-01-01"}, {"as_of": "", "tier": ""}]


def _get(
    url: str, path: str, params: dict[str, str], bearer: str | None = None, cookie: str | None = None
) -> httpx.Response:
    headers = dict(HTML)
    if bearer:
        headers["authorization"] = f"Bearer {bearer}"
    if cookie:
        headers["cookie"] = f"charter_session={cookie}"
    return httpx.get(f"{url}{path}", params=params, headers=headers, timeout=120)


def _until(answer: object, ask: Callable[[], object]) -> object:
    """Ask until the answer is `answer` or the deadline passes; the last answer."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    got = ask()
    while got != answer and time.monotonic() < deadline:
        time.sleep(0.1)
        got = ask()
    return got


def test_the_overview_from_memory_is_what_the_routes_answer(org: Path, tokens: dict[str, str]) -> None:
    team = _some_team(org)
    queries = [*QUERIES, {"team": team}, {"team": team, "as_of": AS_OF}]
    # Without a token cache nothing is trusted from memory: every request goes through the routes.
    with running_server(org, None, WebSettings(token_cache_seconds=0)) as routes, running_server(org, None) as fast:
        cookie = log_in(fast, tokens["viewer"])  # the store's session secret: valid on both servers
        for params in queries:
            for path, credentials in [
                ("/api/v1/overview", {"bearer": tokens["viewer"]}),
                ("/", {"cookie": cookie}),
                ("/", {"bearer": tokens["viewer"]}),
            ]:
                expected = _get(routes, path, params, **credentials)
                assert expected.status_code == 200, (path, params, expected.text)
                for _ in range(3):  # the first fills the caches; the others come from memory
                    answer = _get(fast, path, params, **credentials)
                    assert answer.status_code == 200
                    assert answer.content == expected.content, (path, params)
                    for header in ("content-type", "content-security-policy", "x-frame-options", "cache-control"):
                        assert answer.headers[header] == expected.headers[header], header


def test_filters_and_days_the_routes_refuse_are_refused_the_same_every_time(org: Path, tokens: dict[str, str]) -> None:
    with running_server(org, None) as url:
        for params, status in [
            ({"team": "nobody-of-that-name"}, 400),
            ({"tier": "x"}, 422),
            ({"tier": "12"}, 422),
            ({"as_of": "2026-13-01"}, 422),
            ({"as_of": "yesterday"}, 422),
        ]:
            for _ in range(3):
                answer = _get(url, "/api/v1/overview", params, bearer=tokens["viewer"])
                assert answer.status_code == status, (params, answer.text)
                assert _get(url, "/api/v1/overview", params, bearer=tokens["ingest"]).status_code == 403
                assert _get(url, "/api/v1/overview", params, bearer="charter_nothing").status_code == 401


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        (b"", ((None, None, None), None, None, None)),
        (b"team=payments&tier=1&as_of=2026-11-01", (("payments", None, 1), "2026-11-01", None, None)),
        (b"team=&system=&tier=&as_of=&since=&until=&page=2", ((None, None, None), None, None, None)),
        (b"since=2026-08-01&until=2026-10-31", ((None, None, None), None, "2026-08-01", "2026-10-31")),
    ],
)
def test_the_fast_lane_reads_filters_as_the_routes_do(raw: bytes, read: tuple[object, ...]) -> None:
    query = fast_query(raw)
    assert query is not None
    scope, as_of, since, until = read
    assert (query.scope.team, query.scope.system, query.scope.tier) == scope
    assert tuple(str(day) if day else None for day in (query.as_of, query.since, query.until)) == (as_of, since, until)


@pytest.mark.parametrize(
    "raw", [b"tier=x", b"tier=10", b"as_of=2026-02-30", b"as_of=20261101", b"team=a&team=b", b"team=" + b"x" * 201]
)
def test_the_fast_lane_leaves_to_the_routes_what_they_refuse_or_read_otherwise(raw: bytes) -> None:
    assert fast_query(raw) is None


def test_the_fast_lane_answers_only_once_the_routes_have_verified_and_rendered(
    org: Path, tokens: dict[str, str]
) -> None:
    @contextmanager
    def factory() -> Iterator[Context]:
        with open_store(org, None) as store:
            yield load_context(org, store)

    app = create_app(factory, WebSettings(reread_seconds=0, webhook_delivery_seconds=0))
    bearer = [(b"authorization", f"Bearer {tokens['viewer']}".encode()), (b"host", b"test")]
    scope = {"type": "http", "method": "GET", "path": "/api/v1/overview", "query_string": b"tier=1", "headers": bearer}
    with TestClient(app) as client:
        scope["app"] = app
        assert _answer(scope) is None  # nothing verified, nothing rendered
        first = client.get("/api/v1/overview?tier=1", headers={"authorization": f"Bearer {tokens['viewer']}"})
        assert first.status_code == 200
        answered = _answer(scope)
        assert answered is not None and answered[1] == first.content
        assert _answer({**scope, "query_string": b"tier=2"}) is None  # that scope was never asked for
        unknown = [(b"authorization", b"Bearer charter_unknown")]
        assert _answer({**scope, "headers": unknown}) is None


def test_a_new_snapshot_shows_on_the_overview(org: Path, tokens: dict[str, str], tmp_path: Path) -> None:
    root = copy_demo(org, tmp_path)
    with running_server(root, None) as url:
        cookie = log_in(url, tokens["viewer"])
        before = _get(url, "/api/v1/overview", {}, bearer=tokens["viewer"]).json()
        _get(url, "/", {}, cookie=cookie)  # cached too
        with open_store(root, None) as store:
            newer = store.write_snapshot(datetime.now(UTC), "f" * 40, [])
        assert newer != before["snapshot"]["id"]
        shown = _until(
            newer, lambda: _get(url, "/api/v1/overview", {}, bearer=tokens["viewer"]).json()["snapshot"]["id"]
        )
        assert shown == newer
        latest = _get(url, "/api/v1/overview", {}, bearer=tokens["viewer"]).json()
        assert latest["metrics"] == [] and latest["snapshot"]["repoCommit"] == "f" * 40
        assert f"Snapshot {newer}, taken" in _get(url, "/", {}, cookie=cookie).text
        on_the_day = _get(url, "/api/v1/overview", {"as_of": AS_OF}, bearer=tokens["viewer"]).json()
        assert on_the_day["snapshot"]["id"] == before["snapshot"]["id"]


def test_a_token_revoked_through_the_server_is_refused_at_once_and_elsewhere_within_the_window(
    org: Path, tokens: dict[str, str]
) -> None:
    with open_store(org, None) as store:
        through_server = create_token(store, "revoked-through-the-api", Role.viewer, None)
        elsewhere = create_token(store, "revoked-elsewhere", Role.viewer, None)
    with running_server(org, None, WebSettings(token_cache_seconds=1.0)) as url:
        cookies = {made.secret: log_in(url, made.secret) for made in (through_server, elsewhere)}
        for made in (through_server, elsewhere):
            for _ in range(2):
                assert _get(url, "/api/v1/overview", {}, bearer=made.secret).status_code == 200
                assert _get(url, "/", {}, cookie=cookies[made.secret]).status_code == 200
        with httpx.Client(base_url=url, headers={"authorization": f"Bearer {tokens['admin']}"}) as admin:
            assert admin.delete(f"/api/v1/tokens/{through_server.token.id}").status_code == 200
        assert _get(url, "/api/v1/overview", {}, bearer=through_server.secret).status_code == 401
        assert _get(url, "/", {}, cookie=cookies[through_server.secret]).status_code == 303  # to the login
        with open_store(org, None) as store:  # as `charter token revoke` does, from another process
            revoke_token(store, str(elsewhere.token.id))
        status = _until(401, lambda: _get(url, "/api/v1/overview", {}, bearer=elsewhere.secret).status_code)
        assert status == 401
        assert _until(303, lambda: _get(url, "/", {}, cookie=cookies[elsewhere.secret]).status_code) == 303


def _some_team(root: Path) -> str:
    with open_store(root, None) as store:
        estate = load_context(root, store).estate
    owners = {
        owner.name
        for ref in estate.entities
        if ref.kind == "component" and (owner := estate.owner_of(ref)) is not None and owner.kind == "group"
    }
    return sorted(owners)[0]
