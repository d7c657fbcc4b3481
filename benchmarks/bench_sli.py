"""`charter import sli` and `charter slo status` at scale: 1,000 SLOs x 30 days of 1-minute samples
(43.2 million CSV rows). Targets (issue 4): the import within 2x the time `pyarrow.csv.read_csv`
takes to read the same file (the floor), under 2 GB peak memory; `slo status` over all 1,000 SLOs
under 5 s, on SQLite and on PostgreSQL.

The CSV is generated with numpy and pyarrow and cached under /tmp/charter-bench-sli (about 1.5 GB).
Every measured step runs in its own process, so its wall time includes start-up and its peak memory
(wait4's rusage) is its own. PostgreSQL is a throwaway cluster (tests/pg_server.py).

    .venv/bin/python benchmarks/bench_sli.py [--small] [--slos 1000] [--days 30]
        [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(tempfile.gettempdir()) / "charter-bench-sli"
END = datetime(2026, 11, 1, tzinfo=UTC)
IMPORT_RATIO_TARGET = 2.0
MEMORY_TARGET_BYTES = 2 * 1024**3
STATUS_TARGET_SECONDS = 5.0
SLOS_PER_SERVICE = 10


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system: comparable when other work shares the machine
    peak_bytes: int
    output: str


def measured(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command; its wall time and peak resident memory (from wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    assert process.stdout is not None
    output = process.stdout.read().decode(errors="replace")
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output[-3000:]}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, output)


def slo_names(count: int) -> list[str]:
    return [f"svc-{index // SLOS_PER_SERVICE:03d}-slo-{index % SLOS_PER_SERVICE}" for index in range(count)]


def write_repository(root: Path, count: int) -> None:
    """A strategy repository with `count` Sloth SLOs, 10 per service file."""
    (root / "slos").mkdir(parents=True, exist_ok=True)
    (root / "charter.yaml").write_text(
        "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: bench}\nspec: {}\n", encoding="utf-8"
    )
    for service in range(-(-count // SLOS_PER_SERVICE)):
        entries = "".join(
            f"""
  - name: slo-{index}
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{{service="svc-{service:03d}",code=~"5.."}}[{{{{.window}}}}]))
        total_query: sum(rate(http_requests_total{{service="svc-{service:03d}"}}[{{{{.window}}}}]))"""
            for index in range(min(SLOS_PER_SERVICE, count - service * SLOS_PER_SERVICE))
        )
        text = f'version: "prometheus/v1"\nservice: svc-{service:03d}\nslos:{entries}\n'
        (root / "slos" / f"svc-{service:03d}.yaml").write_text(text, encoding="utf-8")


def write_csv(path: Path, count: int, days: int) -> None:
    """slo,timestamp,good,total: one row per SLO per minute, ISO 8601 UTC times, Poisson traffic with
    a small error rate, some SLOs burning."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    minutes = days * 24 * 60
    start = int((END - timedelta(days=days)).timestamp())
    times = pa.array(start + 60 * np.arange(minutes, dtype=np.int64), type=pa.timestamp("s", tz="UTC"))
    rng = np.random.default_rng(20261101)
    schema = pa.schema([("slo", pa.string()), ("timestamp", times.type), ("good", pa.int64()), ("total", pa.int64())])
    temporary = path.with_suffix(".partial")
    with pacsv.CSVWriter(temporary, schema) as writer:
        for index, name in enumerate(slo_names(count)):
            total = rng.poisson(100, minutes)
            error_rate = 0.0005 if index % 10 else 0.003  # one SLO in ten overspends its 0.1% budget
            bad = rng.binomial(total, error_rate)
            names = pa.DictionaryArray.from_arrays(pa.array(np.zeros(minutes, dtype=np.int32)), [name])
            writer.write_table(pa.table({"slo": names.cast(pa.string()), "timestamp": times, "good": total - bad,
                                         "total": total}, schema=schema))  # fmt: skip
    temporary.rename(path)


