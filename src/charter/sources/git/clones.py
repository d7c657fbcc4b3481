"""Find the clones under `sources.git.roots`, and how much history each holds. (Which repository
a component maps to is `analysis.component_sources`'s business.)"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


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


def history_bytes(location: Path) -> int:
    """How much history a local clone holds, by the size of its pack files (0 when it is not here, as
    for a repository still to be cloned): the work of mining it grows with it."""
    for objects in (location / "objects", location / ".git" / "objects"):
        try:
            return sum(entry.stat().st_size for entry in os.scandir(objects / "pack") if entry.name.endswith(".pack"))
        except OSError:
            continue
    return 0
