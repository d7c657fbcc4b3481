"""psf/requests' real history (../shared/repos/requests.bundle: 6,729 commits on every ref, 6,489 on
`main`, 162 tags, side and maintenance branches, renames and deleted files), synced by `charter sync`:
code health describes `main`. Every file it lists, hotspots and stale files included, is at the head of
`main` (`git ls-tree`) with the lines `git show main:PATH` has; every file at that head is listed; the
commit counts are those `git rev-list main -- PATH` reaches. Skipped when ../shared is absent."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from charter.analysis.codehealth.patterns import DEFAULT_EXCLUDES, compile_path_globs
from tests.conftest import charter_output
from tests.strategy import write_repo

# ../shared beside the project (the nearest folder above it that has one, so a git worktree finds it too).
BUNDLE = next(
    (
        folder / "shared" / "repos" / "requests.bundle"
        for folder in Path(__file__).resolve().parents
        if (folder / "shared" / "repos" / "requests.bundle").is_file()
    ),
    Path("../shared/repos/requests.bundle"),
)
MAIN_HEAD = "1f6589ec3a1e"
AS_OF = "2026-08-03"
CATALOG = """\
    apiVersion: backstage.io/v1alpha1
    kind: Group
    metadata: {name: maintainers}
    spec: {type: team, children: []}
    ---
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: requests
      annotations:
        charter.dev/repo: requests
        charter.dev/release-tags: 'v\\d+\\.\\d+\\.\\d+'
    spec: {type: library, lifecycle: production, owner: maintainers}
    """
ORGANIZATION = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: psf}
spec:
  sources: {git: {roots: [../clones]}}
"""


def git(clone: Path, *arguments: str) -> bytes:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    done = subprocess.run(["git", "-C", str(clone), *arguments], capture_output=True, env=environment, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout


@dataclass(frozen=True)
class Synced:
    org: Path
    clone: Path


@pytest.fixture(scope="module")
def requests_synced(tmp_path_factory: pytest.TempPathFactory) -> Synced:
    if not BUNDLE.is_file():
        pytest.skip("../shared/repos/requests.bundle is not present")
    root = tmp_path_factory.mktemp("requests")
    clone = root / "clones" / "requests.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(BUNDLE), str(clone)], check=True, capture_output=True)
    (root / "org").mkdir()
    write_repo(root / "org", {"catalog/all.yaml": CATALOG}, organization=ORGANIZATION)
    charter_output("sync", "--repo", str(root / "org"), "--quiet")
    return Synced(root / "org", clone)


def head_lines(clone: Path) -> dict[str, int | None]:
    """`git ls-tree -r main`, each blob with the lines `git show main:PATH` has (a last line without a
    newline counts, as in git's own line counts; None for a file git calls binary: a NUL byte in its
    first 8,000)."""
    listing: dict[str, int | None] = {}
    for entry in git(clone, "ls-tree", "-r", "-z", "main").decode().split("\0"):
        if not entry:
            continue
        described, path = entry.split("\t", 1)
        if described.split()[1] == "blob":
            content = git(clone, "show", f"main:{path}")
            unterminated = bool(content) and not content.endswith(b"\n")
            listing[path] = None if b"\0" in content[:8000] else content.count(b"\n") + unterminated
    return listing


def report(org: Path, *extra: str) -> dict[str, object]:
    output = charter_output("codehealth", "--repo", str(org), "--as-of", AS_OF, "--format", "json", *extra)
    [component] = json.loads(output)["components"]
    assert isinstance(component, dict)
    return component


def csv_files(org: Path) -> dict[str, str]:
    output = charter_output("codehealth", "--repo", str(org), "--as-of", AS_OF, "--format", "csv")
    rows = [line.split(",") for line in output.strip().splitlines()[1:]]
    return {row[1]: row[2] for row in rows}


def test_code_health_describes_main_at_its_head(requests_synced: Synced) -> None:
    component = report(requests_synced.org, "--component", "requests")
    assert component["branch"] == "main" and str(component["head"]).startswith(MAIN_HEAD)
    is_excluded = compile_path_globs(DEFAULT_EXCLUDES)
    expected = {path: lines for path, lines in head_lines(requests_synced.clone).items() if not is_excluded(path)}
    listed = csv_files(requests_synced.org)

    assert component["files"] == len(expected) == len(listed)
    assert listed == {path: "" if lines is None else str(lines) for path, lines in expected.items()}


def test_every_hotspot_and_stale_file_is_at_mains_head_with_its_size_there(requests_synced: Synced) -> None:
    component = report(requests_synced.org, "--component", "requests")
    at_head = head_lines(requests_synced.clone)
    hotspots = component["hotspots"]
    stale = component["staleCouplings"]
    couplings = component["couplings"]
    assert isinstance(hotspots, list) and isinstance(stale, list) and isinstance(couplings, list)
    assert hotspots
    for hotspot in hotspots:
        assert hotspot["lines"] == at_head[hotspot["path"]], hotspot["path"]
    for pair in stale:
        assert pair["stale"] in at_head and pair["hotspot"] in at_head
    for pair in couplings:
        assert pair["first"] in at_head and pair["second"] in at_head


def test_files_never_renamed_count_the_commits_main_reaches(requests_synced: Synced) -> None:
    component = report(requests_synced.org, "--component", "requests")
    renames = git(
        requests_synced.clone, "log", "main", "--no-merges", "-M", "--diff-filter=R", "--name-status", "--format="
    ).decode()
    renamed = {path for line in renames.splitlines() if line.startswith("R") for path in line.split("\t")[1:]}
    hotspots = [hotspot for hotspot in component["hotspots"] if hotspot["path"] not in renamed]  # type: ignore[union-attr]
    assert hotspots
    for hotspot in hotspots:
        reached = git(
            requests_synced.clone, "rev-list", "--count", "--no-merges", "--full-history", "main", "--", hotspot["path"]
        )
        assert hotspot["commits"] == int(reached), hotspot["path"]


def test_as_of_a_past_day_only_the_commits_authored_by_then_count(requests_synced: Synced) -> None:
    """Code health as of 2016-06-30 is main's history as it stood that day: each hotspot that was never
    renamed counts the commits reaching it that were authored by the end of the day (git's own count,
    by author time), not the ones made since."""
    past = "2016-06-30"
    output = charter_output(
        "codehealth", "--repo", str(requests_synced.org), "--as-of", past, "--format", "json", "--component", "requests"
    )
    component = json.loads(output)["components"][0]
    end_of_day = datetime.combine(date.fromisoformat(past), time.max, UTC).timestamp()
    renames = git(
        requests_synced.clone, "log", "main", "--no-merges", "-M", "--diff-filter=R", "--name-status", "--format="
    ).decode()
    renamed = {path for line in renames.splitlines() if line.startswith("R") for path in line.split("\t")[1:]}
    hotspots = [hotspot for hotspot in component["hotspots"] if hotspot["path"] not in renamed]
    assert hotspots
    for hotspot in hotspots:
        stamps = git(
            requests_synced.clone, "log", "--format=%at", "--no-merges", "--full-history", "main", "--", hotspot["path"]
        ).split()
        by_then = sum(1 for stamp in stamps if int(stamp) <= end_of_day)
        assert hotspot["commits"] == by_then < len(stamps), hotspot["path"]
