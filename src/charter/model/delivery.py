"""The facts delivery metrics are computed from: commits and tags mined from git, deployments from
tags or imported records, and pull requests. Plain records, shared by the sources that produce them,
the store that keeps them and the analysis that reads them. Every timestamp is timezone-aware."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # numpy is imported where lead times are built: most commands never need it
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file in one commit's numstat. Binary files have no line counts; a rename keeps its old path."""

    path: str
    additions: int | None
    deletions: int | None
    old_path: str | None = None

    @property
    def lines_changed(self) -> int:
        return (self.additions or 0) + (self.deletions or 0)


@dataclass(frozen=True, slots=True)
class CommitRecord:
    """One commit as mined, author identity already passed through `.mailmap`."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    authored_at: datetime
    committed_at: datetime
    files: tuple[FileChange, ...] = ()

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


@dataclass(frozen=True, slots=True)
class TagRecord:
    """A tag and the commit it points to. `tagged_at` is the tagger date of an annotated tag, else the
    committer date of the tagged commit (DESIGN.md "Deployment time of a release tag")."""

    name: str
    sha: str
    tagged_at: datetime
    annotated: bool


class DeploymentStatus(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    IN_PROGRESS = "in_progress"
    CANCELLED = "cancelled"


class Deployment(NamedTuple):
    """One deployment of one component to one environment. Identity (DESIGN.md "How files join"):
    `tag:<component>/<tag>` for a release tag; an imported record keeps its id, else
    `<component>@<sha>@<finished ISO 8601>`. A named tuple, not a dataclass: `charter delivery` over
    years reads a million of them, and a tuple is built several times faster than a frozen dataclass."""

    id: str
    component: str
    environment: str
    commit_sha: str | None
    finished: datetime
    status: DeploymentStatus = DeploymentStatus.SUCCESS
    started: datetime | None = None
    source: str = "import"
    rollback_of: str | None = None
    hotfix_for: str | None = None
    incident: str | None = None

    @staticmethod
    def tag_id(component: str, tag: str) -> str:
        return f"tag:{component}/{tag}"

    @staticmethod
    def derived_id(component: str, sha: str | None, finished: datetime) -> str:
        return f"{component}@{sha or ''}@{finished.isoformat()}"


@dataclass(frozen=True, slots=True)
class PullRequest:
    """A merged pull request: its lead time starts at its first commit, which matters when it was
    squashed into `merge_commit_sha` and its own commits are not in the history."""

    repository: str
    number: int
    merge_commit_sha: str | None
    created: datetime
    merged: datetime | None
    first_commit_at: datetime | None


@dataclass(frozen=True, slots=True)
class ShippedChange:
    """A non-merge commit first shipped by a deployment, with the moment its lead time starts (its
    author time, or its pull request's first commit) and the lead time itself."""

    deployment_id: str
    sha: str
    lead_start: datetime
    lead_seconds: float


@dataclass(frozen=True, slots=True)
class LeadTimes:
    """Shipped changes' lead times as columns, not objects, so ten million stay cheap: `seconds` holds
    the changes run after run, and run i, of `change_counts[i]` changes, was shipped by deployment
    `deployment_ids[i]`. A deployment may have several runs."""

    deployment_ids: Sequence[str]
    change_counts: npt.NDArray[np.int64]
    seconds: npt.NDArray[np.float64]

    @classmethod
    def from_shipped(cls, shipped: Mapping[str, Sequence[ShippedChange]]) -> LeadTimes:
        import numpy as np

        counts = np.fromiter((len(changes) for changes in shipped.values()), np.int64, len(shipped))
        seconds = np.fromiter(
            (change.lead_seconds for changes in shipped.values() for change in changes), np.float64, int(counts.sum())
        )
        return cls(list(shipped), counts, seconds)
