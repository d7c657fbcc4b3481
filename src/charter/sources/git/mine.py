"""Mine one repository: check it is a complete clone, fetch or clone it when asked, compare its refs
with what the store already has, and have git write the log of its new commits to a file, which the
client parses and writes to the store (following it while git still writes). Runs on a worker thread
(local pool) or a Dask worker, so everything here is picklable and nothing here touches the store."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event
from typing import TYPE_CHECKING

from charter.model.codes import Codes, Rule
from charter.model.delivery import TagRecord
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.git_records import CommitBatch, DefaultBranch, HeadFileRow, Stamp, seconds
from charter.sources.git.follow import StillRunning, read_log
from charter.sources.git.head import read_default_branch, read_head_files
from charter.sources.git.log import GitError, read_ref_listing, read_tags, revision_input, run_git, write_log
from charter.sources.git.log_records import LogParser, UnreadableLog
from charter.sources.git.split_log import start_split_log

if TYPE_CHECKING:
    from charter.sources.git.early import EarlyLog, EarlyLogs

CODES = Codes(
    Rule(
        "GIT001",
        "Not a git repository",
        Severity.ERROR,
        rationale="A path under `sources.git.roots` or a mapped repository that git cannot open is not mined.",
        fix="Point `sources.git.roots` at folders of clones, or clone the repository there.",
        example="""\
# charter.yaml
spec:
  sources:
    git: {roots: [clones]}          # clones/payments is a plain folder, not a clone
""",
    ),
    Rule(
        "GIT002",
        "Shallow clone",
        Severity.ERROR,
        rationale="A shallow clone lacks the history lead time and ancestry need; its numbers would be wrong.",
        fix="Run `git fetch --unshallow` in the clone, or clone it without `--depth`.",
        example="""\
$ git clone --depth 1 https://github.com/acme/payments clones/payments
$ charter sync
""",
    ),
    Rule(
        "GIT003",
        "Git cannot read the repository",
        Severity.ERROR,
        rationale="A corrupt object or unreadable repository stops its mining; nothing of it is written.",
        fix="Run `git fsck` in the clone and re-clone it if objects are missing.",
        example="""\
$ charter sync       # clones/payments/.git/objects lost a pack
error: GIT003 repository `payments`: git log failed: fatal: bad object HEAD
""",
    ),
    Rule(
        "GIT007",
        "History rewritten",
        Severity.INFO,
        rationale="A force-push removed commits that were mined; the repository was mined again from the start.",
        fix="Nothing to do; protect the branch against force-pushes if this was not intended.",
        example="""\
$ git -C clones/payments push --force origin main    # after a `charter sync`
$ charter sync
""",
    ),
    Rule(
        "GIT008",
        "Fetch failed",
        Severity.WARNING,
        rationale="`charter sync --fetch` could not update a clone; what it already had was mined.",
        fix="Check the clone's remote and credentials, then run `git fetch` in it.",
        example="""\
$ charter sync --fetch       # the clone's remote needs credentials the job lacks
""",
    ),
)
diagnostic = CODES.diagnostic


class MiningFailed(Exception):
    """A repository's mining stopped part way (git failed mid-log): nothing of it may be written."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        self.problems = problems
        super().__init__("; ".join(problem.message for problem in problems))


@dataclass(frozen=True, slots=True)
class RepositoryJob:
    """One repository to mine. `location` is a path on the machine that runs the job; when it does not
    exist there and `remote_url` is set, the repository is cloned (or fetched) into `cache_dir`.
    `known_refs` are the refs the store already has (empty: mine everything); `known_head` the
    default branch whose files at the head it has (None: none); `early_logs` the logs `charter sync`
    started before it loaded anything (this machine's threads only: they are not sent elsewhere).
    `split_log`: a first mining's log that a client follows may be written by two gits at once, the
    first commits of the log and the rest, and read one after the other (`split_log.py`): the same
    log, in less time when a core is free (for the one repository mined)."""

    name: str
    location: str
    remote_url: str | None = None
    known_refs: Mapping[str, str] = field(default_factory=dict)
    known_head: DefaultBranch | None = None
    fetch: bool = False
    cache_dir: str | None = None
    early_logs: EarlyLogs | None = field(default=None, compare=False, repr=False)
    split_log: bool = False


