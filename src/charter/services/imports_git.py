"""Git history into the store, for `charter sync`: run the mining jobs on an executor and write each
repository's result in its own transaction as it arrives, so a failed repository writes nothing and
the others are still mined. Progress events let a terminal draw a bar per repository and overall."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum

from charter.model.diagnostics import Diagnostic
from charter.services.parsed_history import ParsedHistories, ParsedHistory
from charter.sources.git.executors import Executor
from charter.sources.git.log import spare_core
from charter.sources.git.mine import MinedRepository, MiningFailed, RepositoryJob
from charter.store.database import Store
from charter.store.git_history import known_head, known_refs, write_mined_repository


class SyncEventKind(StrEnum):
    STARTED = "started"
    ADVANCED = "advanced"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class SyncEvent:
    """`started`: the client began receiving a repository; `advanced`: `commits` more were written;
    `finished`: the repository is done, `commits` added in all, `ok` False when it failed."""

    kind: SyncEventKind
    repository: str
    commits: int = 0
    ok: bool = True


@dataclass(frozen=True, slots=True)
class RepositorySync:
    """What one sync did to one repository."""

    name: str
    location: str
    commits_added: int
    full: bool
    changed: bool
    ok: bool
    problems: tuple[Diagnostic, ...] = ()


@dataclass
class GitSyncReport:
    repositories: list[RepositorySync] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [problem for repository in self.repositories for problem in repository.problems]

    @property
    def commits_added(self) -> int:
        return sum(repository.commits_added for repository in self.repositories)

    @property
    def failed(self) -> list[str]:
        return [repository.name for repository in self.repositories if not repository.ok]


def sync_repositories(
    store: Store,
    jobs: Sequence[RepositoryJob],
    executor: Executor,
    progress: Callable[[SyncEvent], None] | None = None,
    mined_at: datetime | None = None,
    parsed: ParsedHistories | None = None,
    last_written: LastWritten | None = None,
) -> GitSyncReport:
    """Mine `jobs` on `executor` and write each result as it arrives; only this process writes. A
    repository that another sync wrote while this one mined it (the refs stored are no longer those
    it was mined from) is mined again from what is stored now, so two syncs leave what one would.
    `parsed` keeps the history of each repository mined from the start as it was written.
    `last_written` is called once the last repository is written, before its transaction commits
    (see `LastWritten`)."""
    notify = progress or _ignore
    moment = mined_at or datetime.now(UTC)
    report = GitSyncReport()
    pending = list(jobs)
    if len(pending) == 1 and spare_core():  # a core for a second git to share the log with
        pending = [replace(pending[0], split_log=True)]
    started: set[str] = set()
    for _round in range(_MINING_ROUNDS):
        writing = _Writing(_Notifier(notify, started), moment, parsed, last_written)
        pending = _mine_and_write(store, pending, executor, writing, report)
        if not pending:
            break
    for job in pending:  # still moving under other syncs: leave the repository to them
        report.repositories.append(RepositorySync(job.name, job.location, 0, False, False, True))
        notify(SyncEvent(SyncEventKind.FINISHED, job.name))
    report.repositories.sort(key=lambda repository: repository.name)
    return report


# A repository written by another sync is mined again at most this many times in all.
_MINING_ROUNDS = 3


class _Notifier:
    """Tells `notify` of every event but a second `started` of a repository mined again."""

    def __init__(self, notify: Callable[[SyncEvent], None], started: set[str]) -> None:
        self.notify = notify
        self.started = started

    def __call__(self, event: SyncEvent) -> None:
        if event.kind is SyncEventKind.STARTED:
            if event.repository in self.started:
                return
            self.started.add(event.repository)
        self.notify(event)


# Called with the history of the last repository written (None: it failed, was not mined from the
# start, or its history was not kept) once it is written and before its transaction commits: every other repository of
# the sync is committed by then, and nothing is mined again after it.
LastWritten = Callable[[ParsedHistory | None], None]


@dataclass(frozen=True)
class _Writing:
    """How one round writes what it mined."""

    notify: Callable[[SyncEvent], None]
    moment: datetime
    parsed: ParsedHistories | None
    last_written: LastWritten | None


def _mine_and_write(
    store: Store,
    jobs: Sequence[RepositoryJob],
    executor: Executor,
    writing: _Writing,
    report: GitSyncReport,
) -> list[RepositoryJob]:
    """One round of mining and writing; returns the jobs to mine again, from the refs now stored."""
    by_name = {job.name: job for job in jobs}
    again: list[RepositoryJob] = []
    results = executor.map_jobs(jobs)
    notify = writing.notify
    try:
        for count, mined in enumerate(results, start=1):
            notify(SyncEvent(SyncEventKind.STARTED, mined.name))
            job = by_name[mined.name]
            last = writing.last_written if count == len(jobs) and not again else None
            try:
                added = _write(store, job, mined, writing, last)
            except _StoreMoved as moved:
                again.append(moved.job)
                continue
            finally:
                mined.discard()
            report.repositories.append(_summary(mined, added))
            notify(SyncEvent(SyncEventKind.FINISHED, mined.name, added, mined.ok))
    finally:
        # Stop the executor's workers now if writing failed, not whenever the iterator is collected.
        close = getattr(results, "close", None)
        if close is not None:
            close()
    return again


def _summary(mined: MinedRepository, added: int) -> RepositorySync:
    return RepositorySync(mined.name, mined.location, added, mined.full, mined.changed, mined.ok, tuple(mined.problems))


class _StoreMoved(Exception):
    """Raised inside the write transaction: another sync wrote the repository since it was mined.
    `job` mines it again from what is stored now."""

    def __init__(self, job: RepositoryJob) -> None:
        self.job = job


def _write(
    store: Store,
    job: RepositoryJob,
    mined: MinedRepository,
    writing: _Writing,
    last_written: LastWritten | None,
) -> int:
    """One transaction: everything of the repository, or (when mining failed, even part way) nothing.
    _StoreMoved when the refs (or the head) stored are not those the job was mined from. A history
    mined from the start is kept in `parsed` once its transaction is committed; `last_written` is
    told of it before."""
    if not mined.ok:
        if last_written is not None:
            last_written(None)
        return 0
    parsed = writing.parsed
    history = parsed.start(mined.name) if parsed is not None and mined.changed and mined.full else None
    try:
        with store.transaction() as connection:
            refs, head = known_refs(connection, mined.name), known_head(connection, mined.name)
            if refs != dict(job.known_refs) or head != job.known_head:
                raise _StoreMoved(replace(job, known_refs=refs, known_head=head))
            written = history.add if history is not None else None
            added = write_mined_repository(connection, mined, writing.moment, _advanced(mined, writing.notify), written)
            if history is not None and mined.head_files is not None:
                history.head = (mined.default_branch, dict(mined.head_files))
            if last_written is not None:
                last_written(history if history is not None and history.complete else None)
    except MiningFailed:
        return 0
    if parsed is not None and history is not None:
        parsed.keep(history)
    return added


def _advanced(mined: MinedRepository, notify: Callable[[SyncEvent], None]) -> Callable[[int], None]:
    def advanced(commits: int) -> None:
        notify(SyncEvent(SyncEventKind.ADVANCED, mined.name, commits))

    return advanced


def _ignore(event: SyncEvent) -> None:
    return None
