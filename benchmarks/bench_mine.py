"""Mining git history into the store, side by side with its floor: `git log --numstat` alone, with the
same options and revisions as the miner, written to /dev/null.

Measured in one run (each mining in its own process, timed inside it from the first job to the last
commit, so interpreter start-up is reported apart):
- one repository mined end to end into a fresh SQLite store (target <= 1.1x its floor);
- several repositories on the local threads, one git per core (target <= 0.6x the sum of their floors
  on 2 cores);
- PyDriller traversing the same history with per-file line counts (a ratio; capped to the first
  `--pydriller-commits` commits and scaled up, as it is slow);
- syncing the unchanged repository again (target < 0.2 s of work);
- peak memory of Charter's own process (git's children not counted) for each mining; `--big` adds a
  100,000-commit repository (target < 300 MB, independent of history length).

With no clones given, repositories are generated with `charter.demo.history` (git fast-import):
one of `--commits` commits (50,000) and `--others` more of a third of that. `--layout realistic` (the
default) gives them files of the size real services have (a few hundred lines, a few hundred files);
`--layout small` the demo's small files, where git's diffs cost about a third as much per commit, so
the parsing and storing that must hide behind git weigh three times as much. (PyDriller's ratio to the
floor shows which a history is like: about 17x on a real 28,000-commit repository, 25-28x on the
realistic layout, 50-60x on the small one.)

    .venv/bin/python benchmarks/bench_mine.py [CLONE ...] [--layout realistic|small] [--repeat 3]
        [--skip-pydriller] [--big]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Runs in a child process: mine the named clones into the store, print timings and peak memory.
CHILD = """
import json, resource, sys, time
from pathlib import Path

def main():
    from charter.sources.git.executors import LocalExecutor
    from charter.sources.git.mine import RepositoryJob
    from charter.services.imports_git import sync_repositories
    from charter.store import open_store
    from charter.store.git_history import known_head, known_refs

    store_url, workers, *pairs = sys.argv[1:]
    clones = dict(pair.split("=", 1) for pair in pairs)
    imported = time.perf_counter()
    with open_store(Path("."), store_url) as store:
        started = time.perf_counter()
        cpu_before = cpu_seconds()
        with store.engine.connect() as connection:
            jobs = [
                RepositoryJob(
                    name, path, known_refs=known_refs(connection, name), known_head=known_head(connection, name)
                )
                for name, path in clones.items()
            ]
        report = sync_repositories(store, jobs, LocalExecutor(int(workers) or None))
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds() - cpu_before
    problems = [problem.message for problem in report.diagnostics]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "commits": report.commits_added, "peak_mb": peak_mb,
                      "cpu": cpu, "open_seconds": started - imported, "problems": problems}))

def cpu_seconds():
    # This process and the children it reaped: every git it ran (the local executor's threads run git).
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

if __name__ == "__main__":
    main()
"""

PYDRILLER = """
import sys, time
from pydriller import Repository
path, limit = sys.argv[1], int(sys.argv[2])
started = time.perf_counter()
count = lines = 0
for commit in Repository(path, include_refs=True).traverse_commits():
    for change in commit.modified_files:
        lines += change.added_lines + change.deleted_lines
    count += 1
    if count >= limit:
        break
print(count, time.perf_counter() - started)
"""


@dataclass(frozen=True)
class Mining:
    """One mining in its own process: its whole wall time, the time from first job to last commit,
    the commits it added and the peak resident memory of that process alone."""

    wall: float
    seconds: float
    commits: int
    peak_mb: float
    cpu: float


def run_child(arguments: list[str]) -> Mining:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, *arguments], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"mining failed ({done.returncode}):\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["problems"]:
        sys.exit(f"mining reported problems: {result['problems']}")
    return Mining(
        wall, float(result["seconds"]), int(result["commits"]), float(result["peak_mb"]), float(result["cpu"])
    )


@dataclass(frozen=True)
class Floor:
    """`git log` alone: wall seconds and the CPU seconds git used."""

    seconds: float
    cpu: float


def floor_run(path: Path) -> Floor:
    """`git log` with the miner's own options and revisions, to /dev/null."""
    from charter.sources.git.log import read_refs, revision_input
    from charter.sources.git.log_records import LOG_OPTIONS

    revisions = revision_input(list(read_refs(path).values()), []).encode()
    started = time.perf_counter()
    child = subprocess.Popen(
        ["git", "-C", str(path), *LOG_OPTIONS, "--stdin"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL
    )
    assert child.stdin is not None
    child.stdin.write(revisions)
    child.stdin.close()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"git log failed in {path}")
    return Floor(time.perf_counter() - started, usage.ru_utime + usage.ru_stime)


