"""The bounded process the import fuzz test (test_import_fuzzing.py) runs every example in: started
once, under a memory limit (RLIMIT_AS) and a CPU-time limit (RLIMIT_CPU), it reads one job a line
from stdin (`{"command": "kev", "path": "...", "arguments": [...]}`), runs `charter import` in
process on a SQLite store, and answers one JSON line: the exit code, the output, any exception, the
rows of every fact table before and after, and the peak memory so far. An example that runs away
overruns a per-example CPU budget (SIGPROF, reported as `runaway`) or the process limits (the
process dies, and the test fails on the missing answer)."""

from __future__ import annotations

import json
import resource
import signal
import sys
import traceback
from pathlib import Path
from types import FrameType

from typer.testing import CliRunner

from charter.cli.app import app
from tests.cli.importing import stored_rows

MEMORY_LIMIT_BYTES = 3 << 30
CPU_LIMIT_SECONDS = 900
EXAMPLE_CPU_SECONDS = 30


class Runaway(Exception):
    """One example used more CPU than any import of a small file may."""


def _runaway(_signal: int, _frame: FrameType | None) -> None:
    raise Runaway(f"more than {EXAMPLE_CPU_SECONDS} s of CPU on one example")


def run_job(repo: Path, job: dict[str, object]) -> dict[str, object]:
    arguments = ["import", str(job["command"]), str(job["path"]), "--repo", str(repo)]
    before = stored_rows(repo)
    signal.setitimer(signal.ITIMER_PROF, EXAMPLE_CPU_SECONDS)
    try:
        result = CliRunner().invoke(app, arguments, env={"CHARTER_DATABASE_URL": "", "COLUMNS": "400"})
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    exception = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        exception = "".join(traceback.format_exception(result.exception))
    return {
        "exit_code": result.exit_code,
        "output": result.output,
        "exception": exception,
        "before": before,
        "after": stored_rows(repo),
        "peak_rss_kib": peak_rss_kib(),
    }


def peak_rss_kib() -> int:
    """This process's own peak resident memory (VmHWM). Not `getrusage`'s ru_maxrss: Linux carries that
    over from the parent across fork and exec, so it would count the test run that started the worker."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_SECONDS, CPU_LIMIT_SECONDS + 10))
    signal.signal(signal.SIGPROF, _runaway)
    repo = Path(sys.argv[1])
    for line in sys.stdin:
        try:
            answer = run_job(repo, json.loads(line))
        except Runaway as error:
            answer = {"runaway": str(error)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