@dataclass
class MinedRepository:
    """What mining found. `changed` is False when the refs equal the known ones (nothing to write);
    `full` means replace everything stored for the repository (first mining, or history rewritten).
    The commits are git's own log output, parsed by whoever writes them: a file on this machine
    (`log_path`), or compressed chunks of it (`log_frames`) sent from another machine."""

    name: str
    location: str
    refs: dict[str, str] = field(default_factory=dict)
    full: bool = False
    changed: bool = False
    tags: list[TagRecord] = field(default_factory=list)
    default_branch: DefaultBranch | None = None
    head_files: list[HeadFileRow] | None = None
    commit_count: int = 0
    problems: list[Diagnostic] = field(default_factory=list)
    ok: bool = True
    log_path: str | None = None
    log_frames: list[bytes] | None = None
    # Set by the client when it reads a log that git is still writing; the mining then fills in `ok`
    # and `problems` when it ends.
    still_running: StillRunning | None = field(default=None, repr=False, compare=False)
    # A log written by two gits: its first `split_at` commits are in `log_path`, the rest in
    # `tail_path`; the reader sets `head_read` once it has the first part, and that git is ended.
    # `head_written` is set once the first git has ended: its part of the log is whole in `log_path`.
    split_at: int | None = None
    tail_path: str | None = None
    head_read: Event | None = field(default=None, repr=False, compare=False)
    head_written: Event | None = field(default=None, repr=False, compare=False)

    def batches(self, stamp: Stamp = seconds) -> Iterator[CommitBatch]:
        """The mined commits as store rows, a chunk of the log at a time (`stamp` turns Unix seconds into
        what the store binds). When the log is still being written, this follows it; MiningFailed if
        the mining behind it fails or its output cannot be read, so the caller's transaction rolls back."""
        parser = LogParser(self.name, stamp, limit=self.split_at)
        yield from self._parsed(parser, self._chunks(self._head_running()))
        commits = parser.commits
        if self.tail_path is not None:
            if self.head_read is not None:
                self.head_read.set()
            if commits != self.split_at:
                raise MiningFailed([*self.problems, _unreadable_log(self, f"{commits} commits before the split")])
            tail = LogParser(self.name, stamp)
            yield from self._parsed(tail, read_log(Path(self.tail_path), self.still_running))
            commits += tail.commits
        self.commit_count = commits

    def _parsed(self, parser: LogParser, chunks: Iterator[bytes]) -> Iterator[CommitBatch]:
        """The batches of one log file (a parser with a limit stops reading once it has them)."""
        try:
            for chunk in chunks:
                batch = parser.feed(chunk)
                if batch.commits:
                    yield batch
                if parser.full:
                    break
            if not self.ok:
                raise MiningFailed(self.problems)
            batch = parser.close()
        except UnreadableLog as error:
            raise MiningFailed([*self.problems, _unreadable_log(self, str(error))]) from error
        if batch.commits:
            yield batch

    def _chunks(self, still_running: StillRunning | None) -> Iterator[bytes]:
        if self.log_frames is not None:
            for frame in self.log_frames:
                yield zlib.decompress(frame)
        elif self.log_path is not None:
            yield from read_log(Path(self.log_path), still_running)

    def _head_running(self) -> StillRunning | None:
        """Whether the log in `log_path` may still grow: while the mining runs, and for a split log
        only until its first git has ended (the reader then takes the rest of its part at once,
        instead of waiting for bytes that the second git writes elsewhere)."""
        mining, head_written = self.still_running, self.head_written
        if mining is None or head_written is None:
            return mining

        def head_running(timeout: float) -> bool:
            if timeout <= 0:
                return not head_written.is_set() and mining(0)
            return not head_written.wait(timeout) and mining(0)

        return head_running

    def packed(self) -> MinedRepository:
        """The same result with the log moved into compressed frames, for sending to another machine
        (mined by one git: a split log is for a client that follows it)."""
        if self.log_path is None:
            return self
        frames = [zlib.compress(chunk, 1) for chunk in self._chunks(self.still_running)]
        self.discard()
        self.log_frames = frames
        return self

    def discard(self) -> None:
        """Delete the log (the client calls this once the result is written, or not written)."""
        if self.log_path is not None:
            if self.still_running is not None:
                while self.still_running(1.0):
                    pass
            Path(self.log_path).unlink(missing_ok=True)
            self.log_path = None
        if self.tail_path is not None:
            Path(self.tail_path).unlink(missing_ok=True)
            self.tail_path = None
        self.log_frames = None


def mine_repository(job: RepositoryJob) -> MinedRepository:
    """Mine `job` into a log file in the temporary folder; the caller deletes it with `discard()`."""
    descriptor, path = tempfile.mkstemp(prefix=f"charter-{_safe(job.name)}-", suffix=".log")
    os.close(descriptor)
    return mine_into_log(job, path)


