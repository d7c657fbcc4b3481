"""`charter check` on the large demo organisation, side by side with its floor: merely loading the
same YAML files with `yaml.load_all(..., Loader=yaml.CSafeLoader)`.

Prints the times, their ratio (target: cold check ≤ 1.5× the floor), the peak memory of the cold
check (target: < 500 MB) and the warm check time with the parse cache in the store (target: < 1 s).
Each measurement runs in its own process, so peak memory and import costs are those a user sees.

    .venv/bin/python benchmarks/bench_check.py [--size large] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from child_process import run_child

FLOOR = """
import sys, yaml
from pathlib import Path
root = Path(sys.argv[1])
folders = ["catalog", "standards", "slos", "risks", "controls", "roadmap", "radar"]
found = (p for f in folders for p in (root / f).rglob("*") if p.suffix in (".yaml", ".yml"))
paths = [root / "charter.yaml", *sorted(found)]
count = 0
for path in paths:
    with open(path, encoding="utf-8") as handle:
        count += sum(1 for _ in yaml.load_all(handle, Loader=yaml.CSafeLoader))
print(count, file=sys.stderr)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()
    charter = str(Path(sys.executable).with_name("charter"))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-"))
    org = workdir / "org"
    if not (org / "charter.yaml").exists():
        subprocess.run([charter, "demo", str(org), "--size", args.size, "--force"], check=True)
    files = sum(1 for _ in org.rglob("*") if _.is_file())
    size_mb = sum(p.stat().st_size for p in org.rglob("*") if p.is_file()) / 1e6
    print(f"organisation: {args.size}, {files} files, {size_mb:.1f} MB")

    env = {**os.environ, "CHARTER_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}"}
    check_cold = [charter, "check", "--repo", str(org), "--no-cache", "--format", "json", "--output", os.devnull]
    check_warm = [charter, "check", "--repo", str(org), "--format", "json", "--output", os.devnull]
    floor = [sys.executable, "-c", FLOOR, str(org)]

    cold_times, peaks, floor_times = [], [], []
    for _ in range(args.repeat):
        elapsed, _, peak = run_child(check_cold, env, allowed=(0, 1))
        cold_times.append(elapsed)
        peaks.append(peak)
        floor_times.append(run_child(floor, allowed=(0, 1)).seconds)
    run_child(check_warm, env, allowed=(0, 1))  # fills the parse cache
    warm_times = [run_child(check_warm, env, allowed=(0, 1)).seconds for _ in range(args.repeat)]

    cold, base, warm = min(cold_times), min(floor_times), min(warm_times)
    print(f"floor  yaml.load_all(CSafeLoader): {base:6.2f} s")
    print(f"check  cold (no parse cache):      {cold:6.2f} s   ratio {cold / base:.2f}x (target <= 1.5x)")
    print(f"check  cold peak memory:           {max(peaks):6.0f} MB  (target < 500 MB)")
    print(f"check  warm (parse cache in store): {warm:5.2f} s   (target < 1 s)")
    if args.keep is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
