"""`charter risks` and `charter controls` on the large demo organisation (3,000 risks, 1,000
initiatives, 650 decisions). Target: `charter risks` under 3 s.

Each run is its own process, so imports count as a user sees them. The first run of each command
fills the store's parse cache (cold); the others read through it (warm). One `charter risks
--export poam` is timed too.

    .venv/bin/python benchmarks/bench_risks.py [--size large] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from child_process import ChildRun, run_child

TARGET_SECONDS = 3.0


def _seconds_and_peak(measured: ChildRun) -> tuple[float, float]:
    return measured.seconds, measured.peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()
    charter = str(Path(sys.executable).with_name("charter"))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-risks-"))
    org = workdir / "org"
    try:
        if not (org / "charter.yaml").exists():
            subprocess.run([charter, "demo", str(org), "--size", args.size], check=True, capture_output=True)
        shutil.rmtree(org / ".charter", ignore_errors=True)
        prefix = [charter]
        common = ["--repo", str(org), "--as-of", "2026-11-01"]
        results: dict[str, list[tuple[float, float]]] = {}
        for name, arguments in (
            ("risks", ["risks", *common]),
            ("risks --format json", ["risks", *common, "--format", "json"]),
            ("controls", ["controls", *common]),
        ):
            results[name] = [_seconds_and_peak(run_child([*prefix, *arguments])) for _ in range(args.repeat + 1)]
        results["risks --export poam"] = [
            _seconds_and_peak(run_child([*prefix, "risks", "--repo", str(org), "--export", "poam"]))
        ]
        print(f"{args.size} organisation in {org}")
        for name, times in results.items():
            cold, rest = times[0], times[1:] or times[:1]
            warm = min(seconds for seconds, _ in rest)
            peak = max(memory for _, memory in times)
            print(f"  charter {name:<22} first {cold[0]:5.2f} s   best warm {warm:5.2f} s   peak {peak:6.0f} MB")
        best = min(seconds for seconds, _ in results["risks"][1:] or results["risks"])
        verdict = "meets" if best < TARGET_SECONDS else "MISSES"
        print(f"charter risks: {best:.2f} s, {verdict} the {TARGET_SECONDS:.0f} s target")
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