def commit_count(path: Path) -> int:
    from charter.sources.git.log import read_refs

    tips = "".join(f"{sha}\n" for sha in set(read_refs(path).values()))
    done = subprocess.run(
        ["git", "-C", str(path), "rev-list", "--count", "--stdin"],
        input=tips,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def generate(target: Path, commits: int, seed: int, layout: str) -> Path:
    from charter.demo.history import REALISTIC_LAYOUT, FileLayout, HistorySpec, write_history

    if not (target / "HEAD").exists():
        started = time.perf_counter()
        files = REALISTIC_LAYOUT if layout == "realistic" else FileLayout()
        write_history(target, HistorySpec(commits=commits, seed=seed, bare=True, layout=files))
        print(f"generated {target.name}: {commits} commits in {time.perf_counter() - started:.1f} s", flush=True)
    return target


def mine_fresh(workdir: Path, label: str, clones: dict[str, Path], workers: int) -> Mining:
    store = workdir / f"{label}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    return run_child([f"sqlite:///{store}", str(workers), *(f"{name}={path}" for name, path in clones.items())])


def pydriller_seconds(path: Path, limit: int) -> tuple[int, float] | None:
    done = subprocess.run([sys.executable, "-c", PYDRILLER, str(path), str(limit)], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"PyDriller could not run: {done.stderr.strip().splitlines()[-1:]}")
        return None
    count, seconds = done.stdout.split()
    return (int(count), float(seconds)) if int(count) else None


def timed(seconds: float, floor: float) -> tuple[str, str]:
    return f"{seconds:.2f} s", f"{seconds / floor:.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clones", nargs="*", type=Path, help="local clones (bare or not); default: generated")
    parser.add_argument("--commits", type=int, default=50_000, help="commits of the generated main repository")
    parser.add_argument("--others", type=int, default=3, help="generated repositories besides the main one")
    parser.add_argument(
        "--layout", choices=("realistic", "small"), default="realistic", help="file sizes of generated repositories"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the best is reported")
    parser.add_argument("--skip-pydriller", action="store_true")
    parser.add_argument("--pydriller-commits", type=int, default=3000)
    parser.add_argument("--big", action="store_true", help="also mine a 100,000-commit repository for memory")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-mine-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.clones:
        clones = {path.name.removesuffix(".git"): path.resolve() for path in args.clones}
    else:
        clones = {"main": generate(workdir / f"{args.layout}-main.git", args.commits, 1, args.layout)}
        for index in range(args.others):
            name = f"other{index + 1}"
            target = workdir / f"{args.layout}-{name}.git"
            clones[name] = generate(target, max(1, args.commits // 3), index + 2, args.layout)
    counts = {name: commit_count(path) for name, path in clones.items()}
    largest = max(counts, key=lambda name: counts[name])
    cores = os.cpu_count() or 1
    print(f"repositories: {', '.join(f'{name} ({counts[name]} commits)' for name in clones)}; {cores} cores")

    floors: dict[str, list[Floor]] = {name: [] for name in clones}
    single: list[Mining] = []
    several: list[Mining] = []
    for _ in range(args.repeat):
        # Interleaved, so a busy moment on the machine does not favour one side.
        for name, path in clones.items():
            floors[name].append(floor_run(path))
        single.append(mine_fresh(workdir, "single", {largest: clones[largest]}, 1))
        if len(clones) > 1:
            several.append(mine_fresh(workdir, "several", clones, 0))
    floor = {name: min(run.seconds for run in runs) for name, runs in floors.items()}
    floor_cpu = {name: min(run.cpu for run in runs) for name, runs in floors.items()}

    rows: list[tuple[str, str, str, str]] = []
    best = min(single, key=lambda run: run.seconds)
    rows.append((f"floor: git log --numstat ({largest}, {counts[largest]} commits)", f"{floor[largest]:.2f} s", "", ""))
    rows.append((f"mine {largest} into a fresh SQLite store", *timed(best.seconds, floor[largest]), "<= 1.1x"))
    rows.append(("  same, whole process (start-up, imports)", *timed(best.wall, floor[largest]), ""))
    rows.append(("  CPU, this process and its gits / git's alone", *timed(best.cpu, floor_cpu[largest]), ""))
    if several:
        best_several = min(several, key=lambda run: run.seconds)
        floor_sum = sum(floor.values())
        cpu_sum = sum(floor_cpu.values())
        rows.append((f"floor: sum over {len(clones)} repositories", f"{floor_sum:.2f} s", "", ""))
        label = f"mine {len(clones)} repositories, local threads ({cores} gits at a time)"
        rows.append((label, *timed(best_several.seconds, floor_sum), "<= 0.6x"))
        rows.append(("  CPU, this process and its gits / gits' alone", *timed(best_several.cpu, cpu_sum), ""))
        # On idle cores the wall time cannot go below the CPU the work needs spread over them, nor below
        # the longest job.
        bound = max(best_several.cpu / cores, max(floor.values()))
        rows.append((f"  lower bound on {cores} idle cores (that CPU spread over them)", *timed(bound, floor_sum), ""))

    # Incremental sync of the unchanged repository, into the store the single mining left.
    again = [
        run_child([f"sqlite:///{workdir / 'single.db'}", "1", f"{largest}={clones[largest]}"])
        for _ in range(args.repeat)
    ]
    unchanged = min(again, key=lambda run: run.seconds)
    if unchanged.commits != 0:
        sys.exit(f"syncing an unchanged repository added {unchanged.commits} commits")
    rows.append((f"sync {largest} again, unchanged", f"{unchanged.seconds:.3f} s", "", "< 0.2 s"))
    rows.append(("  same, whole process (start-up, imports)", f"{unchanged.wall:.2f} s", "", ""))

    if not args.skip_pydriller:
        measured = pydriller_seconds(clones[largest], args.pydriller_commits)
        if measured is not None:
            traversed, seconds = measured
            scaled = seconds * counts[largest] / max(1, traversed)
            label = f"PyDriller, {traversed} commits, scaled to {counts[largest]}"
            rows.append((label, f"{scaled:.1f} s", f"{scaled / floor[largest]:.1f}x", "(ratio only)"))

    rows.append(
        (f"peak memory, Charter's process, {counts[largest]} commits", f"{best.peak_mb:.0f} MB", "", "< 300 MB")
    )
    if args.big:
        big = generate(workdir / f"{args.layout}-big.git", 100_000, 9, args.layout)
        big_floor = floor_run(big).seconds
        measured_big = mine_fresh(workdir, "big", {"big": big}, 1)
        rows.append(("floor: git log --numstat (big, 100000 commits)", f"{big_floor:.2f} s", "", ""))
        rows.append(("mine big into a fresh SQLite store", *timed(measured_big.seconds, big_floor), ""))
        rows.append(
            ("peak memory, Charter's process, 100000 commits", f"{measured_big.peak_mb:.0f} MB", "", "< 300 MB")
        )

    width = max(len(row[0]) for row in rows)
    print(f"{'measure':<{width}}  {'time':>10}  {'ratio':>7}  target")
    for label, value, ratio, target in rows:
        print(f"{label:<{width}}  {value:>10}  {ratio:>7}  {target}")
    if args.keep is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
