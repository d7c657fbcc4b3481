"""`charter token` and `charter serve` from the command line: a token printed once and listed
without it, revoked by name; bad options are one line and exit 2; `charter serve` starts a real
Uvicorn (one worker on SQLite; two on PostgreSQL, refused on SQLite) that answers with a token."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import run_charter

START_SECONDS = 90


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "org"
    assert run_charter("init", str(root)).exit_code == 0
    return root


def test_a_token_is_printed_once_listed_without_it_and_revoked(repo: Path) -> None:
    made = run_charter("token", "create", "--repo", str(repo), "--role", "viewer", "--name", "wall", "--expires", "30d")
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    assert secret.startswith("charter_") and "shown this once" in made.stderr
    listed = run_charter("token", "list", "--repo", str(repo), "--format", "json")
    tokens = json.loads(listed.stdout)["tokens"]
    assert [(item["name"], item["role"], item["state"]) for item in tokens] == [("wall", "viewer", "active")]
    assert secret not in listed.output
    assert run_charter("token", "revoke", "wall", "--repo", str(repo)).exit_code == 0
    assert json.loads(run_charter("token", "list", "--repo", str(repo), "--format", "json").stdout)["tokens"] == []
    revoked = json.loads(run_charter("token", "list", "--repo", str(repo), "--all", "--format", "json").stdout)
    assert revoked["tokens"][0]["state"] == "revoked"


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["token", "create", "--role", "root", "--name", "x"], "--role 'root'"),
        (["token", "create", "--role", "viewer", "--name", "x", "--expires", "soon"], "--expires 'soon'"),
        (["token", "create", "--role", "viewer", "--name", ""], "--name"),
        (["token", "revoke", "nobody"], "no unrevoked token"),
        (["serve", "--workers", "2"], "several workers need PostgreSQL"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(repo: Path, arguments: list[str], says: str) -> None:
    result = run_charter(*arguments, "--repo", str(repo), env={"CHARTER_DATABASE_URL": ""})
    assert result.exit_code == 2 and says in result.stderr, result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(repo: Path, env: dict[str, str], *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, "-c", "from charter.cli.app import main; main()", "serve", "--repo", str(repo)]
    process = subprocess.Popen(
        [*command, "--port", str(port), *extra],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    _stop(process)
    raise AssertionError(f"charter serve did not start: {process.stderr.read().decode() if process.stderr else ''}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_charter_serve_answers_with_a_token(repo: Path, request: pytest.FixtureRequest, workers: str) -> None:
    env = {"CHARTER_DATABASE_URL": ""}
    if workers == "2":
        env["CHARTER_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    made = run_charter("token", "create", "--repo", str(repo), "--role", "viewer", "--name", "t", env=env)
    assert made.exit_code == 0, made.output
    process, url = _serve(repo, env, "--workers", workers)
    try:
        headers = {"Authorization": f"Bearer {made.stdout.strip()}"}
        for _ in range(6):  # several connections: with two workers, both answer
            assert httpx.get(f"{url}/api/v1/whoami", headers=headers).json()["name"] == "t"
        assert httpx.get(f"{url}/api/v1/whoami").status_code == 401
    finally:
        _stop(process)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_store_that_cannot_be_opened_is_one_line_before_the_server_starts(repo: Path, workers: str) -> None:
    env = {"CHARTER_DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{_free_port()}/none"}
    result = run_charter("serve", "--repo", str(repo), "--workers", workers, "--port", "0", env=env)
    assert result.exit_code == 2 and "cannot open the store" in result.stderr, result.output
    assert "serving" not in result.stderr
