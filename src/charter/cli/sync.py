"""`charter sync`: mine the clones, derive deployments and lead times, and record a snapshot, with a
Rich progress bar per repository and overall."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli.codehealth import AsOfOption
from charter.cli.options import FailOn, FailOnOption, RepoOption, colour_off, gate_met, print_diagnostics
from charter.cli.process import outlive
from charter.model.errors import GateFailed

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from rich.progress import Progress, TaskID

    from charter.services.imports_git import GitSyncReport, SyncEvent
    from charter.services.sync import SyncSummary
    from charter.services.sync_start import EarlyLogs


ExecutorOption = Annotated[
    str | None,
    typer.Option(
        "--executor",
        help="Run the per-repository work on a Dask cluster (tcp://HOST:PORT) instead of local worker threads.",
        show_default=False,
    ),
]


class _Bars:
    """One overall bar, and one bar per repository while it is being mined, redrawn at each event
    rather than by Rich's refresh thread: the sync then runs no other thread once git is done, and may
    fork (`services/forked.py` forks only a process running no other thread)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.overall: TaskID | None = None
        self.per_repository: dict[str, TaskID] = {}

    def expect(self, repositories: int) -> None:
        self.overall = self.progress.add_task("repositories", total=repositories)

    def __call__(self, event: SyncEvent) -> None:
        progress = self.progress
        if event.kind == "started":
            self.per_repository[event.repository] = progress.add_task(f"  {event.repository} commits", total=None)
        elif event.kind == "advanced":
            task = self.per_repository.get(event.repository)
            if task is not None:
                progress.advance(task, event.commits)
        elif event.kind == "finished":
            task = self.per_repository.pop(event.repository, None)
            if task is not None:
                progress.remove_task(task)
            if self.overall is not None:
                progress.advance(self.overall)
        progress.refresh()


NO_GIT_SOURCE = (
    "No git history to mine: set `spec.sources.git.roots` in charter.yaml to the folders holding the "
    "clones, and map each component to its repository with the `charter.dev/repo` annotation. "
    "Deployments, incidents, SLIs and findings come in with `charter import` "
    "(SLIs from Prometheus with `spec.sources.prometheus.url` and `charter import sli --from-prometheus`)."
)


@contextmanager
def _progress_bars(quiet: bool) -> Iterator[_Bars | None]:
    """Bars on stderr when it is a terminal (they are redrawn in place: a log would only get the
    last frame), else none, and Rich's progress module is not even loaded."""
    from rich.console import Console

    console = Console(stderr=True, no_color=colour_off())
    if quiet or not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, auto_refresh=False) as progress:
        yield _Bars(progress)


def _mining_line(report: GitSyncReport) -> str:
    repositories = report.repositories
    full = sum(1 for item in repositories if item.ok and item.changed and item.full)
    incremental = sum(1 for item in repositories if item.ok and item.changed and not item.full)
    unchanged = sum(1 for item in repositories if item.ok and not item.changed)
    failed = report.failed
    line = (
        f"{len(repositories)} repositories: {report.commits_added} commits added "
        f"({full} mined from the start, {incremental} incrementally, {unchanged} unchanged)"
    )
    return line + (f"; failed: {', '.join(failed)}" if failed else "")


def _kept(summary: SyncSummary) -> str:
    if summary.snapshot_added:
        return ""
    if not summary.snapshot_measured:
        return " kept (nothing changed since it was taken), not measured again: nothing it reads changed"
    return " kept (nothing changed since it was taken)"


def sync_command(
    repo: RepoOption = None,
    fail_on: FailOnOption = FailOn.error,
    fetch: Annotated[bool, typer.Option("--fetch", help="Run `git fetch` in each clone first.")] = False,
    executor: ExecutorOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    as_of: AsOfOption = None,
) -> None:
    """Bring facts in: mine git history, derive deployments and lead times, and record a snapshot."""
    from charter.cli.early_sync import take_started
    from charter.services.sync_start import start_git_logs

    # First, before the heavy imports: git logs a fresh store's clones while Charter starts up (begun
    # before the command line was parsed, when it plainly asked for this sync).
    attempted, early_logs = take_started(repo)
    if not attempted:
        early_logs = start_git_logs(repo, fetch=fetch, executor=executor)
    try:
        _sync(repo, fail_on, fetch, executor, quiet, as_of, early_logs)
    finally:
        if early_logs is not None:
            early_logs.close()


def _sync(
    repo: Path | None,
    fail_on: FailOn,
    fetch: bool,
    executor: str | None,
    quiet: bool,
    as_of: datetime | None,
    early_logs: EarlyLogs | None,
) -> None:
    from charter.services.context import StoreNeed, open_context
    from charter.services.sync import SyncOptions, run_sync

    day = as_of.date() if as_of else None
    options = SyncOptions(fetch=fetch, executor=executor, as_of=day, early_logs=early_logs, keep=outlive)
    with open_context(repo, StoreNeed.REQUIRED) as context, _progress_bars(quiet) as bars:
        summary = run_sync(context, options, bars)
    # The summary is the command's output: on stdout, where a script or a CI log reads it; the
    # progress bars and diagnostics go to stderr.
    if summary.git is not None:
        typer.echo(_mining_line(summary.git))
    elif not context.git_source.roots:
        typer.echo(NO_GIT_SOURCE)
    typer.echo(
        f"{summary.tag_deployments} deployments from release tags; "
        f"lead times computed again for {summary.components_linked} components; snapshot {summary.snapshot_id}"
        + _kept(summary)
    )
    if summary.escalations is not None:
        opened, resolved = len(summary.escalations.new), len(summary.escalations.resolved)
        typer.echo(f"escalations: {opened} opened, {resolved} resolved (charter escalations lists them)")
    if summary.diagnostics:
        print_diagnostics(summary.diagnostics, context.root, per_code=5)
    if gate_met(summary.diagnostics, fail_on):
        raise GateFailed()  # what failed is printed above
