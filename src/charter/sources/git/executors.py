"""Where repositories are mined: local threads running git (the default, one repository per core) or a
Dask distributed cluster. Either way the client gets MinedRepository results and alone writes the store."""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from threading import Event
from typing import Protocol

from charter.load.cores import usable_cores
from charter.model.codes import Codes
from charter.model.diagnostics import Location
from charter.model.errors import CharterError
from charter.sources.git.clones import history_bytes
from charter.sources.git.follow import StillRunning
from charter.sources.git.mine import CODES as MINING_CODES
from charter.sources.git.mine import (
    MinedRepository,
    RepositoryJob,
    mine_into_log,
    mine_repository_packed,
)

CODES = Codes(
    uses=(MINING_CODES["GIT003"],),
)
diagnostic = CODES.diagnostic


_POLL_SECONDS = 0.02
_DASK_ADDRESS = re.compile(r"tcp://(\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(\d{1,5})/?")


class Executor(Protocol):
    """Runs mining jobs somewhere and hands back each result as it becomes available."""

    def map_jobs(self, jobs: Sequence[RepositoryJob]) -> Iterator[MinedRepository]: ...


class ExecutorUnavailable(CharterError):
    """The executor cannot run anything (a Dask scheduler that does not answer): the sync stops
    before writing, and the command says so in one line (exit 2)."""


def executor_for(address: str | None) -> Executor:
    """`tcp://HOST:PORT`: the Dask scheduler there. None, empty or `local`: local worker threads.
    Anything else is refused with a message saying what is accepted, rather than guessed at."""
    chosen = (address or "").strip()
    if chosen in ("", "local"):
        return LocalExecutor()
    address_match = _DASK_ADDRESS.fullmatch(chosen)
    if address_match and 0 < int(address_match.group(2)) < 65536:
        return DaskExecutor(chosen)
    raise ValueError(f"executor `{address}`: expected `local` or a Dask scheduler address `tcp://HOST:PORT`")


class LocalExecutor:
    """Threads on this machine, one repository each at a time: each runs git with its log going straight
    to a file, and the client parses the files and writes the store. Git does the heavy work in its own
    process, so threads are enough; nothing is pickled and no worker imports the program again.
    The largest repositories (by the size of their packs) start first, so that a long one does not
    begin last and run alone at the end; the client writes each result as it completes, and follows
    the log of the last one while git still writes it, so writing the store overlaps with git instead
    of following it."""

    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max(1, max_workers or usable_cores())

    def map_jobs(self, jobs: Sequence[RepositoryJob]) -> Iterator[MinedRepository]:
        if not jobs:
            return
        log_dir = Path(tempfile.mkdtemp(prefix="charter-logs-"))
        stop = Event()
        workers = min(self.max_workers, len(jobs))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="charter-mine")
        try:
            running = _Running({}, [history_bytes(Path(job.location)) for job in jobs], pool)
            for index in sorted(range(len(jobs)), key=lambda index: -running.sizes[index]):
                job = jobs[index]
                log_path = str(log_dir / f"{index}.log")
                future = pool.submit(mine_into_log, job, log_path, running.log_started(index), stop)
                running.pending[future] = (index, job)
            yield from _results(running)
        finally:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            shutil.rmtree(log_dir, ignore_errors=True)


class _Running:
    """The jobs not yet handed to the client, by future, and the results of those whose log has begun."""

    def __init__(
        self,
        pending: dict[Future[MinedRepository], tuple[int, RepositoryJob]],
        sizes: list[int],
        pool: ThreadPoolExecutor,
    ) -> None:
        self.pending = pending
        self.sizes = sizes
        self.pool = pool
        self.started: dict[int, MinedRepository] = {}

    def log_started(self, index: int) -> Callable[[MinedRepository], None]:
        def started(mined: MinedRepository) -> None:
            self.started[index] = mined

        return started


