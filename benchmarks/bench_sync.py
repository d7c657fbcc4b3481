"""`charter sync` on a real history, the whole command side by side with its floor: `git log` with the
miner's own options (`LOG_OPTIONS`) over HEAD, to /dev/null.

The history is psf/requests' (../shared/repos/requests.bundle: 6,729 commits on every ref, 6,489 on
`main`, 162 tags, side and maintenance branches, renames and deleted files), cloned bare as a CI
runner would have it. Each round runs, each in its own process and interleaved so that the shared
machine's load weighs on all alike: the floor over HEAD, the floor over every mined ref, `charter
sync` into a fresh store (no `.charter/`: mining, tag deployments, linking and the snapshot) and an
unchanged re-sync of two repositories (two clones of the bundle, synced once before the rounds).
Prints medians of wall and CPU time (user + system of the whole process tree: Charter and every git
it ran), their ratios to the floor over HEAD, and checks what Charter reports against git itself:
the commits the fresh sync added against `git rev-list --count` over the mined refs, and the files
`charter codehealth` lists against `git ls-tree` at the head of `main` (less the default exclusions).
Targets: fresh sync <= 1.1x the floor; unchanged re-sync of two repositories < 1 s.

At requests' size start-up dominates. `--replicate N` measures the same on a real-shaped history N times
as large (`replicated_history.py`): the bundle's whole history (every ref) copied N times and chained,
each copy with its real authors, messages, contents and diffs, its paths under `copy<k>/` (copy 0 keeps
its own), its dates squeezed into its slice of the history's span (so each copy follows the one before,
and a year holds N times requests' commits, as a history N times as large has), its tags
`v<M+10k>.<m>.<p>` (still release tags) and its root commit on the tip of the copy before, so HEAD
reaches every copy as a monorepo that absorbed them would have it; `--replicate 4` is about ipython's
size (issue 17: 28,687 commits on HEAD). The replica is built under the work directory (reused with
`--keep`) and its build time printed. The line "commits on HEAD in code health's recent window" says how
many commits the snapshot's code-health pass weighs as recent (the 365 days before now). `--as-of-
newest` runs every charter command with `--as-of` the day of HEAD's commit, for a history whose newest
commit is long past. `--generate COMMITS` measures it on a generated history instead (`bench_mine.py`'s:
git fast-import, `--layout realistic` files of the size real services have): synthetic commits, any
size.

    .venv/bin/python benchmarks/bench_sync.py [--bundle PATH] [--replicate 4 [--as-of-newest] |
        --generate 50000 [--layout realistic]] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

from child_process import ChildRun, compile_charter, load_average, ratio_line, run_child

ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: psf}
spec:
  sources: {git: {roots: [../clones]}}
"""
GROUP = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: maintainers}
spec: {type: team, children: []}
"""
COMPONENT = """\
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: NAME
  annotations:
    charter.dev/repo: NAME
    charter.dev/release-tags: 'v\\d+\\.\\d+\\.\\d+'
spec: {type: library, lifecycle: production, owner: maintainers}
"""
ALLOWED = (0, 1)  # 1 would be a diagnostic at or above --fail-on; the run is still timed


def default_bundle() -> Path:
    here = Path(__file__).resolve()
    for folder in here.parents:
        candidate = folder / "shared" / "repos" / "requests.bundle"
        if candidate.is_file():
            return candidate
    return Path("../shared/repos/requests.bundle")


def git(clone: Path, *arguments: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(clone), *arguments], input=stdin, capture_output=True, text=True, check=True
    )
    return done.stdout


def organisation(root: Path, bundle: Path, names: list[str]) -> Path:
    """A strategy repository `root/org` whose components map to bare clones of the bundle in
    `root/clones`, one per name."""
    (root / "org" / "catalog").mkdir(parents=True, exist_ok=True)
    (root / "org" / "charter.yaml").write_text(ORGANIZATION, encoding="utf-8")
    catalog = GROUP + "".join(COMPONENT.replace("NAME", name) for name in names)
    (root / "org" / "catalog" / "all.yaml").write_text(catalog, encoding="utf-8")
    for name in names:
        clone = root / "clones" / f"{name}.git"
        if not clone.exists():
            subprocess.run(["git", "clone", "-q", "--bare", str(bundle), str(clone)], check=True)
    return root / "org"


def floor(clone: Path, over: str) -> ChildRun:
    """`git log` with the miner's options over HEAD (`over="HEAD"`) or every ref it mines."""
    from charter.sources.git.log import read_refs, revision_input
    from charter.sources.git.log_records import LOG_OPTIONS

    revisions = "HEAD\n" if over == "HEAD" else revision_input(sorted(set(read_refs(clone).values())), [])
    path = Path(tempfile.mkstemp(prefix="revisions-")[1])
    path.write_text(revisions, encoding="utf-8")
    try:
        with open(path, "rb") as handle:
            command = ["git", "-C", str(clone), *LOG_OPTIONS, "--stdin"]
            return run_child_with_stdin(command, handle)
    finally:
        path.unlink()


