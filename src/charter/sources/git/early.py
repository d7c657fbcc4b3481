"""Git's log started before Charter has loaded what mining needs. Mining a clone into a store that
has none of its history yet logs every mined ref from the start, and git needs nothing but the clone
for that; so `charter sync` starts those logs first (one git per core, the largest clones first),
each writing to a file, and git works while Charter starts up. The mining then adopts a log whose
refs are still the ones it finds; any other is ended and deleted, and the mining runs its own."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from charter.load.cores import usable_cores
from charter.sources.git.clones import history_bytes
from charter.sources.git.log import CommitList, GitError, RunningLog, read_ref_listing, spare_core, start_log


@dataclass
class EarlyLog:
    """A log of every commit reachable from `refs`, which git is writing (or wrote) to `path`, and
    the list of those commits, which another git is making (for a log written by two gits)."""

    refs: dict[str, str]
    path: str
    running: RunningLog
    commits: CommitList | None = None

    def discard(self) -> None:
        self.running.end()
        if self.commits is not None:
            self.commits.end()
        Path(self.path).unlink(missing_ok=True)


class EarlyLogs:
    """The logs started early, by the clone's resolved location; each is taken once, or ended by
    `close` (which the sync calls whatever happens)."""

    def __init__(self, logs: dict[str, EarlyLog]) -> None:
        self.logs = logs

    def take(self, location: str, refs: Mapping[str, str]) -> EarlyLog | None:
        """The log of the clone at `location` when it was started over exactly `refs`, else None."""
        log = self.logs.pop(str(Path(location).resolve()), None)
        if log is not None and log.refs != dict(refs):
            log.discard()
            return None
        return log

    def close(self) -> None:
        """End and delete every log nobody took."""
        while self.logs:
            self.logs.popitem()[1].discard()


def start_early_logs(clones: Sequence[Path], workers: int | None = None) -> EarlyLogs:
    """Start the log of every mined ref for the largest `workers` clones (default: one per core).
    A clone git cannot list is left to the mining, which reports it."""
    chosen = sorted(clones, key=history_bytes, reverse=True)[: max(1, workers or usable_cores())]
    logs: dict[str, EarlyLog] = {}
    for clone in chosen:
        try:
            refs, _ = read_ref_listing(clone)
        except (GitError, OSError):
            continue
        if not refs:
            continue
        descriptor, path = tempfile.mkstemp(prefix=f"charter-early-{clone.name}-", suffix=".log")
        try:
            with os.fdopen(descriptor, "wb") as output:
                running = start_log(clone, list(refs.values()), [], output)
        except OSError:
            Path(path).unlink(missing_ok=True)
            continue
        commits = None
        if len(clones) == 1 and spare_core():  # its log may be written by two gits (RepositoryJob.split_log)
            try:
                commits = CommitList(clone, list(refs.values()), [])
            except OSError:
                commits = None
        logs[str(clone.resolve())] = EarlyLog(refs, path, running, commits)
    return EarlyLogs(logs)
