"""`charter sync`: bring the facts in and record a snapshot. Mine every clone under
`sources.git.roots` (on local worker threads (each running git) or a Dask cluster), turn release tags into deployments,
work out what each deployment shipped from the commit graph, and store every metric value."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from importlib import import_module
from pathlib import Path
from threading import Thread
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.engine import Connection

from charter.analysis.component_sources import CODES as COMPONENT_SOURCE_CODES
from charter.analysis.component_sources import ComponentSource, component_sources
from charter.analysis.delivery.ancestry import CommitNode, shipped_changes
from charter.analysis.delivery.production import is_production
from charter.analysis.delivery.release_tags import same_commit_note, tag_deployments
from charter.load.repository import pinpoint
from charter.model.catalog import RELEASE_TAGS_ANNOTATION, REPO_ANNOTATION, SOURCE_LOCATION_ANNOTATION
from charter.model.codes import Codes
from charter.model.delivery import Deployment, DeploymentStatus, PullRequest
from charter.model.diagnostics import Diagnostic, Location
from charter.model.errors import UsageError
from charter.model.escalation_ledger import LedgerUpdate
from charter.model.organization import Policies
from charter.services.context import Context
from charter.services.imports import store_failures
from charter.services.imports_git import GitSyncReport, SyncEvent, sync_repositories
from charter.services.parsed_history import ParsedHistories, ParsedHistory
from charter.services.sync_snapshot import snapshot_and_escalations
from charter.sources.git.clones import find_clones
from charter.sources.git.executors import executor_for
from charter.sources.git.mine import CODES as MINING_CODES
from charter.sources.git.mine import RepositoryJob
from charter.store.checkpoints import Checkpoint, checkpoints_aside
from charter.store.deployments import read_deployments, read_pull_requests, replace_tag_deployments
from charter.store.git_history import (
    CommitGraphRow,
    known_head,
    known_refs,
    mined_repositories,
    read_commit_graph,
    read_tags,
    shas_touching,
)
from charter.store.shipped import link_fingerprint, replace_shipped_changes

if TYPE_CHECKING:
    from charter.model.metric_values import MetricValue
    from charter.services.forked import Forked
    from charter.sources.git.early import EarlyLogs

CODES = Codes(
    uses=(MINING_CODES["GIT001"], COMPONENT_SOURCE_CODES["GIT004"], COMPONENT_SOURCE_CODES["GIT005"]),
)
diagnostic = CODES.diagnostic


class SyncProgress(Protocol):
    """Told how many repositories there are, then every event of their mining."""

    def expect(self, repositories: int) -> None: ...

    def __call__(self, event: SyncEvent) -> None: ...


@dataclass(frozen=True)
class SyncOptions:
    """`git fetch` in each clone first; the Dask scheduler to mine on (tcp://HOST:PORT; None: local
    worker threads); the day whose end the snapshot is taken at (UTC; None: now); the git logs
    started before the sync loaded anything (`services/sync_start.py`), which it ends when done;
    `keep`, given what the sync built in memory once it is done with it (the histories it parsed),
    for a caller whose process ends right after and would rather not have them freed one object at
    a time (`cli/process.py`)."""

    fetch: bool = False
    executor: str | None = None
    as_of: date | None = None
    early_logs: EarlyLogs | None = None
    keep: Callable[[object], None] | None = None


@dataclass
class SyncSummary:
    git: GitSyncReport | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    tag_deployments: int = 0
    components_linked: int = 0
    snapshot_id: int | None = None
    snapshot_added: bool = True  # False: the snapshot before held the same, and is kept
    snapshot_measured: bool = True  # False: nothing it reads changed since the last sync took it
    escalations: LedgerUpdate | None = None  # what opened and resolved in the escalations ledger


def run_sync(context: Context, options: SyncOptions, progress: SyncProgress | None = None) -> SyncSummary:
    """`charter sync` (see `_run_sync`); a database error is a StoreFailure of one line."""
    try:
        with store_failures("sync"), checkpoints_aside(context.required_store().engine) as checkpoint:
            return _run_sync(context, options, checkpoint, progress)
    finally:
        if options.early_logs is not None:
            options.early_logs.close()


def _run_sync(
    context: Context, options: SyncOptions, checkpoint: Checkpoint, progress: SyncProgress | None = None
) -> SyncSummary:
    """Mine, derive, link and snapshot the metrics of the 90 days before `options.as_of` (default:
    now). Each repository and each component is one transaction: a failure in one writes nothing of
    it and leaves the others. The store's log is checkpointed beside the linking (`checkpoint`),
    once any child is forked."""
    if options.executor is not None and not options.executor.startswith("tcp://"):
        raise UsageError(f"--executor takes a Dask scheduler address like tcp://HOST:8786, not `{options.executor}`")
    store = context.required_store()
    git = context.git_source
    policies = context.policies
    sources, diagnostics = component_sources(context.estate)
    roots = [(context.root / root).resolve() for root in git.roots]
    diagnostics.extend(_missing_roots(context, roots))
    clones = find_clones(roots)
    diagnostics.extend(_missing_repositories(context, sources, clones))

    distributed = options.executor is not None
    with store.engine.connect() as connection:
        stored = mined_repositories(connection)
        jobs = [
            RepositoryJob(
                name=name,
                location=str(path),
                remote_url=remote_url(path) if distributed else None,
                known_refs=known_refs(connection, name),
                known_head=known_head(connection, name),
                fetch=options.fetch,
                cache_dir=git.cache,
                early_logs=None if distributed else options.early_logs,
            )
            for name, path in sorted(clones.items())
        ]
    if any(not job.known_refs for job in jobs):  # a first mining: the snapshot will be measured
        Thread(target=_import_measuring, name="charter-import", daemon=True).start()
    if progress is not None:
        progress.expect(len(jobs))
    parsed = ParsedHistories()  # what is mined from the start, kept for the linking and the snapshot below
    until = datetime.combine(options.as_of, time.max, UTC) if options.as_of else context.clock()
    beside = _CodeHealthBeside(context, until, parsed, sources, stored | {job.name for job in jobs})
    try:
        report = (
            sync_repositories(
                store, jobs, executor_for(options.executor), progress, parsed=parsed, last_written=beside.start
            )
            if jobs
            else None
        )
    except BaseException:
        beside.close()
        raise
    if report is not None:
        diagnostics.extend(report.diagnostics)

    summary = SyncSummary(report, diagnostics)
    mapped = [source for source in sources if source.repository in clones]
    code_health = beside.started
    try:
        _tag_deployments(context, mapped, summary)
        if code_health is None:
            code_health = _code_health_beside_linking(context, until, parsed)
        checkpoint.start()
        for source in mapped:
            with store.transaction() as connection:
                if link_component(connection, source, policies, parsed.get(source.repository)):
                    summary.components_linked += 1
        diagnostics.extend(_pull_sli(context, until))
        step = snapshot_and_escalations(context, until, options.as_of, parsed, code_health)
    finally:
        if code_health is not None:
            code_health.close()  # ended if nobody took its answer (a failure on the way)
    summary.snapshot_id, summary.snapshot_added, summary.escalations = step.snapshot_id, step.added, step.escalations
    summary.snapshot_measured = not step.unchanged_inputs
    summary.diagnostics = pinpoint(diagnostics, context.root)
    if options.keep is not None:
        options.keep(parsed)
    return summary


def _tag_deployments(context: Context, mapped: Sequence[ComponentSource], summary: SyncSummary) -> None:
    """Each mapped component's deployments from its release tags, in one transaction."""
    with context.required_store().transaction() as connection:
        for source in mapped:
            if source.release_tags is None:
                continue
            tags = [tag for tag in read_tags(connection, source.repository) if source.release_tag(tag.name)]
            if not tags:
                summary.diagnostics.append(_no_release_tag(context, source))
            released = tag_deployments(source.component, tags)
            if released.same_commit:
                where = _annotation_location(context, source, RELEASE_TAGS_ANNOTATION)
                summary.diagnostics.append(same_commit_note(source, released.same_commit, where))
            summary.tag_deployments += replace_tag_deployments(connection, source.component, released.deployments)


