"""A command timed in its own process, as the benchmarks measure Charter: wall time, the CPU it
used (user + system: what it costs on a machine other work shares) and its own peak resident memory,
from wait4's rusage of that one child."""

from __future__ import annotations

import compileall
import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Collection, Mapping
from statistics import median
from typing import NamedTuple


class ChildRun(NamedTuple):
    seconds: float
    cpu: float
    peak_mb: float


def run_child(command: list[str], env: Mapping[str, str] | None = None, allowed: Collection[int] = (0,)) -> ChildRun:
    """Run `command` with its output discarded; exit the benchmark with its stderr when its exit
    status is not in `allowed` (1 is a finding for commands that gate, not a failure)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in allowed:
        sys.exit(f"{' '.join(command[:3])} … failed ({child.returncode}):\n{errors.decode()}")
    return ChildRun(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def compile_charter() -> str:
    """Byte-compile Charter's own modules, as `pip install` does when it installs a wheel, so that a
    measured command does not compile them again in every run (an editable install in an
    environment with PYTHONDONTWRITEBYTECODE set would: about 0.4 s of CPU a command). The floors'
    libraries were compiled when pip installed them. Returns a line saying what was done."""
    spec = importlib.util.find_spec("charter")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        compileall.compile_dir(folder, quiet=1)
    return f"Charter's modules byte-compiled as an installed wheel has them ({', '.join(folders)})"


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, as the benchmarks print them before and after."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def ratio_line(
    label: str, runs: list[ChildRun], floor: list[ChildRun] | None, target: str, *, width: int, each: str
) -> str:
    """One line of a side-by-side table: the runs' median wall and CPU, their ratios to the floor's
    medians (measured in the same rounds), the target, and each run's `each` ("wall" or "CPU")."""
    wall, cpu = median(run.seconds for run in runs), median(run.cpu for run in runs)
    line = f"{label:<{width}} {wall:6.2f} s  {cpu:6.2f} s"
    if floor is not None:
        floor_wall, floor_cpu = median(run.seconds for run in floor), median(run.cpu for run in floor)
        line += f"   {wall / floor_wall:5.2f}x   {cpu / floor_cpu:5.2f}x"
    else:
        line += " " * 19
    spread = ", ".join(f"{run.seconds if each == 'wall' else run.cpu:.2f}" for run in runs)
    return f"{line}   {target:<10} ({each} of each run: {spread})"
