"""Release tags as deployments (DESIGN.md "Deployment time of a release tag"). A commit is deployed
once however many release tags it carries: projects tag one release under two names (`rel-4.0.0`
and `4.0.0`), and counting both would double the deployment frequency and have the second tag ship
nothing. The earlier tag is the deployment (ties, as lightweight tags on one commit have, by name);
the others are named beside it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from charter.analysis.component_sources import ComponentSource
from charter.model.codes import Codes, Rule
from charter.model.delivery import Deployment, TagRecord
from charter.model.diagnostics import Diagnostic, Location, Severity

TAG_ENVIRONMENT = "production"
TAG_SOURCE = "tag"
# Commits one GIT009 note names before it only counts the rest.
SAME_COMMIT_SHOWN = 5

# Emitted by `charter sync`, which has the tags; declared here, beside what it says.
CODES = Codes(
    Rule(
        "GIT009",
        "Release tags on one commit",
        Severity.INFO,
        rationale="A commit is deployed once: a second tag on it (`rel-4.0.0` and `4.0.0`) is not another deployment.",
        fix="Nothing to do; narrow `charter.dev/release-tags` to one naming scheme to keep the note away.",
        example="""\
# catalog/ipython.yaml
metadata:
  annotations: {charter.dev/release-tags: '(rel-)?\\d+\\.\\d+\\.\\d+'}   # 4.0.0 and rel-4.0.0 tag one commit
""",
    ),
)


@dataclass(frozen=True, slots=True)
class SameCommitTags:
    """Release tags on one commit: `counted` is the deployment, `others` are not counted again."""

    sha: str
    counted: str
    others: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TagDeployments:
    """One production deployment per tagged commit, and the commits that carry more than one tag."""

    deployments: tuple[Deployment, ...]
    same_commit: tuple[SameCommitTags, ...]


def tag_deployments(component: str, tags: Iterable[TagRecord]) -> TagDeployments:
    """The component's deployments from its release tags (already matched against its pattern):
    one per tagged commit, at its earliest tag, in the order of the commits' first tags."""
    by_commit: dict[str, list[TagRecord]] = defaultdict(list)
    for tag in tags:
        by_commit[tag.sha].append(tag)
    deployments: list[Deployment] = []
    same_commit: list[SameCommitTags] = []
    for sha, group in by_commit.items():
        first, *others = sorted(group, key=lambda tag: (tag.tagged_at, tag.name))
        deployments.append(
            Deployment(
                Deployment.tag_id(component, first.name),
                component,
                TAG_ENVIRONMENT,
                sha,
                first.tagged_at,
                source=TAG_SOURCE,
            )
        )
        if others:
            same_commit.append(SameCommitTags(sha, first.name, tuple(tag.name for tag in others)))
    deployments.sort(key=lambda deployment: (deployment.finished, deployment.id))
    same_commit.sort(key=lambda item: item.counted)
    return TagDeployments(tuple(deployments), tuple(same_commit))


def same_commit_note(source: ComponentSource, same: Sequence[SameCommitTags], where: Location | None) -> Diagnostic:
    """GIT009: the commits of the component's repository that carry more than one release tag, each
    deployed once at its earliest tag, the others named."""
    pairs = [f"`{item.counted}` (also {', '.join(f'`{other}`' for other in item.others)})" for item in same]
    shown = ", ".join(pairs[:SAME_COMMIT_SHOWN])
    more = f" and {len(pairs) - SAME_COMMIT_SHOWN} more" if len(pairs) > SAME_COMMIT_SHOWN else ""
    commits = "commit carries" if len(same) == 1 else "commits carry"
    return CODES.diagnostic(
        "GIT009",
        f"{len(same)} {commits} more than one release tag in repository `{source.repository}`; each is one "
        f"deployment of {source.component}, at its earliest tag: {shown}{more}",
        where,
        entity=str(source.ref),
    )
