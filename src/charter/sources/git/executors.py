"""Where repositories are mined: a local process pool (the default, one repository per core) or a Dask
distributed cluster. Either way the client gets MinedRepository results and alone writes the store."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures import Executor as PoolExecutor
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Protocol

from charter.model.codes import diagnostic
from charter.model.diagnostics import Location
from charter.sources.git import mine
from charter.sources.git.mine import (
    MinedRepository,
    RepositoryJob,
    StillRunning,
    mine_into_spool,
    mine_repository_packed,
    read_prologue,
)

_POLL_SECONDS = 0.02
_DASK_ADDRESS = re.compile(r"tcp://(\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(\d{1,5})/?")


class Executor(Protocol):
    """Runs mining jobs somewhere and hands back each result as it becomes available."""

    def map_jobs(self, jobs: Sequence[RepositoryJob]) -> Iterator[MinedRepository]: ...


class ExecutorUnavailable(Exception):
    """The executor cannot run anything (a Dask scheduler that does not answer)."""


def executor_for(address: str | None) -> Executor:
    """`tcp://HOST:PORT`: the Dask scheduler there. None, empty or `local`: the local process pool.
    Anything else is refused with a message saying what is accepted, rather than guessed at."""
    chosen = (address or "").strip()
    if chosen in ("", "local"):
        return LocalExecutor()
    address_match = _DASK_ADDRESS.fullmatch(chosen)
    if address_match and 0 < int(address_match.group(2)) < 65536:
        return DaskExecutor(chosen)
    raise ValueError(f"executor `{address}`: expected `local` or a Dask scheduler address `tcp://HOST:PORT`")


class LocalExecutor:
    """A process pool on this machine. Workers write each repository's commits to a spool file as they
    go; when no result is complete the client follows the spool of a running job, so writing the
    store overlaps with git instead of following it. With one worker there is nothing to run in
    parallel: the job runs on a thread of this process (git does the work in its own process), which
    saves starting a worker that imports the program again."""

    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max(1, max_workers or os.cpu_count() or 1)

    def map_jobs(self, jobs: Sequence[RepositoryJob]) -> Iterator[MinedRepository]:
        if not jobs:
            return
        spool_dir = Path(tempfile.mkdtemp(prefix="charter-spool-"))
        workers = min(self.max_workers, len(jobs))
        pool: PoolExecutor = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="charter-mine")
            if workers == 1
            else ProcessPoolExecutor(max_workers=workers, mp_context=_process_context())
        )
        try:
            pending: dict[Future[MinedRepository], tuple[RepositoryJob, Path]] = {}
            for index, job in enumerate(jobs):
                spool = spool_dir / f"{index}.spool"
                pending[pool.submit(mine_into_spool, job, str(spool))] = (job, spool)
            yield from _results(pending, workers)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            shutil.rmtree(spool_dir, ignore_errors=True)


def _results(
    pending: dict[Future[MinedRepository], tuple[RepositoryJob, Path]], workers: int
) -> Iterator[MinedRepository]:
    """Completed results first; else, near the end, the spool of a running job that has begun its log."""
    while pending:
        finished = [future for future in pending if future.done()]
        for future in finished:
            job, _ = pending.pop(future)
            yield _outcome(job, future)
        if finished:
            continue
        followed = _follow_running(pending, workers)
        if followed is not None:
            yield followed
        else:
            wait(pending, timeout=_POLL_SECONDS, return_when=FIRST_COMPLETED)


def _follow_running(
    pending: dict[Future[MinedRepository], tuple[RepositoryJob, Path]], workers: int
) -> MinedRepository | None:
    """The earliest started job, to write while its worker still mines, once every unfinished job has
    started its log. Until then the client stays free for results that complete: it writes one
    repository at a time, so following one holds back every other result until that one ends."""
    unfinished = [(future, spool) for future, (_, spool) in pending.items() if not future.done()]
    if not unfinished or len(unfinished) > workers:
        return None
    prologues = [(future, spool, read_prologue(spool)) for future, spool in unfinished]
    if any(prologue is None for _, _, prologue in prologues):
        return None
    future, spool, prologue = prologues[0]
    assert prologue is not None
    del pending[future]
    prologue.spool_path = str(spool)
    prologue.still_running = _still_running(future)
    return prologue


def _still_running(future: Future[MinedRepository]) -> StillRunning:
    def still_running(timeout: float) -> bool:
        if timeout <= 0:
            return not future.done()
        done, _ = wait([future], timeout=timeout)
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


def _process_context() -> BaseContext:
    """forkserver where there is one (fork is unsafe once the client runs threads, such as a progress
    bar's), with the mining module loaded once in the server; spawn elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([mine.__name__])
        return context
    return multiprocessing.get_context("spawn")


class DaskExecutor:
    """A Dask distributed cluster at `address` (`tcp://HOST:PORT`). Workers clone or fetch each
    repository into their own cache when its location is not on their machine, and send back the
    commits as compressed frames; the client writes them."""

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
            raise ExecutorUnavailable(f"cannot reach the Dask scheduler at {self.address}: {error}") from error
        with client:
            futures = {
                client.submit(
                    mine_repository_packed, job, key=f"charter-mine-{job.name}-{uuid.uuid4().hex}", pure=False
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