def _results(running: _Running) -> Iterator[MinedRepository]:
    """Completed results first; the last job, once git has begun its log, while it runs."""
    pending = running.pending
    while pending:
        finished = [future for future in pending if future.done()]
        for future in finished:
            _, job = pending.pop(future)
            if not pending:  # the last job has ended: so have all, and the threads end at once
                running.pool.shutdown(wait=True)
            yield _outcome(job, future)
        if finished:
            continue
        followed = _follow_running(running)
        if followed is not None:
            yield followed
        else:
            wait(pending, timeout=_POLL_SECONDS, return_when=FIRST_COMPLETED)


def _follow_running(running: _Running) -> MinedRepository | None:
    """The last unfinished job, to write while git still writes its log. Until then the client writes
    each result when it is complete, in a few large batches: it writes one repository at a time, so
    following a running one would hold back every result that completes meanwhile, to be written
    after the last git ends. Following only the last one leaves, after git, the part of its log the
    client has not caught up with; the client writes far faster than git logs, so that is little."""
    if len(running.pending) != 1:
        return None
    ((future, (index, _)),) = running.pending.items()
    followed = running.started.get(index)
    if followed is None or future.done():
        return None
    del running.pending[future]
    followed.still_running = _still_running(future, running.pool)
    return followed


def _still_running(future: Future[MinedRepository], pool: ThreadPoolExecutor) -> StillRunning:
    """Whether the followed job (the last) still runs. Once it has ended, the pool's threads are ended
    too (as when the last result is handed over complete, `_results`): the client then runs no other
    thread, and may fork a child to work beside it while it writes the last result
    (`services/forked.py`)."""

    def still_running(timeout: float) -> bool:
        done = future.done() if timeout <= 0 else bool(wait([future], timeout=timeout)[0])
        if done:
            pool.shutdown(wait=True)  # every other job has ended: the threads end at once
        return not done

    return still_running


def _outcome(job: RepositoryJob, future: Future[MinedRepository]) -> MinedRepository:
    try:
        return future.result()
    except Exception as error:  # a worker that died (killed, out of memory) or a bug: this repository fails
        return _crashed(job, error)


def _crashed(job: RepositoryJob, error: BaseException) -> MinedRepository:
    message = f"repository `{job.name}`: mining {job.location} failed ({type(error).__name__}: {error})"
    return MinedRepository(
        job.name, job.location, ok=False, problems=[diagnostic("GIT003", message, Location(job.location))]
    )


class DaskExecutor:
    """A Dask distributed cluster at `address` (`tcp://HOST:PORT`). Workers clone or fetch each
    repository into their own cache when its location is not on their machine, and send back git's
    log as compressed frames; the client parses and writes them. Repositories this machine holds
    are run largest first (by task priority), as on the local threads."""

    def __init__(self, address: str, connect_timeout: str = "10s") -> None:
        self.address = address
        self.connect_timeout = connect_timeout

    def map_jobs(self, jobs: Sequence[RepositoryJob]) -> Iterator[MinedRepository]:
        if not jobs:
            return
        from distributed import Client, as_completed

        try:
            client = Client(self.address, timeout=self.connect_timeout, set_as_default=False)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as error:
            raise ExecutorUnavailable(
                f"--executor {self.address}: cannot reach the Dask scheduler ({error}); start it, or leave "
                "--executor out to mine on this machine's threads"
            ) from None
        with client:
            futures = {
                client.submit(
                    mine_repository_packed,
                    job,
                    key=f"charter-mine-{job.name}-{uuid.uuid4().hex}",
                    pure=False,
                    priority=history_bytes(Path(job.location)),
                ): job
                for job in jobs
            }
            for future in as_completed(futures, loop=client.loop):  # type: ignore[no-untyped-call]
                job = futures.pop(future)
                try:
                    mined: MinedRepository = future.result()
                except Exception as error:
                    mined = _crashed(job, error)
                finally:
                    future.release()
                yield mined
