"""`charter report` over the large demo organisation (300 teams, 5,000 components, 5,800 SLOs, 3,000
risks, 1,000 initiatives) with two quarters of weekly snapshots: HTML under 10 s, PDF under 30 s,
each under 1 GB of peak memory.

The snapshots are written straight into the store with its own writer (`insert_snapshot`): every
registry metric at every team, system and the organisation each week, and at every component in the
latest, with values drawn at random (a few scopes without data, as real ones have). Each
`charter report` runs in its own process, so its time includes start-up and loading the
organisation; the first run fills the parse cache and is reported apart.

    .venv/bin/python benchmarks/bench_report.py [--weeks 26] [--repeat 2] [--keep DIR]

The store is the demo's SQLite file, or PostgreSQL when CHARTER_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from child_process import run_child

TARGETS = {"html": 10.0, "pdf": 30.0}
MEMORY_TARGET_MB = 1024.0
AS_OF = datetime(2026, 11, 1, 23, 59, 59, tzinfo=UTC)
NO_DATA_SHARE = 0.1


def _value(rng: random.Random, unit: str) -> float | None:
    if rng.random() < NO_DATA_SHARE:
        return None
    if unit == "seconds":
        return rng.uniform(600, 14 * 86400)
    if unit == "ratio":
        return rng.random()
    if unit == "count":
        return float(rng.randrange(0, 40))
    return rng.uniform(0, 7)


def write_snapshots(root: Path, weeks: int) -> int:
    """Write `weeks` weekly snapshots ending at AS_OF; returns the values written."""
    from charter.analysis.metrics import METRICS, Scope
    from charter.load.repository import load_strategy_repo
    from charter.model.metric_values import MetricValue, organization_ref
    from charter.store.database import open_store
    from charter.store.snapshots import insert_snapshot

    estate = load_strategy_repo(root)
    organization = organization_ref(estate.organization.metadata.name if estate.organization else "org")
    by_kind = {
        "team": [ref for ref in estate.entities if ref.kind == "group"],
        "system": [ref for ref in estate.entities if ref.kind == "system"],
        "component": [ref for ref in estate.entities if ref.kind == "component"],
    }
    rng = random.Random(5)
    written = 0
    with open_store(root) as store:
        for week in range(weeks):
            latest = week == weeks - 1
            values = []
            for metric in METRICS.values():
                scopes = [organization] if Scope.ORG in metric.scopes else []
                for kind in ("team", "system", "component"):
                    if Scope(kind) in metric.scopes and (kind != "component" or latest):
                        scopes += by_kind[kind]
                values += [
                    MetricValue(metric.name, scope, _value(rng, metric.unit.value), metric.unit.value)
                    for scope in scopes
                ]
            with store.transaction() as connection:
                insert_snapshot(connection, AS_OF - timedelta(weeks=weeks - 1 - week), None, values)
            written += len(values)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()
    charter = str(Path(sys.executable).with_name("charter"))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-report-"))
    root = workdir / "org"
    try:
        if not (root / "charter.yaml").exists():
            started = time.perf_counter()
            subprocess.run([charter, "demo", str(root), "--size", args.size], check=True, stdout=subprocess.DEVNULL)
            print(f"demo --size {args.size}: {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            written = write_snapshots(root, args.weeks)
            print(f"{args.weeks} weekly snapshots, {written:,} values written: {time.perf_counter() - started:.1f} s")
        verdicts = []
        for format_name in ("html", "pdf"):
            output = workdir / f"report.{format_name}"
            command = [charter, "report", "--repo", str(root), "--format", format_name, "--output", str(output)]
            best = float("inf")
            peak = 0.0
            for attempt in range(args.repeat + 1):
                seconds, cpu, memory = run_child(command)
                label = "cold (fills the parse cache)" if attempt == 0 else f"warm {attempt}"
                print(f"charter report -f {format_name}, {label}: {seconds:.2f} s ({cpu:.2f} s CPU), {memory:.0f} MB")
                if attempt:
                    best = min(best, seconds)
                    peak = max(peak, memory)
            size = output.stat().st_size / 1e6
            within = best < TARGETS[format_name] and peak < MEMORY_TARGET_MB
            verdicts.append(within)
            print(
                f"charter report --format {format_name} ({size:.1f} MB): best warm {best:.2f} s, peak {peak:.0f} MB"
                f" (target {TARGETS[format_name]:.0f} s, {MEMORY_TARGET_MB:.0f} MB): {'OK' if within else 'OVER'}"
            )
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
