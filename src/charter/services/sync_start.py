"""What `charter sync` does before it loads anything heavy: when the store holds no history yet (a
fresh clone of the strategy in CI, no `.charter/`), start git's log of every clone under
`sources.git.roots`, so that git works while Charter starts up, reads the strategy and opens the
store (`sources/git/early.py`). Only the light parts are imported here. Whatever this guesses, the
sync decides again: a log it does not need is ended and deleted."""

from __future__ import annotations

import os
from pathlib import Path

from charter.model.errors import InputError
from charter.model.repository import ORGANIZATION_FILE
from charter.services.context import repository_root
from charter.sources.git.clones import find_clones
from charter.sources.git.early import EarlyLogs as EarlyLogs  # named by the command line, which may not import sources
from charter.sources.git.early import start_early_logs

# Where `store/database.py` keeps the store when `CHARTER_DATABASE_URL` names none (held equal to
# its constants by tests/services/test_sync_start.py; importing it would import SQLAlchemy).
DATABASE_URL_VARIABLE = "CHARTER_DATABASE_URL"
STORE_FILE = Path(".charter") / "charter.db"


def start_git_logs(repo: Path | None, *, fetch: bool = False, executor: str | None = None) -> EarlyLogs | None:
    """The logs started for a sync of `repo` (see the module), or None when the store may already
    hold history (a store file exists, or a database URL is set), the clones are fetched first,
    the mining runs on a cluster, or the strategy cannot be read here (the sync says why)."""
    if fetch or executor is not None or os.environ.get(DATABASE_URL_VARIABLE):
        return None
    try:
        root = repository_root(repo)
    except InputError:
        return None
    if (root / STORE_FILE).exists():
        return None
    roots = git_roots(root / ORGANIZATION_FILE)
    clones = find_clones([(root / folder).resolve() for folder in roots])
    return start_early_logs(list(clones.values())) if clones else None


def git_roots(organization: Path) -> list[str]:
    """`spec.sources.git.roots` of charter.yaml as plain YAML gives it; none when it cannot tell."""
    import yaml

    try:
        with organization.open("rb") as handle:
            documents = list(yaml.load_all(handle, Loader=yaml.CSafeLoader))
    except (OSError, yaml.YAMLError, ValueError):
        return []
    for document in documents:
        if isinstance(document, dict) and document.get("kind") == "Organization":
            roots = _at(document, "spec", "sources", "git", "roots")
            return [root for root in roots if isinstance(root, str)] if isinstance(roots, list) else []
    return []


def _at(document: dict[object, object], *keys: str) -> object:
    found: object = document
    for key in keys:
        found = found.get(key) if isinstance(found, dict) else None
    return found
