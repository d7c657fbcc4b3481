"""Which repository holds each component's code, where in it, and which tags are its releases, from
the catalog's annotations: `charter.dev/repo` (else the last segment of `backstage.io/source-location`),
`charter.dev/path` for a monorepo, and `charter.dev/release-tags`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from charter.analysis.ownership import system_of, team_of
from charter.model.catalog import (
    RELEASE_TAGS_ANNOTATION,
    REPO_ANNOTATION,
    REPO_PATH_ANNOTATION,
    SOURCE_LOCATION_ANNOTATION,
    CatalogEntity,
)
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Severity
from charter.model.estate import Estate
from charter.model.refs import DEFAULT_NAMESPACE, EntityRef

# GIT004 and GIT005 are found by `charter sync`, which has the clones and their tags; GIT006 here.
CODES = Codes(
    Rule(
        "GIT004",
        "Component repository not found",
        Severity.WARNING,
        rationale=(
            "A component mapped to a repository that is not among the clones has no delivery or code health data."
        ),
        fix="Clone the repository under a `sources.git.roots` folder, or fix the `charter.dev/repo` annotation.",
        example="""\
# catalog/payments.yaml
metadata:
  annotations: {charter.dev/repo: payments-service}   # no such clone under sources.git.roots
""",
    ),
    Rule(
        "GIT005",
        "Release tag pattern matches no tag",
        Severity.WARNING,
        rationale="A `charter.dev/release-tags` pattern that matches nothing yields no deployments for the component.",
        fix="Fix the pattern (a Python regular expression matching the whole tag name), or tag releases.",
        example="""\
# catalog/payments.yaml
metadata:
  annotations: {charter.dev/release-tags: 'release-\\d+'}   # the repository tags v1.2.3
""",
    ),
    Rule(
        "GIT006",
        "Invalid release tag pattern",
        Severity.ERROR,
        rationale="A `charter.dev/release-tags` value that is not a regular expression cannot find releases.",
        fix="Write a Python regular expression, such as `v\\d+\\.\\d+\\.\\d+`.",
        example="""\
# catalog/payments.yaml
metadata:
  annotations: {charter.dev/release-tags: 'v(\\d+'}         # an unclosed group
""",
    ),
)
diagnostic = CODES.diagnostic


def component_key(ref: EntityRef) -> str:
    """How deployment records and the store name a component: its name, namespaced when not default."""
    return ref.name if ref.namespace == DEFAULT_NAMESPACE else f"{ref.namespace}/{ref.name}"


@dataclass(frozen=True, slots=True)
class ComponentSource:
    component: str
    ref: EntityRef
    repository: str
    path_prefix: str | None
    release_tags: re.Pattern[str] | None
    team: str | None
    system: str | None

    def release_tag(self, tag: str) -> bool:
        return self.release_tags is not None and self.release_tags.fullmatch(tag) is not None


@dataclass(frozen=True, slots=True)
class ComponentScope:
    """Where a component's numbers roll up to."""

    component: str
    team: str | None
    system: str | None


def repository_from_source_location(location: str) -> str | None:
    """`url:https://github.com/acme/payments/tree/main/` -> `payments`; `url:https://host/x/payments.git` ->
    `payments`. Backstage writes `url:` or `dir:` before the target."""
    target = location.split(":", 1)[1] if location.startswith(("url:", "dir:")) else location
    target = target.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    for marker in ("/-/tree/", "/-/blob/", "/tree/", "/blob/", "/src/"):  # GitLab, GitHub, Bitbucket
        if marker in target:
            target = target.split(marker, 1)[0]
            break
    name = target.rsplit("/", 1)[-1].removesuffix(".git")
    return name or None


def repository_name(annotations: dict[str, str]) -> str | None:
    explicit = str(annotations.get(REPO_ANNOTATION, "")).strip()
    if explicit:
        return explicit.rsplit("/", 1)[-1].removesuffix(".git")
    location = str(annotations.get(SOURCE_LOCATION_ANNOTATION, "")).strip()
    return repository_from_source_location(location) if location else None


def _components(estate: Estate) -> Iterator[tuple[EntityRef, CatalogEntity]]:
    for ref, entity in estate.entities.items():
        if ref.kind == "component" and isinstance(entity, CatalogEntity):
            yield ref, entity


def component_scopes(estate: Estate) -> dict[str, ComponentScope]:
    """Every component's team and system, by component key."""
    scopes = {}
    for ref, _entity in _components(estate):
        key = component_key(ref)
        scopes[key] = ComponentScope(key, team_of(estate, ref), system_of(estate, ref))
    return scopes


def component_sources(estate: Estate) -> tuple[list[ComponentSource], list[Diagnostic]]:
    """Every component mapped to a repository, and a GIT006 diagnostic for each release-tag pattern
    that is not a regular expression."""
    sources: list[ComponentSource] = []
    problems: list[Diagnostic] = []
    for ref, entity in sorted(_components(estate), key=lambda item: str(item[0])):
        repository = repository_name(entity.annotations)
        if repository is None:
            continue
        pattern = _release_pattern(entity, problems)
        prefix = str(entity.annotations.get(REPO_PATH_ANNOTATION, "")).strip().strip("/") or None
        sources.append(
            ComponentSource(
                component_key(ref),
                ref,
                repository,
                prefix,
                pattern,
                team_of(estate, ref),
                system_of(estate, ref),
            )
        )
    return sources, problems


def _release_pattern(entity: CatalogEntity, problems: list[Diagnostic]) -> re.Pattern[str] | None:
    raw = entity.annotations.get(RELEASE_TAGS_ANNOTATION)
    if raw is None or not str(raw).strip():
        return None
    try:
        return re.compile(str(raw).strip())
    except re.error as error:
        location = entity.location.at("metadata", "annotations", RELEASE_TAGS_ANNOTATION) if entity.location else None
        problems.append(
            diagnostic(
                "GIT006",
                f"`{RELEASE_TAGS_ANNOTATION}: {raw}` is not a regular expression: {error}",
                location,
                entity=str(entity.ref),
            )
        )
        return None


def release_pattern_problems(estate: Estate) -> Iterator[Diagnostic]:
    """GIT006 for every `charter.dev/release-tags` value that is not a regular expression."""
    for _ref, entity in sorted(_components(estate), key=lambda item: str(item[0])):
        problems: list[Diagnostic] = []
        _release_pattern(entity, problems)
        yield from problems
