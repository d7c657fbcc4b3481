"""`charter check` on the large demo organisation, measured the way CI runs it, side by side with
its floor: merely loading the same YAML files with `yaml.load_all(..., Loader=yaml.CSafeLoader)`.

Each round copies the organisation into a fresh directory (no `.charter/`, as in a fresh clone)
and runs, each in its own process: the floor, `charter check` cold (it creates the repository's
cache, `.charter/cache.sqlite`; a check never opens the store), `charter check` again in the same
directory (warm: the cache is there), and `charter check --no-cache` in another fresh copy (a
check that reads and writes no cache). Prints the median of the
rounds, wall and CPU time (user + system: what a shared machine's noise disturbs least), their
ratios to the floor measured in the same rounds, the cold check's peak memory and the load average
before and after. Targets: cold ≤ 1.5× the floor, warm < 1 s, peak < 500 MB (of the largest
process). The floor parses on one core; a cold check parses on every core it may use (forked
workers, `load/parallel_parse.py`), so its wall time, which the target is about, is below its CPU
time; a cold check pinned to one core (`taskset`, as a one-core runner has it) is measured too.
Charter's modules are
byte-compiled first, as an installed wheel has them (`--no-compile` leaves them as they are: with
PYTHONDONTWRITEBYTECODE set, every run then compiles them again).

    .venv/bin/python benchmarks/bench_check.py [--size large] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from child_process import ChildRun, compile_charter, load_average, ratio_line, run_child

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

CHECK_ALLOWED = (0, 1)  # 1: the demo organisation has findings, which is the gate working


def fresh_copy(org: Path, workdir: Path, name: str) -> Path:
    """A copy of the organisation with no `.charter/` in it, as a fresh clone has."""
    target = workdir / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(org, target, ignore=shutil.ignore_patterns(".charter"))
    return target


def summary(label: str, runs: list[ChildRun], floor: list[ChildRun] | None, target: str) -> str:
    return ratio_line(label, runs, floor, target, width=42, each="wall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--no-compile", action="store_true", help="leave Charter's modules uncompiled")
    args = parser.parse_args()
    print("Charter's modules left as they are" if args.no_compile else compile_charter())
    charter = str(Path(sys.executable).with_name("charter"))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-"))
    org = workdir / "org"
    if not (org / "charter.yaml").exists():
        subprocess.run([charter, "demo", str(org), "--size", args.size, "--force"], check=True)
    files = sum(1 for _ in org.rglob("*") if _.is_file())
    size_mb = sum(p.stat().st_size for p in org.rglob("*") if p.is_file()) / 1e6
    print(f"organisation: {args.size}, {files} files, {size_mb:.1f} MB; {args.repeat} rounds")
    print(f"load average before: {load_average()} ({os.cpu_count()} cores)")

    # The cache goes where CI's would: `.charter/` in the checked-out repository.
    env = {name: value for name, value in os.environ.items() if name != "CHARTER_DATABASE_URL"}
    floor_runs: list[ChildRun] = []
    cold_runs: list[ChildRun] = []
    warm_runs: list[ChildRun] = []
    uncached_runs: list[ChildRun] = []
    one_core_runs: list[ChildRun] = []
    one_core = ["taskset", "--cpu-list", "0"] if shutil.which("taskset") and len(os.sched_getaffinity(0)) > 1 else None
    for round_number in range(args.repeat):
        repo = fresh_copy(org, workdir, f"clone-{round_number}")
        check = [charter, "check", "--repo", str(repo), "--format", "json", "--output", os.devnull]
        floor_runs.append(run_child([sys.executable, "-c", FLOOR, str(repo)]))
        cold_runs.append(run_child(check, env, allowed=CHECK_ALLOWED))
        warm_runs.append(run_child(check, env, allowed=CHECK_ALLOWED))
        bare = fresh_copy(org, workdir, f"bare-{round_number}")
        uncached = [charter, "check", "--repo", str(bare), "--no-cache", "--format", "json", "--output", os.devnull]
        uncached_runs.append(run_child(uncached, env, allowed=CHECK_ALLOWED))
        if one_core is not None:  # as a one-core runner has it: no worker is started
            single = fresh_copy(org, workdir, f"single-{round_number}")
            cold_single = [*one_core, *check[:3], str(single), *check[4:]]
            one_core_runs.append(run_child(cold_single, env, allowed=CHECK_ALLOWED))
            shutil.rmtree(single, ignore_errors=True)
        shutil.rmtree(repo, ignore_errors=True)
        shutil.rmtree(bare, ignore_errors=True)

    heading = f"median of {args.repeat} rounds"
    print(f"{heading:<42} {'wall':>8}  {'cpu':>8}   {'wall':>6}   {'cpu':>6}   target")
    print(f"{'':<42} {'':>8}  {'':>8}  {'/floor':>7}  {'/floor':>7}")
    print(summary("floor  yaml.load_all(CSafeLoader)", floor_runs, None, "—"))
    print(summary("check  cold: fresh clone, cache created", cold_runs, floor_runs, "<= 1.5x"))
    print(summary("check  cold without a cache (--no-cache)", uncached_runs, floor_runs, "—"))
    if one_core_runs:
        print(summary("check  cold on one core (taskset)", one_core_runs, floor_runs, "—"))
    print(summary("check  warm: second run, cache present", warm_runs, None, "< 1 s"))
    print(f"check  cold peak memory: {max(run.peak_mb for run in cold_runs):.0f} MB (target < 500 MB)")
    print(f"load average after: {load_average()}")
    if args.keep is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