FLOOR_SCRIPT = "import sys, pyarrow.csv as c; t = c.read_csv(sys.argv[1]); print(t.num_rows)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="50 SLOs x 30 days, for a quick run")
    parser.add_argument("--slos", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    options = parser.parse_args()
    count = 50 if options.small else options.slos
    CACHE.mkdir(parents=True, exist_ok=True)
    csv_path = CACHE / f"sli-{count}x{options.days}d.csv"
    if not csv_path.exists():
        started = time.perf_counter()
        write_csv(csv_path, count, options.days)
        print(f"generated {csv_path} ({csv_path.stat().st_size / 1e9:.2f} GB) in {time.perf_counter() - started:.1f} s")
    rows = count * options.days * 1440
    print(f"{count} SLOs x {options.days} days = {rows:,} rows")
    python = sys.executable
    floor = measured([python, "-c", FLOOR_SCRIPT, str(csv_path)])
    print(
        f"pyarrow.csv.read_csv (floor): {floor.seconds:.2f} s (cpu {floor.cpu_seconds:.2f} s), "
        f"peak {floor.peak_bytes / 1e9:.2f} GB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    backends = ["sqlite", "postgresql"] if options.backend == "both" else [options.backend]
    failures = []
    for backend in backends:
        failures += bench_backend(backend, count, csv_path, floor, options.days)
    if failures:
        print("MISSED: " + "; ".join(failures))
    else:
        print("all targets met")


def bench_backend(backend: str, count: int, csv_path: Path, floor: Run, days: int) -> list[str]:
    env = dict(os.environ)
    server = database = None
    with tempfile.TemporaryDirectory(prefix="charter-bench-sli-") as folder:
        root = Path(folder)
        write_repository(root, count)
        if backend == "postgresql":
            sys.path.insert(0, str(ROOT))
            from tests.pg_server import start_postgres_server

            server = start_postgres_server()
            database = server.create_database()
            env["CHARTER_DATABASE_URL"] = server.url(database)
        try:
            charter = [str(Path(sys.executable).parent / "charter")]
            imported = measured([*charter, "import", "sli", str(csv_path), "--repo", str(root)], env)
            ratio = imported.seconds / floor.seconds
            print(
                f"[{backend}] charter import sli: {imported.seconds:.2f} s ({ratio:.2f}x the floor; cpu "
                f"{imported.cpu_seconds:.2f} s, {imported.cpu_seconds / floor.cpu_seconds:.2f}x), "
                f"peak {imported.peak_bytes / 1e9:.2f} GB — {imported.output.strip().splitlines()[-1]}"
            )
            as_of = END.strftime("%Y-%m-%dT%H:%M:%S")
            status = measured(
                [*charter, "slo", "status", "--repo", str(root), "--as-of", as_of, "--format", "json"], env
            )
            status_now = measured([*charter, "slo", "status", "--repo", str(root), "--as-of",
                                   (END - timedelta(minutes=17, seconds=30)).strftime("%Y-%m-%dT%H:%M:%S"),
                                   "--format", "json"], env)  # fmt: skip
            print(
                f"[{backend}] charter slo status ({count} SLOs): {status.seconds:.2f} s at a whole hour "
                f"(cpu {status.cpu_seconds:.2f} s), {status_now.seconds:.2f} s mid-hour (cpu "
                f"{status_now.cpu_seconds:.2f} s); peak {status.peak_bytes / 1e9:.2f} GB"
            )
        finally:
            if server is not None and database is not None:
                server.drop_database(database)
                server.stop()
    failures = []
    if ratio > IMPORT_RATIO_TARGET:
        failures.append(f"{backend} import {ratio:.2f}x > {IMPORT_RATIO_TARGET}x")
    if imported.peak_bytes > MEMORY_TARGET_BYTES:
        failures.append(f"{backend} import peak {imported.peak_bytes / 1e9:.2f} GB")
    if max(status.seconds, status_now.seconds) > STATUS_TARGET_SECONDS:
        failures.append(f"{backend} status {max(status.seconds, status_now.seconds):.2f} s")
    return failures


if __name__ == "__main__":
    main()
