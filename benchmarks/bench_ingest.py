"""Webhook ingest under load on loopback: deployment events posted to `charter serve`'s
`POST /api/v1/events/deployments`, in batches, by several clients at once; then every event is
looked for in the store (zero loss: each acknowledged event present exactly once). Targets: at least
1,000 events/s on SQLite (one worker) and 3,000 on PostgreSQL (`--workers N`).

The load tool is this script: httpx's AsyncClient on asyncio, `--clients` requests in flight over as
many keep-alive connections, each request a JSON list of `--batch` events with ids of their own.
The server is `charter serve` in its own process over the small demo organisation (its catalog
names the components), on the demo's SQLite store or, with `--postgresql`, a PostgreSQL database
(`--database-url`, else a throwaway server the tests' helper starts).

    .venv/bin/python benchmarks/bench_ingest.py [--events 30000] [--batch 100] [--clients 8]
    .venv/bin/python benchmarks/bench_ingest.py --postgresql [--workers 2] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from child_process import load_average

TARGETS = {"sqlite": 1000.0, "postgresql": 3000.0}
START_SECONDS = 300
CHARTER = [sys.executable, "-c", "from charter.cli.app import main; main()"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _session_cpu(session: int) -> float:
    """User + system CPU seconds so far of every process in a session (`charter serve` and its
    workers), read from `/proc`, to tell the server's cost from the load tool's and PostgreSQL's."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[3]) == session:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _charter(*arguments: str) -> str:
    done = subprocess.run([*CHARTER, *arguments], check=True, capture_output=True, text=True)
    return done.stdout.strip()


def _start(org: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [*CHARTER, "serve", "--repo", str(org), "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("charter serve did not become ready")


def _batches(component: str, events: int, batch: int, run: str) -> list[list[dict[str, str]]]:
    every = [
        {
            "id": f"bench-{run}-{number}",
            "component": component,
            "environment": "production",
            "sha": f"{number:040x}",
            "finished": "2026-10-20T10:00:00Z",
        }
        for number in range(events)
    ]
    return [every[start : start + batch] for start in range(0, events, batch)]


async def _post_all(base: str, token: str, batches: list[list[dict[str, str]]], clients: int) -> tuple[int, float]:
    """Post every batch, `clients` at a time; returns the events acknowledged and the seconds taken."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    queue: asyncio.Queue[list[dict[str, str]]] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)
    acknowledged = 0
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=120) as client:

        async def worker() -> None:
            nonlocal acknowledged
            while True:
                try:
                    batch = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                response = await client.post("/api/v1/events/deployments", json=batch)
                if response.status_code != 201:
                    raise SystemExit(f"{response.status_code} {response.text[:300]}")
                acknowledged += response.json()["written"]

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return acknowledged, time.perf_counter() - started


def _stored(org: Path, run: str) -> tuple[int, int]:
    """Deployments of this run in the store, and their distinct ids."""
    from sqlalchemy import func, select

    from charter.store.database import open_store
    from charter.store.schema import deployments, event_receipts

    with open_store(org) as store, store.engine.connect() as connection:
        mine = deployments.c.id.like(f"bench-{run}-%")
        rows = connection.execute(select(func.count(), func.count(deployments.c.id.distinct())).where(mine)).one()
        receipts = connection.execute(
            select(func.count()).select_from(event_receipts).where(event_receipts.c.event_id.like(f"bench-{run}-%"))
        ).scalar_one()
    if receipts != rows[0]:
        raise SystemExit(f"{rows[0]} deployments but {receipts} receipts")
    return int(rows[0]), int(rows[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=30_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--database-url", help="a PostgreSQL database to use (implies --postgresql)")
    parser.add_argument("--workers", type=int, default=0, help="server workers (default: 1 on SQLite, 2 on PostgreSQL)")
    parser.add_argument("--keep", type=Path, help="generate the demo organisation into this directory and keep it")
    args = parser.parse_args()
    dialect = "postgresql" if args.postgresql or args.database_url else "sqlite"
    workers = args.workers or (2 if dialect == "postgresql" else 1)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-ingest-"))
    org = workdir / "org"
    if not (org / "charter.yaml").exists():
        _charter("demo", str(org), "--size", "small")
    server = None
    os.environ["CHARTER_DATABASE_URL"] = args.database_url or ""
    os.environ.pop("CHARTER_WEBHOOK_SECRET", None)
    if dialect == "postgresql" and not args.database_url:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.pg_server import start_postgres_server

        server = start_postgres_server()
        os.environ["CHARTER_DATABASE_URL"] = server.url(server.create_database())
    run = str(os.getpid())
    ingest = _charter("token", "create", "--repo", str(org), "--role", "ingest", "--name", f"bench-ingest-{run}")
    viewer = _charter("token", "create", "--repo", str(org), "--role", "viewer", "--name", f"bench-viewer-{run}")
    port = _free_port()
    process = _start(org, port, workers)
    base = f"http://127.0.0.1:{port}"
    try:
        listed = httpx.get(f"{base}/api/v1/components", headers={"Authorization": f"Bearer {viewer}"}).json()
        component = listed["components"][0]["component"]
        warm = _batches(component, args.batch * args.clients, args.batch, run + "w")
        asyncio.run(_post_all(base, ingest, warm, args.clients))
        batches = _batches(component, args.events, args.batch, run)
        print(f"load average before: {load_average()} on {os.cpu_count()} CPUs")
        server_cpu, tool_cpu = _session_cpu(process.pid), time.process_time()
        acknowledged, seconds = asyncio.run(_post_all(base, ingest, batches, args.clients))
        server_cpu, tool_cpu = _session_cpu(process.pid) - server_cpu, time.process_time() - tool_cpu
        rate = acknowledged / seconds
        stored, distinct = _stored(org, run)
        lost = args.events - stored
        print(
            f"{dialect}, {workers} worker(s): {acknowledged} events acknowledged in {seconds:.2f} s = {rate:,.0f} "
            f"events/s ({args.clients} clients, {args.batch} events a request); stored {stored} "
            f"({distinct} distinct), lost {lost}"
        )
        target = TARGETS[dialect]
        verdict = "meets" if rate >= target and lost == 0 and stored == distinct else "misses"
        print(f"{verdict} the target of {target:,.0f} events/s with zero loss")
        requests = len(batches)
        print(
            f"CPU per request of {args.batch} events: server {server_cpu / requests * 1000:.1f} ms "
            f"(all its workers), load tool {tool_cpu / requests * 1000:.1f} ms; wall {seconds:.2f} s"
        )
        print(f"load average after: {load_average()} on {os.cpu_count()} CPUs")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