class _CodeHealthBeside:
    """The snapshot's code health measured in a forked child from the moment the last repository is
    written, before its transaction commits (`sync_repositories`' `last_written`): the child measures
    while this process commits, turns tags into deployments and links. A child forked while its parent
    writes must not use the store (SQLite's locks are the process's, and the child would take the
    parent's for its own), so this is done only when every history code health reads is in hand: each
    component's repository is one this sync mined from the start (with its default branch and files at
    the head as the mining read them), and not a folder of it (read from the store), or one the store
    does not hold (`stored`: what it held before the sync, and the repositories mined now). And only
    when forking is safe then. Otherwise `started` stays None, and the child is forked after the
    commit (`_code_health_beside_linking`)."""

    def __init__(
        self,
        context: Context,
        until: datetime,
        parsed: ParsedHistories,
        sources: Sequence[ComponentSource],
        stored: set[str],
    ) -> None:
        self.context = context
        self.until = until
        self.parsed = parsed
        self.sources = sources
        self.stored = stored
        self.started: Forked[list[MetricValue]] | None = None

    def start(self, last: ParsedHistory | None) -> None:
        from charter.services.forked import Forked, fork_is_safe

        histories = [*self.parsed, *([last] if last is not None else [])]
        if not histories or not self._all_in_hand(histories) or not fork_is_safe():
            return
        from charter.services.codehealth import code_health_metric_values_of, parsed_code_histories

        context, until = self.context, self.until

        def measure() -> list[MetricValue]:
            return code_health_metric_values_of(context, until, parsed_code_histories(context, histories))

        self.started = Forked(measure, context.required_store().engine)

    def _all_in_hand(self, histories: Sequence[ParsedHistory]) -> bool:
        if any(history.head is None for history in histories):
            return False
        in_hand = {history.repository for history in histories}
        return all(
            not source.path_prefix if source.repository in in_hand else source.repository not in self.stored
            for source in self.sources
        )

    def close(self) -> None:
        if self.started is not None:
            self.started.close()


