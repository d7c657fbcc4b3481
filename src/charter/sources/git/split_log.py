"""A first mining's log written by two gits at once. Git logs one commit after another on one core;
on a machine with a core to spare, a second git writes the same log after its first `split_at`
commits, while the first writes those. The commits of the log are listed in its order first (`git
rev-list`, the same walk without the diffs, started beside a log begun early), and the second git
is given the ones after the split (`git log --no-walk=unsorted`: no walk through the first part).
Read one after the other, the two parts are the whole log, byte for byte, so the store gets the
same rows in the same order; the first git is ended once the reader has its part. The split is
chosen once the commits are listed: the second git is given a little more of what is left than the
first (`head_share`), so that the reader, done with the first part, catches up with the second while
it is still written, instead of reading all of it after both gits have ended."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event

from charter.sources.git.log import CommitList, GitError, RunningLog, start_log
from charter.sources.git.log_records import RECORD_START_BYTES

# A log shorter than this is written by one git: a second would not save more than it costs.
SPLIT_FROM = 2000
_POLL_SECONDS = 0.02
_LONGEST_START = 66  # a record start: the separator, a SHA-256 name and a NUL
# The reader's time for one commit of the log (parsing it and writing its rows: 15-20 µs on the
# 2-core machine of the README's `bench_sync.py` figures), against which git's time per commit is weighed.
READ_SECONDS_PER_COMMIT = 20e-6
# The least share of what is left that the first git is given, however cheap git's commits are.
_LEAST_HEAD_SHARE = 0.4


@dataclass
class SplitLog:
    """The gits writing one log: `head` from its start, to `head_path`; `tail` (None: the log is not
    split) after its first `split_at` commits, to `tail_path`. The first is ended once it has
    written those (however far behind the reader is), or once the reader sets `head_read`; then
    `head_written` is set, and the reader following the first part waits for nothing more of it
    (not when that git failed: the reader then follows the mining to its end, and its error)."""

    head: RunningLog
    tail: RunningLog | None = None
    split_at: int | None = None
    tail_path: str | None = None
    head_read: Event = field(default_factory=Event)
    head_path: str | None = None
    head_written: Event = field(default_factory=Event)

    def finish(self, stop: Event | None = None) -> None:
        """Wait for the gits: the first until the reader has its part (then it is ended) or it ends by
        itself (GitError if it failed), then the second. GitError once `stop` is set."""
        head, tail = self.head, self.tail
        if tail is None:
            head.finish(stop)
            return
        written = _Records(self.head_path) if self.head_path else None
        try:
            while not self.head_read.wait(_POLL_SECONDS):
                if stop is not None and stop.is_set():
                    raise GitError(head.repo, head.arguments, -1, "stopped: the sync was interrupted")
                if written is not None and self.split_at is not None and written.count() > self.split_at:
                    break  # its part is written whole (the next record has begun): the reader needs no more
                if head.ended():
                    if not written or self.split_at is None or written.count() <= self.split_at:
                        head.finish()  # ended before its part was written: GitError if it failed
                    break
            head.end()  # its part is written (or read): what it would write next is the second git's
            self.head_written.set()
            tail.finish(stop)
        finally:  # on a failure `head_written` stays unset: the reader waits for the mining's verdict
            head.end()
            tail.end()
            if written is not None:
                written.close()


class _Records:
    """Counts the commit records git has written to a log file so far, reading only what is new."""

    def __init__(self, path: str) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - read while git writes, closed by `close`
        self._carry = b""
        self._count = 0

    def count(self) -> int:
        data = self._carry + self._file.read()
        seen = len(self._carry)  # records that end within it were counted already
        self._count += sum(1 for found in RECORD_START_BYTES.finditer(data) if found.end() > seen)
        self._carry = data[-_LONGEST_START:]
        return self._count

    def close(self) -> None:
        self._file.close()


def start_split_log(
    repository: Path,
    revisions: tuple[Sequence[str], Sequence[str]],
    log_path: str,
    head: RunningLog | None = None,
    listed: CommitList | None = None,
) -> SplitLog:
    """The log of the commits reachable from the first revisions and not the second, to `log_path`
    (by `head` when it is begun already, its commits listed by `listed` when that is), split in two when it
    has `SPLIT_FROM` commits or more and the first git has not written most of them yet. Raises
    GitError or OSError (after ending what it started) when a git cannot be started or list the commits."""
    include, exclude = revisions
    if head is None:
        head = _start_log_file(repository, include, exclude, log_path)
    try:
        commits = (listed or CommitList(repository, include, exclude)).result()
        total = len(commits)
        written = _records_written(log_path)
        if total < SPLIT_FROM or written >= total:
            return SplitLog(head)
        split_at = written + int((total - written) * head_share(written, time.monotonic() - head.started))
        tail_path = f"{log_path}.tail"
        tail = _start_log_file(repository, include, exclude, tail_path, commits.after(split_at))
    except BaseException:
        head.end()
        raise
    return SplitLog(head, tail, split_at, tail_path, head_path=log_path)


def head_share(written: int, elapsed: float) -> float:
    """The share of the commits still to log that the first git writes, when it has written `written`
    in `elapsed` seconds. The reader follows the first git's part as it is written, then reads the
    second's. With even shares both gits end together and the whole second part is still to read, on
    one core while the other idles. With a little more for the second git, the reader catches up with
    it while it still writes: the sync ends earliest when the second git's last commit and the reader's
    come together, at the share (1 - p) / (2 - p), p being the reader's time per commit over git's (as
    git has gone so far). The more a history's diffs cost git, the nearer half the split."""
    if written <= 0 or elapsed <= 0:
        return 0.5
    ratio = min(1.0, READ_SECONDS_PER_COMMIT * written / elapsed)  # at 1 the formula gives none at all
    return max(_LEAST_HEAD_SHARE, (1 - ratio) / (2 - ratio))


def _start_log_file(
    repository: Path, include: Sequence[str], exclude: Sequence[str], path: str, commits: bytes | None = None
) -> RunningLog:
    with open(path, "wb") as output:  # git keeps its own descriptor
        return start_log(repository, include, exclude, output, commits)


def _records_written(log_path: str) -> int:
    """About how many commits git has written to the log so far (a record separator inside an
    author's name counts too: this only balances the two gits)."""
    try:
        return Path(log_path).read_bytes().count(b"\x1e")
    except OSError:
        return 0
