"""What each deployment shipped, by git ancestry (DESIGN.md "Metric definitions", lead time for
changes): the non-merge commits reachable from a deployment's commit and from no earlier successful
deployment of the same component. Ancestry, not timestamps, so releases cut from several maintenance
branches are right: a back-port is its own commit and ships with the branch's release, the original
ships with the next release of the branch it was made on."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from charter.model.delivery import Deployment, PullRequest, ShippedChange


@dataclass(frozen=True, slots=True)
class CommitNode:
    """One commit of a repository's history graph, as much as ancestry and lead time need."""

    parents: tuple[str, ...]
    authored_at: datetime
    is_merge: bool


@dataclass(frozen=True, slots=True)
class UnknownDeployedCommit:
    """A deployment whose commit is not in the mined history (not fetched, another repository, a
    typing error in an imported record): it ships nothing."""

    deployment_id: str
    sha: str


@dataclass(frozen=True, slots=True)
class ShippedChanges:
    """Every given deployment's shipped changes (possibly none), oldest lead start first, and the
    deployments whose commit the history does not have."""

    shipped: dict[str, list[ShippedChange]]
    unknown_commits: tuple[UnknownDeployedCommit, ...]


def deployment_order(deployments: Iterable[Deployment]) -> list[Deployment]:
    """Deployments in the order they happened: by finish time, ties by id."""
    return sorted(deployments, key=lambda deployment: (deployment.finished, deployment.id))


def shipped_changes(
    graph: Mapping[str, CommitNode],
    deployments: Iterable[Deployment],
    *,
    horizon_days: int,
    pull_requests_by_sha: Mapping[str, PullRequest] | None = None,
    relevant_shas: Collection[str] | None = None,
) -> ShippedChanges:
    """The changes each deployment shipped. `graph` is ONE repository's history; `deployments` are ALL
    the successful production deployments of ONE component in that repository (not only a period's:
    each one ships what no earlier one did), in any order.

    A deployment walks back from its commit and stops at commits an earlier deployment reached, so
    the whole pass is linear in the number of commits. Until a deployment's commit is found in the
    graph (the component's first deployment), only commits authored within `horizon_days` before
    it count; older ones are still marked reached, so no later deployment ships them.

    Lead time starts at the commit's author time, or at its pull request's first commit when
    `pull_requests_by_sha` has a PR whose merge commit is this commit and that is earlier (a squash
    merge hides the PR's own commits). Lead time is never negative (a commit authored after the
    deployment finished, by a skewed clock, counts 0). With `relevant_shas` (a monorepo component:
    the commits touching its path) only those commits count, though the walk passes through all."""
    pull_requests = pull_requests_by_sha or {}
    reached: set[str] = set()
    shipped: dict[str, list[ShippedChange]] = {}
    unknown: list[UnknownDeployedCommit] = []
    for deployment in deployment_order(deployments):
        shipped[deployment.id] = []
        sha = deployment.commit_sha
        if sha is None:
            continue
        if sha not in graph:
            unknown.append(UnknownDeployedCommit(deployment.id, sha))
            continue
        oldest_counted = deployment.finished - timedelta(days=horizon_days) if not reached else None
        changes = []
        for new_sha in _newly_reached(sha, graph, reached):
            node = graph[new_sha]
            if node.is_merge or (relevant_shas is not None and new_sha not in relevant_shas):
                continue
            if oldest_counted is not None and node.authored_at < oldest_counted:
                continue
            changes.append(_shipped_change(deployment, new_sha, node, pull_requests.get(new_sha)))
        changes.sort(key=lambda change: (change.lead_start, change.sha))
        shipped[deployment.id] = changes
    return ShippedChanges(shipped, tuple(unknown))


def _newly_reached(start: str, graph: Mapping[str, CommitNode], reached: set[str]) -> list[str]:
    """The commits reachable from `start` that are not in `reached`, adding them to it. Iterative:
    histories are far deeper than Python's recursion limit. Parents outside the graph (a shallow
    boundary, history not mined) end the walk there."""
    if start in reached:
        return []
    found = []
    reached.add(start)
    pending = [start]
    while pending:
        sha = pending.pop()
        found.append(sha)
        for parent in graph[sha].parents:
            if parent not in reached and parent in graph:
                reached.add(parent)
                pending.append(parent)
    return found


def _shipped_change(
    deployment: Deployment, sha: str, node: CommitNode, pull_request: PullRequest | None
) -> ShippedChange:
    lead_start = node.authored_at
    if pull_request is not None and pull_request.first_commit_at is not None:
        lead_start = min(lead_start, pull_request.first_commit_at)
    lead_seconds = max(0.0, (deployment.finished - lead_start).total_seconds())
    return ShippedChange(deployment.id, sha, lead_start, lead_seconds)
