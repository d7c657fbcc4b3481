"""`charter serve` in a process of its own, as a user starts it (`--workers N` included), for the
tests that need the real command: a crash (SIGKILL) or several worker processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

START_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(
    root: Path,
    database_url: str | None,
    workers: int = 1,
    stderr: IO[bytes] | None = None,
    webhook_secret: str | None = None,
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`charter serve` over `root` until the block ends (or it is killed), its standard error into
    `stderr` (else discarded), checking posted events' signatures with `webhook_secret` if given;
    yields the process and its base URL once `/readyz` answers."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "CHARTER_DATABASE_URL": database_url or ""}
    env.pop("CHARTER_WEBHOOK_SECRET", None)
    if webhook_secret:
        env["CHARTER_WEBHOOK_SECRET"] = webhook_secret
    command = [sys.executable, "-c", "from charter.cli.app import main; main()", "serve", "--repo", str(root)]
    command += ["--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr or subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while True:
        assert process.poll() is None, "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start"
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    try:
        yield process, url
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=60)
