"""The strategy repository as it was at a past moment, read from its git history (the last commit
that changed it made at or before the moment, on the first-parent line of HEAD), for the use cases about the past:
the risk register a backfilled snapshot records, the commitments a review holds the roadmap to.
Outside git, or before its first commit, there is no past to read; the caller uses the files as they
are and says so."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from charter.load.repository import load_strategy_repo
from charter.model.estate import Estate

ORGANIZATION_FILE = "charter.yaml"


@dataclass(frozen=True, slots=True)
class StrategyHistory:
    """The commits of the strategy repository's first-parent line that changed its folder, newest
    first, with their commit times, and its path inside its git work tree (`` at the top)."""

    root: Path
    prefix: str
    commits: tuple[tuple[str, datetime], ...]

    def commit_at(self, moment: datetime) -> str | None:
        """The last commit made at or before `moment`; None before the first."""
        return next((commit for commit, made in self.commits if made <= moment), None)

    @property
    def head(self) -> str | None:
        return self.commits[0][0] if self.commits else None

    def read(self, commit: str, folders: Sequence[str]) -> Estate:
        """charter.yaml and `folders` as they were at `commit`, read into an Estate (every other folder
        left out)."""
        with tempfile.TemporaryDirectory(prefix="charter-past-") as folder:
            root = Path(folder)
            self._extract(commit, (ORGANIZATION_FILE, *folders), root)
            return load_strategy_repo(root, None, tuple(folders))

    def _extract(self, commit: str, names: Sequence[str], destination: Path) -> None:
        wanted = [
            name for name in names if _git(self.root, "cat-file", "-e", f"{commit}:{self.prefix}{name}").returncode == 0
        ]
        if not wanted:
            return
        archive = _git(self.root, "archive", "--format=tar", f"{commit}:{self.prefix}", *wanted)
        if archive.returncode != 0:
            return
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(destination, filter="data")


def strategy_history(root: Path) -> StrategyHistory | None:
    """The history of the strategy repository at `root`; None outside git, or when no commit has
    changed its folder."""
    prefix = _git(root, "rev-parse", "--show-prefix")
    if prefix.returncode != 0:
        return None
    # Only the commits that changed the strategy's own folder: a folder inside another project's
    # repository that does not track it has no history of its own.
    listed = _git(root, "log", "--first-parent", "--format=%H %ct", "HEAD", "--", ".")
    if listed.returncode != 0:
        return None
    commits = []
    for line in listed.stdout.decode().splitlines():
        commit, _, seconds = line.partition(" ")
        commits.append((commit, datetime.fromtimestamp(int(seconds), UTC)))
    if not commits:
        return None
    return StrategyHistory(root, prefix.stdout.decode().strip(), tuple(commits))


def _git(root: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(root), *arguments], capture_output=True, check=False)