def _code_health_beside_linking(
    context: Context, until: datetime, parsed: ParsedHistories
) -> Forked[list[MetricValue]] | None:
    """The snapshot's code health metric values, measured in a forked child while this process links
    (`services/forked.py`), when the sync mined a history from the start: the snapshot is then
    measured, and code health reads the parsed history, not what linking writes. None otherwise."""
    if not list(parsed):
        return None
    from charter.services.codehealth import code_health_metric_values, parsed_code_histories
    from charter.services.forked import Forked

    def measure() -> list[MetricValue]:
        return code_health_metric_values(context, until, parsed_code_histories(context, parsed))

    return Forked(measure, context.required_store().engine)


# What the snapshot, the links and the escalations import: on a thread while git logs the history,
# which leaves this process waiting (imports hold the interpreter, and git runs on its own).
MEASURING_MODULES = (
    "charter.services.forked",
    "charter.services.snapshot",
    "charter.services.escalations",
    "charter.services.cached_check",
    "charter.services.target_events",
    "charter.analysis.delivery.ancestry",
    "charter.analysis.risk.register",
    "charter.services.risk_history",
    "numpy.ma",  # imported by numpy's `unique` on its first call, in the snapshot's delivery tallies
)


def _import_measuring() -> None:
    for name in MEASURING_MODULES:
        try:
            import_module(name)
        except Exception:  # imported again where it is used, which reports the problem
            return