def mine_repository_packed(job: RepositoryJob) -> MinedRepository:
    """Mine `job` and return its log as compressed frames: for a Dask worker, which shares no disk
    with the client."""
    return mine_repository(job).packed()


def mine_into_log(
    job: RepositoryJob,
    log_path: str,
    log_started: Callable[[MinedRepository], None] | None = None,
    stop: Event | None = None,
) -> MinedRepository:
    """Mine `job`, git writing its log to `log_path`. `log_started` is called with the result (refs,
    tags, `full` known; `ok` and `problems` final once this returns) as soon as git begins the log,
    so a client can follow it; `stop` ends git early (the mining then fails)."""
    mined = MinedRepository(job.name, job.location)
    try:
        repository = _prepare(job, mined)
        if repository is not None:
            _mine_prepared(job, repository, mined, log_path, log_started, stop)
    except GitError as error:
        _fail(mined, _unreadable(job, error.detail))
    except Exception as error:  # git missing, a disk full, output nobody expected: this repository only
        _fail(mined, _unreadable(job, f"{type(error).__name__}: {error}"))
    if mined.log_path is None or (not mined.ok and log_started is None):
        # Nothing to write; a followed log stays for its reader, who learns the verdict and discards it.
        Path(log_path).unlink(missing_ok=True)
        mined.log_path = None
    return mined


def _mine_prepared(
    job: RepositoryJob,
    repository: Path,
    mined: MinedRepository,
    log_path: str,
    log_started: Callable[[MinedRepository], None] | None,
    stop: Event | None,
) -> None:
    mined.refs, symbolic = read_ref_listing(repository)
    known = dict(job.known_refs)
    mined.changed = not known or mined.refs != known
    if mined.changed:
        mined.full = not known or _history_rewritten(repository, known, mined.refs)
        if known and mined.full:
            mined.problems.append(_rewritten(job, known, mined.refs))
    _read_head(job, repository, mined, symbolic)
    if not mined.changed:
        return
    mined.tags = read_tags(repository)
    include = list(mined.refs.values())
    exclude = [] if mined.full else list(known.values())
    early = _early_log(job, mined, log_path) if not known else None
    if job.split_log and not known and log_started is not None and include:
        _mine_split(job, repository, mined, (include, exclude), log_path, early, log_started, stop)
        return
    if early is not None:
        if early.commits is not None:
            early.commits.end()  # listed for a split that is not made
        mined.log_path = log_path
        if log_started is not None:
            log_started(mined)
        _finish(job, mined, lambda: early.running.finish(stop))
        return
    with open(log_path, "wb") as log:
        mined.log_path = log_path
        if log_started is not None:
            log_started(mined)
        _finish(job, mined, lambda: write_log(repository, include, exclude, log, stop))


def _mine_split(
    job: RepositoryJob,
    repository: Path,
    mined: MinedRepository,
    revisions: tuple[list[str], list[str]],
    log_path: str,
    early: EarlyLog | None,
    log_started: Callable[[MinedRepository], None],
    stop: Event | None,
) -> None:
    """The log written by two gits when it is long enough (`split_log.py`), else by one; a git that
    cannot be started or cannot list the commits fails the repository (`mine_into_log`)."""
    mined.log_path = log_path
    head, commits = (early.running, early.commits) if early is not None else (None, None)
    split = start_split_log(repository, revisions, log_path, head, commits)
    if split.tail is not None:
        mined.split_at, mined.tail_path, mined.head_read = split.split_at, split.tail_path, split.head_read
        mined.head_written = split.head_written
    log_started(mined)
    _finish(job, mined, lambda: split.finish(stop))


def _early_log(job: RepositoryJob, mined: MinedRepository, log_path: str) -> EarlyLog | None:
    """The log `charter sync` started early for this clone, moved to `log_path`, when it covers
    exactly the refs found now; else None (and the early one is ended)."""
    early = job.early_logs.take(job.location, mined.refs) if job.early_logs is not None else None
    if early is None:
        return None
    try:
        os.replace(early.path, log_path)  # git goes on writing the same file under its new name
    except OSError:
        early.discard()
        return None
    early.path = log_path
    return early


def _finish(job: RepositoryJob, mined: MinedRepository, log: Callable[[], None]) -> None:
    """Run (or wait for) the log; a failure fails the repository."""
    try:
        log()
    except GitError as error:
        _fail(mined, _unreadable(job, error.detail))
    except Exception as error:
        _fail(mined, _unreadable(job, f"{type(error).__name__}: {error}"))


