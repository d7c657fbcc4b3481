"""`charter serve` under load on loopback: the overview page and its JSON twin with 50 concurrent
clients on the large demo organisation. Target: p95 under 200 ms for each.

The load tool is wrk (`/usr/bin/wrk`, in C: one thread, `--clients` keep-alive connections, each
with one request in flight, for `--seconds` per URL after a warm-up; its latency percentiles are
read from a Lua `done` hook), or, where wrk is absent or with `--tool httpx`, this script itself:
httpx's AsyncClient on asyncio, `--requests` per URL, a far heavier client on the same cores. The
tool that ran is printed. The server is `charter serve` in its own process, one worker on the
demo's SQLite store; the organisation gets one `charter sync` first (its snapshot is what the
overview reads). Besides latency and throughput it prints the server's CPU per request and the load
tool's, both read from the kernel, and the machine's load average before and after.

    .venv/bin/python benchmarks/bench_serve.py [--size large] [--clients 50] [--seconds 20] [--keep DIR]
                                               [--tool auto|wrk|httpx] [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from child_process import load_average

TARGET_P95_MS = 200.0
START_SECONDS = 600
# wrk's report, one line, from its `done` hook: requests, seconds (µs), percentiles and mean (µs),
# socket errors, answers other than 2xx/3xx.
WRK_DONE = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("charter-bench %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, errors,
    summary.errors.status))
end
"""


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


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


class Measured:
    """One URL's run: latencies (ms), requests, seconds, failures, and the load tool's CPU seconds."""

    def __init__(self, p50: float, p95: float, p99: float, mean: float, requests: int, seconds: float) -> None:
        self.p50, self.p95, self.p99, self.mean = p50, p95, p99, mean
        self.requests, self.seconds = requests, seconds
        self.failures = 0
        self.tool_cpu = 0.0


def _wrk(base: str, path: str, headers: dict[str, str], clients: int, seconds: float, script: Path) -> Measured:
    command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "30s", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    before = _children_cpu()
    ran = subprocess.run([*command, base + path], check=True, capture_output=True, text=True)
    line = next(item for item in ran.stdout.splitlines() if item.startswith("charter-bench "))
    requests, duration, p50, p95, p99, mean, errors, bad = (int(float(item)) for item in line.split()[1:])
    measured = Measured(p50 / 1000, p95 / 1000, p99 / 1000, mean / 1000, requests, duration / 1e6)
    if bad:
        raise SystemExit(f"{path}: {bad} answers were not 2xx or 3xx")
    measured.failures = errors
    measured.tool_cpu = _children_cpu() - before
    return measured


def _httpx(base: str, path: str, headers: dict[str, str], clients: int, requests: int) -> Measured:
    failures: list[str] = []
    cpu, started = time.process_time(), time.perf_counter()
    timings = asyncio.run(_load(base, path, headers, clients, requests, failures))
    elapsed = time.perf_counter() - started
    p50, p95, p99 = (_percentile(timings, share) for share in (0.5, 0.95, 0.99))
    measured = Measured(p50, p95, p99, statistics.fmean(timings), len(timings), elapsed)
    measured.failures = len(failures)
    measured.tool_cpu = time.process_time() - cpu
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="wrk: how long each URL is loaded")
    parser.add_argument("--requests", type=int, default=2000, help="httpx: requests per URL")
    parser.add_argument("--tool", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "httpx")
    if tool == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk); use --tool httpx")
    charter = str(Path(sys.executable).with_name("charter"))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-serve-"))
    org = workdir / "org"
    os.environ["CHARTER_DATABASE_URL"] = ""  # the demo's own SQLite store
    _prepare(charter, org, args.size)
    token = _token(charter, org)
    port = _free_port()
    process = _start(charter, org, port)
    base = f"http://127.0.0.1:{port}"
    script = workdir / "wrk-done.lua"
    script.write_text(WRK_DONE, encoding="utf-8")
    try:
        cookie = _session_cookie(base, token)
        cases = {
            "overview JSON  /api/v1/overview": ("/api/v1/overview", {"Authorization": f"Bearer {token}"}),
            "overview page  /": ("/", {"Cookie": f"charter_session={cookie}", "Accept": "text/html"}),
        }
        how = (
            f"wrk, 1 thread, {args.clients} connections, {args.seconds:g} s a URL"
            if tool == "wrk"
            else f"httpx AsyncClient in this script, {args.clients} connections, {args.requests} requests a URL"
        )
        print(f"{args.size} organisation in {org}; load tool: {how}")
        print(f"load average before: {load_average()} on {os.cpu_count()} CPUs")
        worst = 0.0
        for name, (path, headers) in cases.items():
            if tool == "wrk":
                _wrk(base, path, headers, args.clients, 3, script)  # warm-up
            else:
                _httpx(base, path, headers, args.clients, args.clients * 2)
            cpu = _cpu_seconds(process.pid)
            if tool == "wrk":
                measured = _wrk(base, path, headers, args.clients, args.seconds, script)
            else:
                measured = _httpx(base, path, headers, args.clients, args.requests)
            server_cpu = (_cpu_seconds(process.pid) - cpu) / measured.requests * 1000
            tool_cpu = measured.tool_cpu / measured.requests * 1000
            worst = max(worst, measured.p95)
            print(
                f"  {name:<34} p50 {measured.p50:7.1f} ms   p95 {measured.p95:7.1f} ms   p99 {measured.p99:7.1f} ms"
                f"   mean {measured.mean:7.1f} ms   {measured.requests / measured.seconds:6.0f} req/s"
                f" ({measured.requests} requests)   server CPU {server_cpu:5.2f} ms/request"
                f"   load tool CPU {tool_cpu:5.2f} ms/request   socket errors {measured.failures}"
            )
        verdict = "meets" if worst < TARGET_P95_MS else "misses"
        print(f"worst p95 {worst:.1f} ms {verdict} the target of {TARGET_P95_MS:.0f} ms")
        print(f"load average after: {load_average()} on {os.cpu_count()} CPUs")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
