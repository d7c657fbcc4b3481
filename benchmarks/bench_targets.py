"""`charter targets` on the large demo organisation (5,000 components, 1,000 initiatives) with a
quarter of weekly snapshots (target: under 5 s warm).

The snapshots are written straight into the store with the snapshot writer
(`charter.store.snapshots.insert_snapshot`), as weekly `charter sync` runs would have left them:
every metric the providers measure (delivery, code health, incidents, SLOs, security) for every
component, team, system and the organisation, values drifting week by week with noise. (Importing
the large demo's facts and syncing thirteen times would take far longer than the command measured.)
Each `charter targets --backtest --format json` runs in its own process, so its wall time includes
start-up and loading the catalog and roadmap; the first fills the parse cache (cold), the others
read through it (warm).

    .venv/bin/python benchmarks/bench_targets.py [--size large] [--snapshots 13] [--repeat 3] [--keep DIR]
        [--charter PATH]

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

TARGET_SECONDS = 5.0
LATEST = datetime(2026, 11, 1, 23, 59, 59, tzinfo=UTC)
MEASURED_DOMAINS = ("delivery", "code_health", "incidents", "slos", "security")


def fill_snapshots(root: Path, count: int) -> int:
    """Write `count` weekly snapshots ending at LATEST; returns the values written."""
    from charter.analysis.metrics import METRICS, Unit
    from charter.load.repository import load_strategy_repo
    from charter.model.metric_values import SCOPE_OF_KIND, MetricValue, organization_ref
    from charter.store.database import open_store
    from charter.store.snapshots import insert_snapshot

    estate = load_strategy_repo(root, folders=("catalog",))
    scopes = [ref for ref in estate.entities if ref.kind in ("component", "group", "system")]
    scopes.append(organization_ref(estate.organization.metadata.name if estate.organization else "org"))
    rng = random.Random(13)
    metrics = [metric for metric in METRICS.values() if metric.domain.value in MEASURED_DOMAINS]
    base = {
        (metric.name, scope): rng.uniform(0.5, 1.0) if metric.unit is Unit.RATIO else rng.uniform(0.0, 40.0)
        for metric in metrics
        for scope in scopes
    }
    written = 0
    with open_store(root) as store:
        for week in range(count):
            taken = LATEST - timedelta(weeks=count - 1 - week)
            values = []
            for metric in metrics:
                for scope in scopes:
                    if SCOPE_OF_KIND[scope.kind] not in metric.scopes or rng.random() < 0.1:
                        continue  # no data this week
                    start = base[(metric.name, scope)]
                    value = start * (1 - 0.01 * week) + rng.gauss(0, start * 0.02)
                    if metric.unit is Unit.RATIO:
                        value = min(max(value, 0.0), 1.0)
                    elif metric.unit is Unit.SECONDS:
                        value *= 3600
                    values.append(MetricValue(metric.name, scope, max(value, 0.0), metric.unit.value))
            with store.transaction() as connection:
                insert_snapshot(connection, taken, None, values)
            written += len(values)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--snapshots", type=int, default=13)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--charter", help="the charter command to time (default: beside this Python)")
    args = parser.parse_args()
    charter = args.charter or str(Path(sys.executable).with_name("charter"))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-targets-"))
    org = workdir / "org"
    try:
        if not (org / "charter.yaml").exists():
            subprocess.run([charter, "demo", str(org), "--size", args.size], check=True, capture_output=True)
            started = time.perf_counter()
            written = fill_snapshots(org, args.snapshots)
            print(f"{args.snapshots} snapshots, {written:,} values written in {time.perf_counter() - started:.1f} s")
        command = [charter, "targets", "--repo", str(org), "--as-of", "2026-11-01", "--backtest", "--format", "json"]
        runs = [run_child(command) for _ in range(args.repeat + 1)]
        cold, warm = runs[0], min(runs[1:] or runs[:1], key=lambda run: run.seconds)
        peak = max(run.peak_mb for run in runs)
        print(f"{args.size} organisation in {org}")
        print(
            f"  charter targets --backtest  first {cold.seconds:5.2f} s   best warm {warm.seconds:5.2f} s "
            f"(CPU {warm.cpu:.2f} s)   peak {peak:6.0f} MB"
        )
        verdict = "meets" if warm.seconds < TARGET_SECONDS else "MISSES"
        print(f"charter targets: {warm.seconds:.2f} s warm, {verdict} the {TARGET_SECONDS:.0f} s target")
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
