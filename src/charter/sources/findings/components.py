"""Which component a finding belongs to, from the catalog: `--component` when given; else an image
glob of a component's `charter.dev/images` annotation (`registry.example/app:*, other`) matching
the scan target, or a `charter.dev/purl` prefix matching the finding's package URL or the target;
else the repository the file was found in (`--repository`, or SARIF's `versionControlProvenance`),
matched like `charter.dev/repo` / `backstage.io/source-location` (in a monorepo, the component whose
`charter.dev/path` holds the finding's file); else a component named like the target's image or
package name (`registry/acme/checkout:1.2` -> `checkout`). Otherwise the finding is unmapped."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from charter.analysis.component_sources import repository_from_source_location, repository_name
from charter.model.catalog import CatalogEntity
from charter.model.estate import Estate
from charter.model.finding import Finding
from charter.model.refs import parse_ref
from charter.sources.findings.identity import purl_name

IMAGES_ANNOTATION = "charter.dev/images"
PURL_ANNOTATION = "charter.dev/purl"


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    """What the catalog says about where one component's findings come from."""

    ref: str  # `component:namespace/name`
    name: str
    repository: str | None = None
    path_prefix: str | None = None
    images: tuple[str, ...] = ()
    purls: tuple[str, ...] = ()


def component_specs(estate: Estate) -> list[ComponentSpec]:
    specs = []
    for ref, entity in sorted(estate.entities.items(), key=lambda item: str(item[0])):
        if ref.kind != "component" or not isinstance(entity, CatalogEntity):
            continue
        annotations = entity.annotations
        prefix = str(annotations.get("charter.dev/path", "")).strip().strip("/") or None
        specs.append(
            ComponentSpec(
                str(ref),
                ref.name,
                (repository_name(annotations) or "").lower() or None,
                prefix,
                _listed(annotations.get(IMAGES_ANNOTATION)),
                _listed(annotations.get(PURL_ANNOTATION)),
            )
        )
    return specs


def _listed(value: object) -> tuple[str, ...]:
    return tuple(part.strip() for part in str(value or "").split(",") if part.strip())


@dataclass
class ComponentMatcher:
    """Maps findings to components; built once per import run from the catalog."""

    specs: Sequence[ComponentSpec] = ()
    _by_repository: dict[str, list[ComponentSpec]] = field(default_factory=dict, init=False)
    _by_name: dict[str, ComponentSpec] = field(default_factory=dict, init=False)
    _images: list[tuple[re.Pattern[str], ComponentSpec]] = field(default_factory=list, init=False)
    _purls: list[tuple[str, ComponentSpec]] = field(default_factory=list, init=False)
    _target_cache: dict[tuple[str, str | None], str | None] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for spec in self.specs:
            if spec.repository:
                self._by_repository.setdefault(spec.repository, []).append(spec)
            self._by_name.setdefault(spec.name.lower(), spec)
            self._images.extend((re.compile(fnmatch.translate(glob)), spec) for glob in spec.images)
            self._purls.extend((prefix.lower(), spec) for prefix in spec.purls)
        # Longest prefix first: `pkg:npm/@acme/checkout` wins over `pkg:npm/@acme`.
        self._purls.sort(key=lambda item: -len(item[0]))

    @classmethod
    def from_estate(cls, estate: Estate) -> ComponentMatcher:
        return cls(component_specs(estate))

    def known(self, ref: str) -> bool:
        return any(spec.ref == ref for spec in self.specs)

    def component_of(self, finding: Finding, target: str, repository: str | None) -> str | None:
        """The component reference for one finding of a scan of `target`, found in `repository`."""
        if self._purls and finding.purl:
            found = self._purl_match(finding.purl)
            if found is not None:
                return found
        repo = _repository_key(repository) if repository else None
        if repo is not None and finding.path and len(self._by_repository.get(repo, ())) > 1:
            found = self._in_monorepo(repo, finding.path)
            if found is not None:
                return found
        key = (target, repo)
        if key not in self._target_cache:
            self._target_cache[key] = self._target_match(target, repo)
        return self._target_cache[key]

    def component_of_target(self, target: str) -> str | None:
        """The component a whole scan of `target` covers, when the target itself names one (an image
        glob, a package URL, a repository, a component's name): a scan that found nothing still says
        which component was scanned."""
        return self._target_match(target, None)

    def _target_match(self, target: str, repo: str | None) -> str | None:
        image = _without_digest(target)
        for pattern, spec in self._images:
            if pattern.fullmatch(image) or pattern.fullmatch(target):
                return spec.ref
        if self._purls and target.startswith("pkg:"):
            found = self._purl_match(target)
            if found is not None:
                return found
        if repo is not None:
            found = self._in_monorepo(repo, None)
            if found is not None:
                return found
        target_repo = _repository_key(target) if _looks_like_repository(target) else None
        if target_repo is not None and target_repo in self._by_repository:
            return self._in_monorepo(target_repo, None)
        named = self._by_name.get(_short_name(target))
        return named.ref if named else None

    def _purl_match(self, purl: str) -> str | None:
        """The component whose purl prefix the package URL starts with, as written or with its
        escapes decoded (`pkg:npm/%40acme/x` matches the prefix `pkg:npm/@acme`)."""
        written = purl.lower()
        decoded = unquote(written)
        for prefix, spec in self._purls:
            if written.startswith(prefix) or decoded.startswith(prefix):
                return spec.ref
        return None

    def _in_monorepo(self, repo: str, path: str | None) -> str | None:
        candidates = self._by_repository.get(repo, [])
        if path is not None:
            clean = path.removeprefix("file://").removeprefix("./").lstrip("/")
            holding = [spec for spec in candidates if spec.path_prefix and _under(clean, spec.path_prefix)]
            if holding:
                return max(holding, key=lambda spec: len(spec.path_prefix or "")).ref
        whole = [spec for spec in candidates if not spec.path_prefix]
        if len(whole) == 1:
            return whole[0].ref
        return candidates[0].ref if len(candidates) == 1 else None


def forced_component(text: str) -> str:
    """`--component checkout` as a reference (`component:default/checkout`); raises ValueError."""
    ref = parse_ref(text, default_kind="component")
    if ref.kind != "component":
        raise ValueError(f"{text!r} names a {ref.kind}, not a component")
    return str(ref)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def _repository_key(location: str) -> str | None:
    name = repository_from_source_location(location)
    return name.lower() if name else None


def _looks_like_repository(target: str) -> bool:
    return "://" in target or target.startswith("git@") or target.endswith(".git")


def _without_digest(target: str) -> str:
    return target.split("@sha256:", 1)[0]


def _short_name(target: str) -> str:
    """The image or package name in a target: `reg.io/acme/checkout:1.2` -> `checkout`."""
    if target.startswith("pkg:"):
        return (purl_name(target) or "").lower()
    text = _without_digest(target).rstrip("/")
    last = text.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].removesuffix(".git").lower()
