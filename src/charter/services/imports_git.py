"""Git history into the store, for `charter sync`: run the mining jobs on an executor and write each
repository's result in its own transaction as it arrives, so a failed repository writes nothing and
the others are still mined. Progress events let a terminal draw a bar per repository and overall."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from charter.model.diagnostics import Diagnostic
from charter.sources.git.executors import Executor
from charter.sources.git.mine import MinedRepository, MiningFailed, RepositoryJob
from charter.store.database import Store
from charter.store.git_history import write_mined_repository


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
) -> GitSyncReport:
    """Mine `jobs` on `executor` and write each result as it arrives; only this process writes."""
    notify = progress or _ignore
    moment = mined_at or datetime.now(UTC)
    report = GitSyncReport()
    results = executor.map_jobs(jobs)
    try:
        for mined in results:
            notify(SyncEvent(SyncEventKind.STARTED, mined.name))
            try:
                added = _write(store, mined, notify, moment)
            finally:
                mined.discard()
            report.repositories.append(_summary(mined, added))
            notify(SyncEvent(SyncEventKind.FINISHED, mined.name, added, mined.ok))
    finally:
        # Stop the executor's workers now if writing failed, not whenever the iterator is collected.
        close = getattr(results, "close", None)
        if close is not None:
            close()
    report.repositories.sort(key=lambda repository: repository.name)
    return report


def _summary(mined: MinedRepository, added: int) -> RepositorySync:
    return RepositorySync(mined.name, mined.location, added, mined.full, mined.changed, mined.ok, tuple(mined.problems))


def _write(store: Store, mined: MinedRepository, notify: Callable[[SyncEvent], None], moment: datetime) -> int:
    """One transaction: everything of the repository, or (when mining failed, even part way) nothing."""
    if not mined.ok:
        return 0
    try:
        with store.transaction() as connection:
            return write_mined_repository(connection, mined, moment, _advanced(mined, notify))
    except MiningFailed:
        return 0


def _advanced(mined: MinedRepository, notify: Callable[[SyncEvent], None]) -> Callable[[int], None]:
    def advanced(commits: int) -> None:
        notify(SyncEvent(SyncEventKind.ADVANCED, mined.name, commits))

    return advanced


def _ignore(event: SyncEvent) -> None:
    return None
