"""`charter escalations` on the large demo organisation (`--git`: its 200 clones and the facts that
come with them) after its facts are imported (deployments, incidents, SLI counts, scanner findings,
KEV, EPSS, Scorecard). Target: under 5 s warm.

Each run is its own process, so imports count as a user sees them. The first run fills the store's
parse cache (cold); the others read through it (warm). The timed runs are dry runs (`--dry-run`:
the ledger is read, not written); one recording run and one re-run with nothing changed (which
stamps every escalation's last-seen time) are timed too.

    .venv/bin/python benchmarks/bench_escalations.py [--size large] [--repeat 3] [--keep DIR]

The store is the demo's SQLite file, or PostgreSQL when CHARTER_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from child_process import ChildRun, run_child

TARGET_SECONDS = 5.0
AS_OF = "2026-11-01"


def import_facts(charter: str, org: Path) -> float:
    """Every fact the demo generated, imported as `make demo` imports them; returns the seconds taken."""
    facts = org / "facts"
    steps = [
        ["import", "deployments", str(facts / "deployments.jsonl")],
        ["import", "incidents", *map(str, sorted(facts.glob("incidents-*")))],
        ["import", "sli", str(facts / "sli.csv")],
        ["import", "findings", *map(str, sorted((facts / "scans").iterdir()))],
        ["import", "kev", str(facts / "kev.json")],
        ["import", "epss", str(facts / "epss.csv")],
        ["import", "scorecard", *map(str, sorted((facts / "scorecard").glob("*.json")))],
    ]
    started = time.perf_counter()
    for step in steps:
        subprocess.run([charter, *step, "--repo", str(org)], check=True, capture_output=True)
    return time.perf_counter() - started


def _line(name: str, runs: list[ChildRun]) -> str:
    cold, rest = runs[0], runs[1:] or runs[:1]
    warm = min(rest, key=lambda run: run.seconds)
    peak = max(run.peak_mb for run in runs)
    return (
        f"  charter {name:<40} first {cold.seconds:5.2f} s   best warm {warm.seconds:5.2f} s "
        f"(CPU {warm.cpu:5.2f} s)   peak {peak:6.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()
    charter = str(Path(sys.executable).with_name("charter"))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-escalations-"))
    org = workdir / "org"
    try:
        if not (org / "charter.yaml").exists():
            subprocess.run([charter, "demo", str(org), "--size", args.size, "--git"], check=True, capture_output=True)
            shutil.rmtree(org / ".charter", ignore_errors=True)
        if not (org / ".charter").exists():  # a kept organisation's facts are imported once
            print(f"facts imported in {import_facts(charter, org):.1f} s")
        common = [charter, "escalations", "--repo", str(org), "--as-of", AS_OF]
        dry = [run_child([*common, "--dry-run", "--format", "json"]) for _ in range(args.repeat + 1)]
        recording = [run_child([*common, "--format", "json"]) for _ in range(2)]
        print(f"{args.size} organisation in {org}")
        print(_line("escalations --dry-run --format json", dry))
        print(_line("escalations (recording; then a re-run)", recording))
        best = min(dry[1:] or dry, key=lambda run: run.seconds)
        verdict = "meets" if best.seconds < TARGET_SECONDS else "MISSES"
        print(
            f"charter escalations: {best.seconds:.2f} s warm (CPU {best.cpu:.2f} s), {verdict} the "
            f"{TARGET_SECONDS:.0f} s target; load average {os.getloadavg()[0]:.1f}"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
