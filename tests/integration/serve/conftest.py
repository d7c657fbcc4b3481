"""A real `charter serve` for the server's tests: Uvicorn on a free loopback port, in a thread, over a
copy of the demo organisation on SQLite or on PostgreSQL, with a token of every role."""

from __future__ import annotations

import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn

from charter.model.access import Role
from charter.services.context import Context, load_context
from charter.services.tokens import create_token, revoke_token
from charter.store.database import open_store
from charter.web.app import create_app
from charter.web.settings import WebSettings
from tests.conftest import run_charter
from tests.integration.conftest import AS_OF, HISTORY_SINCE

START_SECONDS = 60


@dataclass(frozen=True)
class Served:
    """A running server: its base URL, its repository and store, and a token of each role, plus
    an expired one and a revoked one."""

    url: str
    root: Path
    database_url: str | None
    tokens: dict[str, str]

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120, follow_redirects=False)


def import_demo_facts(root: Path, url: str) -> None:
    """`make demo`'s imports, sync and backfilled history, into the store at `url`."""
    facts = root / "facts"
    commands = [
        ["deployments", str(facts / "deployments.jsonl")],
        ["incidents", *map(str, sorted(facts.glob("incidents-*")))],
        ["sli", str(facts / "sli.csv")],
        ["findings", *map(str, sorted((facts / "scans").iterdir()))],
        ["kev", str(facts / "kev.json")],
        ["epss", str(facts / "epss.csv")],
        ["scorecard", *map(str, sorted((facts / "scorecard").glob("*.json")))],
    ]
    for arguments in [["import", *command, "--repo", str(root)] for command in commands] + [
        ["sync", "--repo", str(root), "--as-of", AS_OF, "--quiet"],
        ["snapshot", "--repo", str(root), "--since", HISTORY_SINCE, "--until", AS_OF, "--every", "1w"],
    ]:
        result = run_charter(*arguments, env={"CHARTER_DATABASE_URL": url})
        assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def demo_postgres_url(request: pytest.FixtureRequest, demo: Path) -> Iterator[str]:
    """The demo's facts imported once into a PostgreSQL database, for every server test."""
    server = request.getfixturevalue("postgres_server")
    database = server.create_database()
    url: str = server.url(database)
    import_demo_facts(demo, url)
    yield url
    server.drop_database(database)


def _tokens(root: Path, database_url: str | None) -> dict[str, str]:
    """A token of each role, an expired admin token and a revoked one (names unique: the PostgreSQL
    database is shared by the modules)."""
    made: dict[str, str] = {}
    suffix = secrets.token_hex(4)
    with open_store(root, database_url) as store:
        for role in Role:
            made[role.value] = create_token(store, f"test-{role.value}-{suffix}", role, None).secret
        past = datetime.now(UTC) - timedelta(days=2)
        expired = create_token(store, f"expired-{suffix}", Role.admin, past + timedelta(days=1), now=past)
        made["expired"] = expired.secret
        revoked = create_token(store, f"revoked-{suffix}", Role.admin, None)
        made["revoked"] = revoked.secret
        revoke_token(store, str(revoked.token.id))
    return made


@contextmanager
def running_server(root: Path, database_url: str | None, settings: WebSettings | None = None) -> Iterator[str]:
    """Uvicorn serving the app over `root` on a free loopback port, in a thread, until the block ends."""

    @contextmanager
    def context_factory() -> Iterator[Context]:
        with open_store(root, database_url) as store:
            yield load_context(root, store)

    app = create_app(context_factory, settings or WebSettings())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The server over a copy of the demo organisation, on SQLite or PostgreSQL."""
    root = tmp_path_factory.mktemp("served") / "org"
    shutil.copytree(demo, root, symlinks=True)
    database_url = None
    if request.param == "postgresql":
        database_url = request.getfixturevalue("demo_postgres_url")
    tokens = _tokens(root, database_url)
    with running_server(root, database_url) as url:
        yield Served(url, root, database_url, tokens)


@pytest.fixture(scope="module")
def org(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo organisation on its SQLite store, for one module's servers."""
    root = tmp_path_factory.mktemp("org") / "org"
    shutil.copytree(demo, root, symlinks=True)
    return root


@pytest.fixture(scope="module")
def tokens(org: Path) -> dict[str, str]:
    """A token of each role (and an expired and a revoked one) in `org`'s store."""
    return _tokens(org, None)


def log_in(url: str, token: str) -> str:
    """A session cookie for `token`, through the login form."""
    with httpx.Client(base_url=url, follow_redirects=False) as browser:
        csrf = browser.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
        browser.post("/login", data={"token": token, "csrf": csrf, "next": "/"})
        cookie = browser.cookies.get("charter_session")
    assert cookie
    return cookie