def _read_head(job: RepositoryJob, repository: Path, mined: MinedRepository, symbolic: Mapping[str, str]) -> None:
    """The default branch, and its files at the head unless the store has them already."""
    branch = mined.default_branch = read_default_branch(repository, mined.refs, symbolic)
    if branch != job.known_head:
        mined.head_files = [] if branch is None else read_head_files(repository, branch.sha)


def _prepare(job: RepositoryJob, mined: MinedRepository) -> Path | None:
    """The clone to mine, checked and fetched; None (with the problem recorded) when it cannot be mined."""
    location = Path(job.location)
    if location.exists():
        repository = location
    elif job.remote_url:
        cached = _cached_clone(job, mined)
        if cached is None:
            return None
        repository = cached
    else:
        _fail(mined, diagnostic("GIT001", f"repository `{job.name}`: {job.location} does not exist", _at(job)))
        return None
    try:
        shallow = run_git(repository, "rev-parse", "--is-shallow-repository").strip() == "true"
    except GitError as error:
        message = f"repository `{job.name}`: {job.location} is not a git repository ({error.detail})"
        _fail(mined, diagnostic("GIT001", message, _at(job)))
        return None
    if shallow:
        message = f"repository `{job.name}`: {job.location} is a shallow clone; its history is incomplete"
        _fail(mined, diagnostic("GIT002", message, _at(job)))
        return None
    if job.fetch and location.exists():
        _fetch(job, repository, mined, "--all")
    return repository


def _fetch(job: RepositoryJob, repository: Path, mined: MinedRepository, *remotes: str) -> None:
    try:
        run_git(repository, "fetch", "--prune", "--quiet", *remotes)
    except GitError as error:
        message = f"repository `{job.name}`: git fetch failed, mined what the clone had ({error.detail})"
        mined.problems.append(diagnostic("GIT008", message, _at(job)))


def _cached_clone(job: RepositoryJob, mined: MinedRepository) -> Path | None:
    """A mirror of `job.remote_url` in the cache folder: fetched when it is there, else cloned (into a
    temporary name first, so an interrupted clone is never taken for a complete one)."""
    assert job.remote_url is not None
    cache = Path(job.cache_dir) if job.cache_dir else Path(tempfile.gettempdir()) / "charter-git-cache"
    target = cache / f"{_safe(job.name)}.git"
    if target.exists():
        _fetch(job, target, mined)
        return target
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{_safe(job.name)}-", dir=cache))
    try:
        run_git(cache, "clone", "--mirror", "--quiet", job.remote_url, str(staging / "mirror.git"))
        if not target.exists():
            (staging / "mirror.git").rename(target)
    except GitError as error:
        message = f"repository `{job.name}`: could not clone {job.remote_url}, nothing mined ({error.detail})"
        _fail(mined, diagnostic("GIT008", message, _at(job)))
        return None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _history_rewritten(repository: Path, known: dict[str, str], current: dict[str, str]) -> bool:
    """True when a mined tip is no longer reachable from the current refs (a force-push, a deleted
    unmerged branch) or no longer exists at all: one `git rev-list`."""
    gone = sorted(set(known.values()) - set(current.values()))
    if not gone:
        return False
    try:
        found = run_git(
            repository, "rev-list", "-n1", "--stdin", stdin=revision_input(gone, sorted(set(current.values())))
        )
    except GitError:
        return True
    return bool(found.strip())


def _fail(mined: MinedRepository, problem: Diagnostic) -> None:
    mined.problems.append(problem)
    mined.ok = False


def _at(job: RepositoryJob) -> Location:
    return Location(job.location)


def _unreadable(job: RepositoryJob, detail: str) -> Diagnostic:
    message = f"repository `{job.name}`: git cannot read {job.location}; nothing of it was written ({detail})"
    return diagnostic("GIT003", message, _at(job))


def _rewritten(job: RepositoryJob, known: dict[str, str], current: dict[str, str]) -> Diagnostic:
    moved = sorted(ref for ref, sha in known.items() if current.get(ref) != sha)
    shown = ", ".join(moved[:3]) + (f" and {len(moved) - 3} more" if len(moved) > 3 else "")
    message = (
        f"repository `{job.name}`: mined commits are no longer reachable ({shown} moved or deleted); "
        "mined again from the start"
    )
    return diagnostic("GIT007", message, _at(job))


def _unreadable_log(mined: MinedRepository, detail: str) -> Diagnostic:
    message = (
        f"repository `{mined.name}`: git's log of {mined.location} could not be read; nothing was written ({detail})"
    )
    return diagnostic("GIT003", message, Location(mined.location))


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "repository"
