"""What the roadmap committed at the start of a review period: the initiatives as the strategy
repository's files were then, read from its git history (the last commit before the period), so an
initiative moved to a later quarter since still counts as slipped. A repository without git history
from before the period is read as it is now, and the review says so."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from charter.load.repository import load_strategy_repo
from charter.model.kinds import Initiative
from charter.services.context import Context

ROADMAP = "roadmap"


@dataclass(frozen=True, slots=True)
class Commitments:
    initiatives: list[Initiative]
    source: str  # where they were read from, as the review shows it


def commitments_at(context: Context, moment: datetime) -> Commitments:
    """The initiatives of the roadmap as committed at `moment`."""
    found = _commit_before(context.root, moment)
    if found is None:
        return Commitments(
            list(context.estate.initiatives),
            "the roadmap files as they are now (no git history of the strategy repository before the period)",
        )
    commit, prefix = found
    with tempfile.TemporaryDirectory(prefix="charter-review-") as folder:
        root = Path(folder)
        _extract(context.root, commit, prefix, root)
        estate = load_strategy_repo(root, None, (ROADMAP,))
    return Commitments(
        list(estate.initiatives), f"the roadmap files at commit {commit[:12]}, the last before the period"
    )


def _git(root: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(root), *arguments], capture_output=True, check=False)


def _commit_before(root: Path, moment: datetime) -> tuple[str, str] | None:
    """The last commit made at or before `moment` and the repository's path inside its git work tree
    (`` at the top), or None outside git or before its first commit."""
    prefix = _git(root, "rev-parse", "--show-prefix")
    if prefix.returncode != 0:
        return None
    listed = _git(root, "rev-list", "-1", f"--before={moment.isoformat()}", "HEAD")
    commit = listed.stdout.decode().strip()
    if listed.returncode != 0 or not commit:
        return None
    return commit, prefix.stdout.decode().strip()


def _extract(root: Path, commit: str, prefix: str, destination: Path) -> None:
    """charter.yaml and the roadmap folder as they were at `commit`, written under `destination`."""
    wanted = [
        name
        for name in ("charter.yaml", ROADMAP)
        if _git(root, "cat-file", "-e", f"{commit}:{prefix}{name}").returncode == 0
    ]
    if not wanted:
        return
    archive = _git(root, "archive", "--format=tar", f"{commit}:{prefix}", *wanted)
    if archive.returncode != 0:
        return
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="data")