def remote_url(clone: Path) -> str:
    """Where a Dask worker without this machine's disk fetches the clone from: its `origin`, else the
    path itself as a file URL (enough when the workers share the filesystem)."""
    found = subprocess.run(
        ["git", "-C", str(clone), "config", "--get", "remote.origin.url"],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip() or clone.resolve().as_uri()


def link_component(
    connection: Connection, source: ComponentSource, policies: Policies, history: ParsedHistory | None = None
) -> bool:
    """Work out what each of the component's production deployments shipped, unless nothing it
    depends on changed since the last time. True when it was computed again. `history`: the
    repository's commits as this sync mined them from the start (else they are read from the store)."""
    deployments = [
        deployment
        for deployment in read_deployments(connection, components=[source.component])
        if deployment.status == DeploymentStatus.SUCCESS
        and is_production(deployment.environment, policies.production_environments)
    ]
    pulls = read_pull_requests(connection, source.repository)
    refs = known_refs(connection, source.repository)
    fingerprint = _fingerprint(source, policies, refs, deployments, pulls)
    if link_fingerprint(connection, source.component) == fingerprint:
        return False
    graph = history.graph if history is not None else _commit_graph(read_commit_graph(connection, source.repository))
    relevant = shas_touching(connection, source.repository, source.path_prefix) if source.path_prefix else None
    by_merge_sha = {pull.merge_commit_sha: pull for pull in pulls if pull.merge_commit_sha}
    result = shipped_changes(
        graph,
        deployments,
        horizon_days=policies.history_horizon_days,
        pull_requests_by_sha=by_merge_sha,
        relevant_shas=relevant,
    )
    replace_shipped_changes(
        connection,
        source.component,
        fingerprint,
        (change for changes in result.shipped.values() for change in changes),
    )
    return True


def _commit_graph(rows: Iterable[CommitGraphRow]) -> dict[str, CommitNode]:
    return {sha: CommitNode(parents, authored_at, is_merge) for sha, parents, authored_at, is_merge in rows}


def _fingerprint(
    source: ComponentSource,
    policies: Policies,
    refs: dict[str, str],
    deployments: Sequence[Deployment],
    pulls: Sequence[PullRequest],
) -> str:
    payload = {
        "repository": source.repository,
        "path": source.path_prefix,
        "horizon": policies.history_horizon_days,
        "refs": sorted(refs.items()),
        "deployments": sorted((d.id, d.commit_sha or "", d.finished.isoformat()) for d in deployments),
        "pulls": sorted(
            (p.number, p.merge_commit_sha or "", p.first_commit_at.isoformat() if p.first_commit_at else "")
            for p in pulls
        ),
    }
    return hashlib.sha256(json.dumps(payload, separators=(",", ":")).encode()).hexdigest()


def _missing_repositories(
    context: Context, sources: Sequence[ComponentSource], clones: dict[str, Path]
) -> list[Diagnostic]:
    return [
        diagnostic(
            "GIT004",
            f"{source.ref.short} is mapped to repository `{source.repository}`, which is not a clone under "
            "`sources.git.roots`",
            _annotation_location(context, source, REPO_ANNOTATION),
            entity=str(source.ref),
        )
        for source in sources
        if source.repository not in clones
    ]


def _missing_roots(context: Context, roots: Sequence[Path]) -> list[Diagnostic]:
    organization = context.estate.organization
    where = organization.location if organization else None
    return [
        diagnostic(
            "GIT001",
            f"`sources.git.roots` names {root}, which is not a folder",
            where.at("spec", "sources", "git", "roots", index) if where else None,
        )
        for index, root in enumerate(roots)
        if not root.is_dir()
    ]


def _annotation_location(context: Context, source: ComponentSource, annotation: str) -> Location | None:
    entity = context.estate.entities.get(source.ref)
    location = getattr(entity, "location", None)
    if not isinstance(location, Location):
        return None
    annotations = getattr(entity, "annotations", {})
    key = annotation if annotation in annotations else SOURCE_LOCATION_ANNOTATION
    return location.at("metadata", "annotations", key)


def _no_release_tag(context: Context, source: ComponentSource) -> Diagnostic:
    assert source.release_tags is not None
    return diagnostic(
        "GIT005",
        f"`{source.release_tags.pattern}` matches no tag in repository `{source.repository}`",
        _annotation_location(context, source, RELEASE_TAGS_ANNOTATION),
        entity=str(source.ref),
    )


def _pull_sli(context: Context, until: datetime) -> list[Diagnostic]:
    """SLI counts from Prometheus when charter.yaml names one (`spec.sources.prometheus`), so the
    snapshot's error budgets are current; one transaction, nothing written when a query fails."""
    organization = context.estate.organization
    if organization is None or organization.spec.sources.prometheus is None:
        return []
    from charter.services.imports_sli import pull_sli  # httpx and the SLI readers: only when a Prometheus is named

    return pull_sli(context, until).diagnostics
