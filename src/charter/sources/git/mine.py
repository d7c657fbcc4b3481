"""Mine one repository: check it is a complete clone, fetch or clone it when asked, compare its refs
with what the store already has, and stream its new commits into a spool of batches that the client
writes to the store. Runs in a worker process (local pool or Dask), so everything here is picklable
and nothing here touches the store."""

from __future__ import annotations

import os
import pickle
import re
import shutil
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from charter.model.codes import diagnostic
from charter.model.delivery import TagRecord
from charter.model.diagnostics import Diagnostic, Location
from charter.sources.git.log import (
    CommitRow,
    GitError,
    iter_commit_rows,
    read_refs,
    read_tags,
    revision_input,
    run_git,
)

# Commits per spool frame: big enough that a frame costs little, small enough that a worker and the
# client hold a few megabytes at a time whatever the history length.
BATCH_SIZE = 5000
MIN_BATCH_SIZE = 500
_FLUSH_SECONDS = 0.2
_FRAME_HEADER = 8
_PROLOGUE, _BATCH, _EPILOGUE = "prologue", "batch", "epilogue"
_FOLLOW_SECONDS = 0.02

# How the client follows a spool still being written: wait up to this many seconds for the worker,
# then say whether it is still running.
StillRunning = Callable[[float], bool]


class MiningFailed(Exception):
    """A repository's mining stopped part way (git failed mid-log): nothing of it may be written."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        self.problems = problems
        super().__init__("; ".join(problem.message for problem in problems))


@dataclass(frozen=True, slots=True)
class RepositoryJob:
    """One repository to mine. `location` is a path on the machine that runs the job; when it does not
    exist there and `remote_url` is set, the repository is cloned (or fetched) into `cache_dir`.
    `known_refs` are the refs the store already has (empty: mine everything)."""

    name: str
    location: str
    remote_url: str | None = None
    known_refs: Mapping[str, str] = field(default_factory=dict)
    fetch: bool = False
    cache_dir: str | None = None


@dataclass
class MinedRepository:
    """What mining found. `changed` is False when the refs equal the known ones (nothing to write);
    `full` means replace everything stored for the repository (first mining, or history rewritten).
    The commits themselves are in a spool: a file (local pool) or compressed frames (Dask)."""

    name: str
    location: str
    refs: dict[str, str] = field(default_factory=dict)
    full: bool = False
    changed: bool = False
    tags: list[TagRecord] = field(default_factory=list)
    commit_count: int = 0
    problems: list[Diagnostic] = field(default_factory=list)
    ok: bool = True
    spool_path: str | None = None
    spool_frames: list[bytes] | None = None
    # Set by the client when it reads a spool that a worker is still writing.
    still_running: StillRunning | None = field(default=None, repr=False, compare=False)

    def batches(self) -> Iterator[list[CommitRow]]:
        """The mined commits, a batch at a time. When the spool is still being written, this follows it;
        MiningFailed if the mining behind it fails, so the caller's transaction rolls back."""
        for kind, payload in self._frames():
            if kind == _BATCH:
                yield payload
            elif kind == _EPILOGUE:
                self.commit_count, self.problems, self.ok = payload
                if not self.ok:
                    raise MiningFailed(self.problems)
                return
        if self.still_running is not None:
            raise MiningFailed([*self.problems, _worker_stopped(self)])

    def _frames(self) -> Iterator[tuple[str, Any]]:
        if self.spool_frames is not None:
            for frame in self.spool_frames:
                yield pickle.loads(zlib.decompress(frame))
        elif self.spool_path is not None:
            yield from read_spool(Path(self.spool_path), self.still_running)

    def prologue(self) -> MinedRepository:
        """The result as known before the log starts: enough for the client to begin writing."""
        return MinedRepository(
            self.name, self.location, dict(self.refs), self.full, self.changed, list(self.tags), 0, list(self.problems)
        )

    def packed(self) -> MinedRepository:
        """The same result with the spool moved into compressed frames, for sending to another machine."""
        if self.spool_path is None:
            return self
        frames = [zlib.compress(pickle.dumps(frame, pickle.HIGHEST_PROTOCOL), 1) for frame in self._frames()]
        self.discard()
        self.spool_frames = frames
        return self

    def discard(self) -> None:
        """Delete the spool (the client calls this once the result is written, or not written)."""
        if self.spool_path is not None:
            if self.still_running is not None:
                while self.still_running(1.0):
                    pass
            Path(self.spool_path).unlink(missing_ok=True)
            self.spool_path = None
        self.spool_frames = None


def mine_repository(job: RepositoryJob) -> MinedRepository:
    """Mine `job` into a spool file in the temporary folder; the caller deletes it with `discard()`."""
    descriptor, path = tempfile.mkstemp(prefix=f"charter-{_safe(job.name)}-", suffix=".spool")
    os.close(descriptor)
    return mine_into_spool(job, path)