def run_child_with_stdin(command: list[str], stdin: BinaryIO) -> ChildRun:
    """As `run_child`, with `stdin` (an open file) as the child's input."""
    import time

    started = time.perf_counter()
    child = subprocess.Popen(command, stdin=stdin, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command[:6])} … failed")
    return ChildRun(time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def checked_counts(charter: str, org: Path, clone: Path, env: dict[str, str], as_of: list[str]) -> list[str]:
    """What Charter reports against git: commits mined, and files at the head of `main`."""
    from charter.analysis.codehealth.patterns import DEFAULT_EXCLUDES, compile_path_globs
    from charter.sources.git.log import read_refs

    shutil.rmtree(org / ".charter", ignore_errors=True)
    synced = subprocess.run(
        [charter, "sync", "--repo", str(org), "--quiet", *as_of], capture_output=True, text=True, env=env, check=False
    )
    added = re.search(r"(\d+) commits added", synced.stdout + synced.stderr)
    tips = "".join(f"{sha}\n" for sha in set(read_refs(clone).values()))
    reachable = int(git(clone, "rev-list", "--count", "--stdin", stdin=tips))
    health = subprocess.run(
        [charter, "codehealth", "--repo", str(org), "--format", "json", *as_of],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    [component] = json.loads(health.stdout)["components"]
    excluded = compile_path_globs(DEFAULT_EXCLUDES)
    listed = [line for line in git(clone, "ls-tree", "-r", "--name-only", "-z", "HEAD").split("\0") if line]
    at_head = [path for path in listed if not excluded(path)]
    head_commits = int(git(clone, "rev-list", "--count", "HEAD"))
    mined = int(added.group(1)) if added else -1
    return [
        f"commits added by the fresh sync: {mined}; git rev-list --count over the mined refs: {reachable}"
        f" ({'equal' if mined == reachable else 'DIFFERENT'}; {head_commits} on HEAD)",
        f"files code health lists at the head of main: {component['files']}; git ls-tree less default"
        f" exclusions: {len(at_head)} ({'equal' if component['files'] == len(at_head) else 'DIFFERENT'})",
    ]


def newest_day(clone: Path) -> datetime.date:
    """The day (UTC) of HEAD's commit, as `--as-of` takes it."""
    stamp = int(git(clone, "log", "-1", "--format=%ct", "HEAD"))
    return datetime.datetime.fromtimestamp(stamp, datetime.UTC).date()


def recent_window(clone: Path, as_of: datetime.date | None) -> str:
    """How many of HEAD's commits code health's recent window holds (authored in the 365 days to the
    end of `as_of`, or to now), which the snapshot's pass weighs as recent, and how many come after
    its end (not counted: code health stops there)."""
    until = (
        datetime.datetime.combine(as_of, datetime.time.max, datetime.UTC)
        if as_of
        else datetime.datetime.now(datetime.UTC)
    ).timestamp()
    stamps = [int(stamp) for stamp in git(clone, "log", "--format=%at", "HEAD").split()]
    held = sum(until - 365 * 86_400 <= stamp <= until for stamp in stamps)
    later = sum(stamp > until for stamp in stamps)
    end = as_of.isoformat() if as_of else "now"
    return f"commits on HEAD in code health's recent window (the 365 days to {end}): {held} ({later} after it)"


def summary(label: str, runs: list[ChildRun], floor: list[ChildRun] | None, target: str) -> str:
    return ratio_line(label, runs, floor, target, width=52, each="CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=default_bundle())
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    history = parser.add_mutually_exclusive_group()
    history.add_argument("--generate", type=int, metavar="COMMITS", help="a generated history of COMMITS commits")
    history.add_argument("--replicate", type=int, metavar="N", help="the bundle's history N times, chained")
    parser.add_argument("--layout", choices=["realistic", "small"], default="realistic", help="with --generate")
    parser.add_argument(
        "--as-of-newest",
        action="store_true",
        help="sync --as-of the day of HEAD's commit (a replica's recent window as a real history's)",
    )
    parser.add_argument("--no-compile", action="store_true", help="leave Charter's modules uncompiled")
    args = parser.parse_args()
    print("Charter's modules left as they are" if args.no_compile else compile_charter())
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="charter-bench-sync-"))
    if args.generate:
        from bench_mine import generate

        source = generate(workdir / f"generated-{args.generate}-{args.layout}.git", args.generate, 1, args.layout)
        described = f"generated, {args.generate} commits ({args.layout} layout)"
    elif args.replicate and args.bundle.is_file():
        from replicated_history import replicate

        built = replicate(args.bundle, workdir / f"{args.bundle.stem}-x{args.replicate}.git", args.replicate)
        source = built.target
        described = f"{args.bundle.name} replicated {args.replicate} times ({built.commits} commits)"
        print(
            f"replica: {built.commits} commits on all refs, {built.head_commits} on HEAD; "
            + (f"built in {built.seconds:.1f} s" if built.seconds else f"reused ({source})")
        )
    elif args.bundle.is_file():
        source, described = args.bundle, args.bundle.name
    else:
        sys.exit(f"{args.bundle}: no such bundle (give --bundle PATH to a git bundle of a real history)")
    charter = str(Path(sys.executable).with_name("charter"))
    env = {name: value for name, value in os.environ.items() if name != "CHARTER_DATABASE_URL"}
    one = organisation(workdir / "one", source, ["requests"])
    two = organisation(workdir / "two", source, ["requests", "requests-copy"])
    clone = workdir / "one" / "clones" / "requests.git"
    print(f"history: {described}; {args.repeat} rounds; load average before: {load_average()}")
    as_of_day = newest_day(clone) if args.as_of_newest else None
    as_of = ["--as-of", as_of_day.isoformat()] if as_of_day else []
    if as_of:
        print(f"every charter command runs with {' '.join(as_of)} (the day of HEAD's commit)")
    print(recent_window(clone, as_of_day))
    for line in checked_counts(charter, one, clone, env, as_of):
        print(line)
    run_child([charter, "sync", "--repo", str(two), "--quiet", *as_of], env, allowed=ALLOWED)  # the first sync of two

    head_floor: list[ChildRun] = []
    refs_floor: list[ChildRun] = []
    fresh: list[ChildRun] = []
    again: list[ChildRun] = []
    for _ in range(args.repeat):
        head_floor.append(floor(clone, "HEAD"))
        refs_floor.append(floor(clone, "refs"))
        shutil.rmtree(one / ".charter", ignore_errors=True)
        fresh.append(run_child([charter, "sync", "--repo", str(one), "--quiet", *as_of], env, allowed=ALLOWED))
        again.append(run_child([charter, "sync", "--repo", str(two), "--quiet", *as_of], env, allowed=ALLOWED))

    heading = f"median of {args.repeat} rounds"
    print(f"{heading:<52} {'wall':>8}  {'cpu':>8}   {'wall':>6}   {'cpu':>6}   target")
    print(f"{'':<52} {'':>8}  {'':>8}  {'/floor':>7}  {'/floor':>7}")
    print(summary("floor  git log (miner's options) over HEAD", head_floor, None, "—"))
    print(summary("       the same over every mined ref", refs_floor, head_floor, "—"))
    print(summary("charter sync, fresh store (whole command)", fresh, head_floor, "<= 1.1x"))
    print(summary("charter sync again, two unchanged repositories", again, None, "< 1 s"))
    print(f"fresh sync peak memory: {max(run.peak_mb for run in fresh):.0f} MB")
    print(f"load average after: {load_average()}")
    if args.keep is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
