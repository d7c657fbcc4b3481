"""`charter plan` on the large demo organisation (1,000 initiatives, 300 teams, four quarters with a
Capacity). Target: the whole command under 10 s with a proven gap of at most 1%, under 1 GB.

Also a hard instance: the same organisation with every team's capacity cut to `--tight` (0.3) of
it, so that a third of the commitments cannot be held and much of the work does not fit; it is run
with the default gap (0.01%) and with `--gap 0.01`.

Each run is its own process, so imports count as a user sees them; wall time, CPU (user + system)
and peak memory of the child are printed, with the plan's objective, proven gap and status.

    .venv/bin/python benchmarks/bench_plan.py [--size large] [--repeat 2] [--tight 0.3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from child_process import ChildRun, run_child

TARGET_SECONDS = 10.0
TARGET_GAP = 0.01
TARGET_MB = 1024.0
AS_OF = "2026-11-01"  # the demo's own date: the horizon is its four quarters with a Capacity


def tighten(source: Path, destination: Path, share: float) -> None:
    """A copy of the organisation with every team's capacity cut to `share` of it."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(".charter", "clones"))
    path = destination / "roadmap" / "capacity.yaml"
    documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    for document in documents:
        teams = document["spec"]["teams"]
        document["spec"]["teams"] = {team: round(weeks * share, 1) for team, weeks in teams.items()}
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False), encoding="utf-8")


def measure(charter: str, org: Path, extra: list[str], repeat: int, output: Path) -> tuple[list[ChildRun], Any]:
    command = [charter, "plan", "--repo", str(org), "--as-of", AS_OF, "--format", "json", "--output", str(output)]
    runs = [run_child([*command, *extra]) for _ in range(repeat)]
    return runs, json.loads(output.read_text(encoding="utf-8"))


def report(name: str, runs: list[ChildRun], plan: Any) -> bool:
    best = min(runs, key=lambda run: run.seconds)
    cpu = min(run.cpu for run in runs)
    peak = max(run.peak_mb for run in runs)
    delivered = sum(1 for item in plan["initiatives"] if item["delivered"])
    broken = len(plan["tradeoffs"]["brokenDeadlines"])
    print(
        f"  {name:<34} wall {best.seconds:6.2f} s ({best.seconds / TARGET_SECONDS:.2f}× the target)  "
        f"CPU {cpu:6.2f} s  peak {peak:5.0f} MB  gap {plan['gap']:.4%}  {plan['status']}  "
        f"objective {plan['objective']:g}  delivered {delivered}/{len(plan['initiatives'])}  "
        f"deadlines broken {broken}"
    )
    return best.seconds < TARGET_SECONDS and plan["gap"] <= TARGET_GAP and peak < TARGET_MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--tight", type=float, default=0.3, help="the hard instance's share of capacity")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()
    charter = str(Path(sys.executable).with_name("charter"))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-plan-"))
    org, hard = workdir / "org", workdir / "hard"
    output = workdir / "plan.json"
    try:
        if not (org / "charter.yaml").exists():
            subprocess.run([charter, "demo", str(org), "--size", args.size], check=True, capture_output=True)
        if not (hard / "charter.yaml").exists():
            tighten(org, hard, args.tight)
        print(f"{args.size} organisation in {org}; the hard instance (capacity × {args.tight:g}) in {hard}")
        met = report("charter plan", *measure(charter, org, [], args.repeat, output))
        report("charter plan, hard instance", *measure(charter, hard, [], args.repeat, output))
        gap_runs = measure(charter, hard, ["--gap", "0.01"], args.repeat, output)
        hard_met = report("charter plan --gap 0.01, hard instance", *gap_runs)
        target = f"< {TARGET_SECONDS:g} s, gap ≤ 1%, < 1 GB"
        print(f"charter plan on the {args.size} organisation {'meets' if met else 'MISSES'} the target ({target})")
        print(f"the hard instance with --gap 0.01 {'meets' if hard_met else 'misses'} it")
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
