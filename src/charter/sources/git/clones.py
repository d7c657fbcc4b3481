"""Find the clones under `sources.git.roots` and name the repository a component maps to, from its
`charter.dev/repo` annotation or, failing that, its Backstage `backstage.io/source-location`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

_BROWSE_MARKERS = frozenset({"tree", "blob", "-", "src"})


def find_clones(roots: Sequence[Path]) -> dict[str, Path]:
    """Every clone directly under each root (a bare `name.git` or a `name/` with `.git`), and a root
    that is itself a clone, by repository name (the folder name without `.git`). When two roots hold
    the same name, the first root wins."""
    clones: dict[str, Path] = {}
    for root in roots:
        candidates = [root] if is_clone(root) else sorted(_children(root))
        for candidate in candidates:
            if is_clone(candidate):
                clones.setdefault(clone_name(candidate), candidate)
    return clones


def _children(root: Path) -> list[Path]:
    try:
        return [child for child in root.iterdir() if child.is_dir()]
    except OSError:
        return []


def is_clone(path: Path) -> bool:
    """A work tree with `.git` (a folder, or a file as in worktrees and submodules), or a bare
    repository (HEAD, objects and refs in the folder itself)."""
    if (path / ".git").exists():
        return True
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def clone_name(path: Path) -> str:
    return path.name.removesuffix(".git") or path.name


def repository_name(annotation_repo: str | None, source_location: str | None) -> str | None:
    """The repository a component maps to: `charter.dev/repo` (without `.git`), else the last path
    segment of `backstage.io/source-location` (`url:https://github.com/acme/payments/tree/main/` and
    `url:https://github.com/acme/payments.git` both give `payments`), else None."""
    if annotation_repo and annotation_repo.strip():
        return annotation_repo.strip().rstrip("/").removesuffix(".git") or None
    if not source_location or not source_location.strip():
        return None
    return _name_from_location(source_location.strip())


def _name_from_location(location: str) -> str | None:
    target = location.split(":", 1)[1] if location.startswith(("url:", "dir:", "file:")) else location
    target = target.split("?", 1)[0].split("#", 1)[0]
    if "://" in target:
        target = target.split("://", 1)[1]
        # host, then the path: github.com/acme/payments/tree/main/src
        segments = [segment for segment in target.split("/")[1:] if segment]
    else:
        segments = [segment for segment in target.replace(":", "/").split("/") if segment]
    # Browse URLs name the repository before `tree`/`blob` (GitHub), `-` (GitLab, whose groups nest)
    # or `src` (Bitbucket); the owner comes first, so a marker counts from the third segment on.
    cut = next((index for index, segment in enumerate(segments) if index >= 2 and segment in _BROWSE_MARKERS), None)
    if cut is not None:
        segments = segments[:cut]
    if not segments or segments[-1] in (".", ".."):
        return None
    return segments[-1].removesuffix(".git") or None
