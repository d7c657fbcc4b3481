"""`charter serve` under load on loopback: the overview page and its JSON twin with 50 concurrent
clients on the large demo organisation. Target: p95 under 200 ms for each.

The load tool is this script: httpx's AsyncClient on asyncio, `--clients` requests in flight at once
over as many keep-alive connections, `--requests` per URL after a warm-up. The server is `charter
serve` in its own process, one worker on the demo's SQLite store; the organisation gets one
`charter sync` first (its snapshot is what the overview reads).

    .venv/bin/python benchmarks/bench_serve.py [--size large] [--clients 50] [--requests 2000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

TARGET_P95_MS = 200.0
START_SECONDS = 600


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _prepare(charter: str, org: Path, size: str) -> None:
    if not (org / "charter.yaml").exists():
        subprocess.run([charter, "demo", str(org), "--size", size], check=True, capture_output=True)
    if not (org / ".charter" / "charter.db").exists():
        started = time.perf_counter()
        subprocess.run(
            [charter, "sync", "--repo", str(org), "--as-of", "2026-11-01", "--quiet", "--fail-on", "never"],
            check=False,
            capture_output=True,
        )
        print(f"charter sync took {time.perf_counter() - started:.1f} s")


def _token(charter: str, org: Path) -> str:
    made = subprocess.run(
        [charter, "token", "create", "--repo", str(org), "--role", "viewer", "--name", f"bench-{os.getpid()}"],
        check=True,
        capture_output=True,
        text=True,
    )
    return made.stdout.strip()


def _start(charter: str, org: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [charter, "serve", "--repo", str(org), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("charter serve did not become ready")


def _session_cookie(base: str, token: str) -> str:
    with httpx.Client(base_url=base) as browser:
        form = browser.get("/login").text
        csrf = form.split('name="csrf" value="')[1].split('"')[0]
        browser.post("/login", data={"token": token, "csrf": csrf, "next": "/"})
        cookie = browser.cookies.get("charter_session")
    if not cookie:
        raise SystemExit("could not log in")
    return cookie


async def _load(
    base: str, path: str, headers: dict[str, str], clients: int, requests: int, failures: list[str]
) -> list[float]:
    """Latencies (ms) of `requests` GETs of `path`, `clients` at a time; connection errors are
    added to `failures` (and have no latency)."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    timings: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(requests):
        queue.put_nowait(number)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:

        async def worker() -> None:
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                except httpx.TransportError as error:  # a kept-alive connection the server closed
                    failures.append(f"{type(error).__name__}: {error}")
                    continue
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: {response.status_code} {response.text[:200]}")

        await asyncio.gather(*(worker() for _ in range(clients)))
    return timings


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux `/proc`), to tell the server's cost
    from the load tool's on a machine they share."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()
    charter = str(Path(sys.executable).with_name("charter"))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-serve-"))
    org = workdir / "org"
    os.environ["CHARTER_DATABASE_URL"] = ""  # the demo's own SQLite store
    _prepare(charter, org, args.size)
    token = _token(charter, org)
    port = _free_port()
    process = _start(charter, org, port)
    base = f"http://127.0.0.1:{port}"
    try:
        cookie = _session_cookie(base, token)
        cases = {
            "overview JSON  /api/v1/overview": ("/api/v1/overview", {"Authorization": f"Bearer {token}"}),
            "overview page  /": ("/", {"Cookie": f"charter_session={cookie}", "Accept": "text/html"}),
        }
        print(f"{args.size} organisation in {org}; {args.clients} concurrent clients, {args.requests} requests each")
        worst = 0.0
        for name, (path, headers) in cases.items():
            failures: list[str] = []
            asyncio.run(_load(base, path, headers, args.clients, args.clients * 2, failures))  # warm-up
            failures.clear()
            started, cpu = time.perf_counter(), _cpu_seconds(process.pid)
            timings = asyncio.run(_load(base, path, headers, args.clients, args.requests, failures))
            elapsed = time.perf_counter() - started
            server_cpu = (_cpu_seconds(process.pid) - cpu) / len(timings) * 1000
            p50, p95, p99 = (_percentile(timings, share) for share in (0.5, 0.95, 0.99))
            worst = max(worst, p95)
            print(
                f"  {name:<34} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   p99 {p99:6.1f} ms   "
                f"mean {statistics.fmean(timings):6.1f} ms   {len(timings) / elapsed:6.0f} req/s   "
                f"server CPU {server_cpu:4.1f} ms/request   connection errors {len(failures)}"
            )
        verdict = "meets" if worst < TARGET_P95_MS else "misses"
        print(f"worst p95 {worst:.1f} ms {verdict} the target of {TARGET_P95_MS:.0f} ms")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
