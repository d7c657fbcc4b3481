"""`charter sync`: bring the facts in and record a snapshot. Mine every clone under
`sources.git.roots` (on local worker threads (each running git) or a Dask cluster), turn release tags into deployments,
work out what each deployment shipped from the commit graph, and store every metric value."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import Connection

from charter.analysis.component_sources import ComponentSource, component_sources
from charter.analysis.delivery.ancestry import CommitNode, shipped_changes
from charter.analysis.delivery.production import is_production
from charter.load.repository import pinpoint
from charter.model.catalog import RELEASE_TAGS_ANNOTATION, REPO_ANNOTATION, SOURCE_LOCATION_ANNOTATION
from charter.model.codes import diagnostic
from charter.model.delivery import Deployment, DeploymentStatus, PullRequest
from charter.model.diagnostics import Diagnostic, Location
from charter.model.organization import Policies
from charter.services.workspace import Workspace
from charter.sources.git.clones import find_clones
from charter.sources.git.executors import executor_for
from charter.sources.git.mine import RepositoryJob
from charter.sources.git.sync import GitSyncReport, SyncEvent, sync_repositories
from charter.store.deployments import read_deployments, read_pull_requests, replace_tag_deployments
from charter.store.git_history import known_refs, read_commit_graph, read_tags, shas_touching
from charter.store.shipped import link_fingerprint, replace_shipped_changes

# The period every snapshot's delivery metrics cover, as `charter delivery` does by default.
SNAPSHOT_PERIOD = timedelta(days=90)


class SyncProgress(Protocol):
    """Told how many repositories there are, then every event of their mining."""

    def expect(self, repositories: int) -> None: ...

    def __call__(self, event: SyncEvent) -> None: ...


@dataclass(frozen=True)
class SyncOptions:
    fetch: bool = False
    executor: str | None = None


@dataclass
class SyncSummary:
    git: GitSyncReport | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    tag_deployments: int = 0
    components_linked: int = 0
    snapshot_id: int | None = None


def run_sync(
    workspace: Workspace,
    options: SyncOptions,
    progress: SyncProgress | None = None,
    as_of: datetime | None = None,
) -> SyncSummary:
    """Mine, derive, link and snapshot the metrics of the 90 days before `as_of` (default: now). Each
    repository and each component is one transaction: a failure in one writes nothing of it and
    leaves the others."""
    store = workspace.store
    if store is None:
        raise ValueError("charter sync needs the store")
    git = workspace.git_source
    policies = workspace.policies
    sources, diagnostics = component_sources(workspace.estate)
    roots = [(workspace.root / root).resolve() for root in git.roots]
    diagnostics.extend(_missing_roots(workspace, roots))
    clones = find_clones(roots)
    diagnostics.extend(_missing_repositories(workspace, sources, clones))

    distributed = options.executor is not None
    with store.engine.connect() as connection:
        jobs = [
            RepositoryJob(
                name=name,
                location=str(path),
                remote_url=remote_url(path) if distributed else None,
                known_refs=known_refs(connection, name),
                fetch=options.fetch,
                cache_dir=git.cache,
            )
            for name, path in sorted(clones.items())
        ]
    if progress is not None:
        progress.expect(len(jobs))
    report = sync_repositories(store, jobs, executor_for(options.executor), progress) if jobs else None
    if report is not None:
        diagnostics.extend(report.diagnostics)

    summary = SyncSummary(report, diagnostics)
    mapped = [source for source in sources if source.repository in clones]
    with store.transaction() as connection:
        for source in mapped:
            if source.release_tags is None:
                continue
            tags = [tag for tag in read_tags(connection, source.repository) if source.release_tag(tag.name)]
            if not tags:
                diagnostics.append(_no_release_tag(workspace, source))
            summary.tag_deployments += replace_tag_deployments(
                connection,
                source.component,
                [
                    Deployment(
                        Deployment.tag_id(source.component, tag.name),
                        source.component,
                        "production",
                        tag.sha,
                        tag.tagged_at,
                        source="tag",
                    )
                    for tag in tags
                ],
            )
    for source in mapped:
        with store.transaction() as connection:
            if link_component(connection, source, policies):
                summary.components_linked += 1
    until = as_of or datetime.now(UTC)
    diagnostics.extend(_pull_sli(workspace, until))
    summary.snapshot_id = _snapshot(workspace, until)
    summary.diagnostics = pinpoint(diagnostics, workspace.root)
    return summary


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


def link_component(connection: Connection, source: ComponentSource, policies: Policies) -> bool:
    """Work out what each of the component's production deployments shipped, unless nothing it
    depends on changed since the last time. True when it was computed again."""
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
    graph = {
        sha: CommitNode(parents, authored_at, is_merge)
        for sha, parents, authored_at, is_merge in read_commit_graph(connection, source.repository)
    }
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
    workspace: Workspace, sources: Sequence[ComponentSource], clones: dict[str, Path]
) -> list[Diagnostic]:
    return [
        diagnostic(
            "GIT004",
            f"{source.ref.short} is mapped to repository `{source.repository}`, which is not a clone under "
            "`sources.git.roots`",
            _annotation_location(workspace, source, REPO_ANNOTATION),
            entity=str(source.ref),
        )
        for source in sources
        if source.repository not in clones
    ]


def _missing_roots(workspace: Workspace, roots: Sequence[Path]) -> list[Diagnostic]:
    organization = workspace.estate.organization
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


def _annotation_location(workspace: Workspace, source: ComponentSource, annotation: str) -> Location | None:
    entity = workspace.estate.entities.get(source.ref)
    location = getattr(entity, "location", None)
    if not isinstance(location, Location):
        return None
    annotations = getattr(entity, "annotations", {})
    key = annotation if annotation in annotations else SOURCE_LOCATION_ANNOTATION
    return location.at("metadata", "annotations", key)


def _no_release_tag(workspace: Workspace, source: ComponentSource) -> Diagnostic:
    assert source.release_tags is not None
    return diagnostic(
        "GIT005",
        f"`{source.release_tags.pattern}` matches no tag in repository `{source.repository}`",
        _annotation_location(workspace, source, RELEASE_TAGS_ANNOTATION),
        entity=str(source.ref),
    )


def _pull_sli(workspace: Workspace, until: datetime) -> list[Diagnostic]:
    """SLI counts from Prometheus when charter.yaml names one (`spec.sources.prometheus`), so the
    snapshot's error budgets are current; one transaction, nothing written when a query fails."""
    from charter.sources.prometheus import pull_sli

    organization = workspace.estate.organization
    if organization is None or organization.spec.sources.prometheus is None:
        return []
    assert workspace.store is not None
    return pull_sli(workspace, workspace.store, until).diagnostics


def _snapshot(workspace: Workspace, as_of: datetime) -> int | None:
    from charter.services.facts import snapshot_values
    from charter.services.risks import record_register
    from charter.store.snapshots import insert_snapshot

    assert workspace.store is not None
    values = snapshot_values(workspace, until=as_of, since=as_of - SNAPSHOT_PERIOD)
    with workspace.store.transaction() as connection:
        snapshot_id = insert_snapshot(connection, datetime.now(UTC), workspace.estate.commit, values)
        record_register(connection, snapshot_id, workspace.estate, as_of.date())
    return snapshot_id