def mine_repository_packed(job: RepositoryJob) -> MinedRepository:
    """Mine `job` and return its commits as compressed frames: for a Dask worker, which shares no disk
    with the client."""
    return mine_repository(job).packed()


def mine_into_spool(job: RepositoryJob, spool_path: str) -> MinedRepository:
    """Mine `job`, writing frames to `spool_path` as they are made (a prologue with the refs and tags,
    batches of commits, an epilogue with the count and the verdict), so the client can follow it."""
    mined = MinedRepository(job.name, job.location)
    try:
        repository = _prepare(job, mined)
        if repository is not None:
            _mine_prepared(job, repository, mined, spool_path)
    except GitError as error:
        _fail(mined, _unreadable(job, error.detail))
    except Exception as error:  # git missing, a disk full, output nobody expected: this repository only
        _fail(mined, _unreadable(job, f"{type(error).__name__}: {error}"))
    if not mined.ok or not mined.changed:
        Path(spool_path).unlink(missing_ok=True)
        mined.spool_path = None
    return mined


def _mine_prepared(job: RepositoryJob, repository: Path, mined: MinedRepository, spool_path: str) -> None:
    mined.refs = read_refs(repository)
    known = dict(job.known_refs)
    if known and mined.refs == known:
        return
    mined.changed = True
    mined.full = not known or _history_rewritten(repository, known, mined.refs)
    if known and mined.full:
        mined.problems.append(_rewritten(job, known, mined.refs))
    mined.tags = read_tags(repository)
    include = list(mined.refs.values())
    exclude = [] if mined.full else list(known.values())
    mined.spool_path = spool_path
    with open(spool_path, "wb") as spool:
        write_frame(spool, _PROLOGUE, mined.prologue())
        try:
            mined.commit_count = _spool_commits(spool, iter_commit_rows(repository, include, exclude))
        except GitError as error:
            _fail(mined, _unreadable(job, error.detail))
        except Exception as error:
            _fail(mined, _unreadable(job, f"{type(error).__name__}: {error}"))
        # Always the last frame: a client following the spool learns the verdict from it.
        write_frame(spool, _EPILOGUE, (mined.commit_count, mined.problems, mined.ok))


def _spool_commits(spool: BinaryIO, rows: Iterator[CommitRow]) -> int:
    """Write the rows in batches: full ones, or smaller ones when git is slow to fill them, so that the
    client is never far behind and the batch left to write once git is done is small."""
    count = 0
    batch: list[CommitRow] = []
    flushed = time.monotonic()
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH_SIZE or (len(batch) >= MIN_BATCH_SIZE and time.monotonic() - flushed > _FLUSH_SECONDS):
            write_frame(spool, _BATCH, batch)
            count += len(batch)
            batch = []
            flushed = time.monotonic()
    if batch:
        write_frame(spool, _BATCH, batch)
        count += len(batch)
    return count


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


def write_frame(spool: BinaryIO, kind: str, payload: object) -> None:
    """Append one frame (length, then pickle) and flush it, so a reader sees whole frames only."""
    data = pickle.dumps((kind, payload), pickle.HIGHEST_PROTOCOL)
    spool.write(len(data).to_bytes(_FRAME_HEADER, "little"))
    spool.write(data)
    spool.flush()


def read_spool(path: Path, still_running: StillRunning | None = None) -> Iterator[tuple[str, Any]]:
    """The frames of a spool file; with `still_running`, follow it while its worker writes it."""
    with open(path, "rb") as spool:
        while True:
            finished = still_running is None or not still_running(0)
            frame = _read_frame(spool)
            if frame is not None:
                yield frame
            elif finished or still_running is None:
                return
            else:
                still_running(_FOLLOW_SECONDS)


def read_prologue(path: Path) -> MinedRepository | None:
    """The prologue of a spool being written, once the worker has written it."""
    try:
        with open(path, "rb") as spool:
            frame = _read_frame(spool)
    except FileNotFoundError:
        return None
    if frame is None or frame[0] != _PROLOGUE:
        return None
    prologue: MinedRepository = frame[1]
    return prologue


def _read_frame(spool: BinaryIO) -> tuple[str, Any] | None:
    start = spool.tell()
    header = spool.read(_FRAME_HEADER)
    if len(header) == _FRAME_HEADER:
        size = int.from_bytes(header, "little")
        data = spool.read(size)
        if len(data) == size:
            frame: tuple[str, Any] = pickle.loads(data)
            return frame
    spool.seek(start)
    return None


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


def _worker_stopped(mined: MinedRepository) -> Diagnostic:
    message = f"repository `{mined.name}`: the worker mining it stopped before it finished; nothing was written"
    return diagnostic("GIT003", message, Location(mined.location))


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "repository"
