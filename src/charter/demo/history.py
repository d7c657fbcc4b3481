"""Realistic git histories for tests, benchmarks and `charter demo`, written by one `git fast-import`
fed through a pipe while they are generated: feature branches merged, squashed or rebased, bots bumping
the lockfile, release tags on main, maintenance branches with back-ported fixes and their own tags,
renames, binary files, empty commits, a non-UTF-8 author name and a `.mailmap`. Same spec, same shas."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from charter.demo.history_stream import HistoryStream


@dataclass(frozen=True, slots=True)
class Author:
    """Someone who commits. `aliases` are other (name, email) identities of the same person, which the
    generated `.mailmap` folds into this one; `encoding="latin-1"` writes the name's bytes in latin-1,
    as old tools did, so the history holds a name that is not UTF-8. `active` is the share of the
    history's span in which the person commits (joiners and leavers)."""

    name: str
    email: str
    aliases: tuple[tuple[str, str], ...] = ()
    encoding: str = "utf-8"
    timezone: str = "+0000"
    weight: float = 1.0
    active: tuple[float, float] = (0.0, 1.0)

    @property
    def is_bot(self) -> bool:
        return self.name.endswith("[bot]")


DEFAULT_AUTHORS: tuple[Author, ...] = (
    Author("Ada Okafor", "ada.okafor@acme.example", aliases=(("ada", "ada@laptop.local"),), weight=6),
    Author("Lars Nilsson", "lars.nilsson@acme.example", timezone="+0100", weight=3),
    Author("José Müller", "jose.muller@acme.example", encoding="latin-1", timezone="+0100", weight=2),
    Author("Priya Raman", "priya.raman@acme.example", timezone="+0530", weight=3, active=(0.0, 0.7)),
    Author("Mei Chen", "mei.chen@acme.example", timezone="+0800", weight=1.5),
    Author("Hugo Martin", "hugo.martin@acme.example", timezone="-0500", weight=1, active=(0.3, 1.0)),
    Author("Sara Lindqvist", "sara.lindqvist@acme.example", timezone="+0100", weight=1, active=(0.6, 1.0)),
    Author("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
    Author("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com"),
)


@dataclass(frozen=True, slots=True)
class FileLayout:
    """The tree the commits edit (under each monorepo prefix): source folders, the first the hottest,
    a lockfile that bots bump and a vendored folder updated in bulk (both left out of code health).
    A source file starts with between `file_lines` lines and, once longer than `max_file_lines`, is
    cut back to half that, as a refactoring does. The defaults keep files small, so a long history is
    quick to write; git's work per commit grows with file size (see `REALISTIC_LAYOUT`)."""

    directories: tuple[str, ...] = ("src/api", "src/core", "src/storage", "tests")
    files_per_directory: int = 6
    extension: str = ".py"
    lockfile: str | None = "poetry.lock"
    vendored: str | None = "vendor/retry"
    file_lines: tuple[int, int] = (8, 40)
    max_file_lines: int = 100


# Files and trees of the size real services have (source files of a few hundred lines, a few hundred of
# them in a dozen folders), for measuring git mining against git's own cost on histories like real ones.
REALISTIC_LAYOUT = FileLayout(
    directories=tuple(
        f"src/{area}"
        for area in ("api", "core", "storage", "auth", "billing", "events", "search", "jobs", "web", "util")
    )
    + ("tests/unit", "tests/integration"),
    files_per_directory=15,
    file_lines=(60, 400),
    max_file_lines=800,
)


@dataclass(frozen=True, slots=True)
class MergeStyles:
    """How pull requests land on main, as weights: merge commits of feature branches, squashed
    single commits, or rebased linear commits."""

    merge: float = 0.45
    squash: float = 0.35
    rebase: float = 0.2


@dataclass(frozen=True, slots=True)
class HistorySpec:
    """What to generate. `commits` is exact (every commit reachable from a branch or tag). Release
    tags are cut on main every `release_every` mainline commits of a release line (the repository, or
    each of `path_prefixes` in a monorepo); `maintenance_branches` of those releases (per line) get a
    branch `release/X.Y` with patch releases, `backports` of which carry a fix cherry-picked from main.
    `tag_pattern` and `branch_pattern` take `{major}`, `{minor}`, `{patch}` and `{name}` (the last
    segment of the monorepo prefix, e.g. `payments/v{major}.{minor}.{patch}` as `{name}/v...`)."""

    commits: int = 1000
    seed: int = 1
    start: datetime = datetime(2025, 11, 1, tzinfo=UTC)
    end: datetime = datetime(2026, 11, 1, tzinfo=UTC)
    authors: tuple[Author, ...] = DEFAULT_AUTHORS
    layout: FileLayout = field(default_factory=FileLayout)
    bare: bool = False
    path_prefixes: tuple[str, ...] = ()
    maintenance_branches: int = 2
    release_every: int = 40
    backports: float = 0.6
    merge_styles: MergeStyles = field(default_factory=MergeStyles)
    annotated_tags: float = 0.7
    tag_pattern: str = "v{major}.{minor}.{patch}"
    branch_pattern: str = "release/{major}.{minor}"
    bots: float = 0.08
    renames: float = 0.01
    binaries: float = 0.005
    empty_commits: float = 0.003

    def __post_init__(self) -> None:
        if self.commits < 1:
            raise ValueError("HistorySpec.commits must be at least 1")
        if self.start.tzinfo is None or self.end.tzinfo is None or self.end <= self.start:
            raise ValueError("HistorySpec.start and .end must be timezone-aware, start before end")
        if self.release_every < 1 or self.maintenance_branches < 0:
            raise ValueError("HistorySpec.release_every must be >= 1 and maintenance_branches >= 0")
        if not any(not author.is_bot for author in self.authors):
            raise ValueError("HistorySpec.authors needs at least one person who is not a bot")
        for share in ("backports", "annotated_tags", "bots", "renames", "binaries", "empty_commits"):
            if not 0.0 <= getattr(self, share) <= 1.0:
                raise ValueError(f"HistorySpec.{share} must be between 0 and 1")
        styles = self.merge_styles
        if min(styles.merge, styles.squash, styles.rebase) < 0 or styles.merge + styles.squash + styles.rebase <= 0:
            raise ValueError("HistorySpec.merge_styles weights must be >= 0 and not all 0")
        if not self.layout.directories or self.layout.files_per_directory < 1:
            raise ValueError("HistorySpec.layout needs at least one directory with at least one file")
        low, high = self.layout.file_lines
        if not 1 <= low <= high or self.layout.max_file_lines < 2:
            raise ValueError("HistorySpec.layout.file_lines must be 1 <= low <= high, max_file_lines at least 2")
        for pattern in (self.tag_pattern, self.branch_pattern):
            named = "{name}" in pattern
            if len(self.path_prefixes) > 1 and not named:
                raise ValueError(f"{pattern!r} needs {{name}}: each monorepo prefix has its own releases")
            if named and not self.path_prefixes:
                raise ValueError(f"{pattern!r} uses {{name}}, which only monorepo prefixes have")
            pattern.format(major=1, minor=2, patch=3, name="x")


@dataclass(frozen=True, slots=True)
class Release:
    """A release tag as written: on `main` or on a maintenance branch, annotated or lightweight, with
    the time a tag-based deployment would take (tagger date, else the commit's committer date)."""

    name: str
    sha: str
    branch: str
    annotated: bool
    tagged_at: datetime
    line: str | None


@dataclass(frozen=True, slots=True)
class MainlineCommit:
    """A commit on main's first-parent chain, and the monorepo prefix it touched (None: the root)."""

    sha: str
    committed_at: datetime
    prefix: str | None


@dataclass(frozen=True)
class HistoryFacts:
    """What was written: branch and tag tips (tags peeled to commits), every release, main's
    first-parent chain oldest first, and the exact number of commits."""

    path: Path
    commits: int
    head: str
    branches: dict[str, str]
    tags: dict[str, str]
    releases: tuple[Release, ...]
    mainline: tuple[MainlineCommit, ...]


class HistoryError(Exception):
    """Git refused the generated history, or is missing; the message carries what git said."""


# fast-import allocates and frees zlib's state for every object; glibc would hand the memory back to
# the kernel each time and fault it in again, which is most of its time on small objects. Keep it.
_KEEP_HEAP = "glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864"


def git_environment() -> dict[str, str]:
    """Git without the user's or system's configuration, so the generated bytes never depend on them."""
    environment = dict(os.environ)
    environment.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    return environment


def run_git(repo: Path, *arguments: str) -> str:
    """Run git in `repo` and return its stdout; a failure is a HistoryError with git's message."""
    try:
        done = subprocess.run(["git", *arguments], cwd=repo, env=git_environment(), capture_output=True, check=False)
    except OSError as error:
        raise HistoryError(f"cannot run git: {error}") from error
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip()
        raise HistoryError(f"git {arguments[0]} in {repo} failed: {detail}")
    return done.stdout.decode("utf-8", "replace")


def write_history(target: Path, spec: HistorySpec) -> HistoryFacts:
    """Create the repository `target` (absent or empty) holding the history `spec` describes."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(f"{target} exists and is not an empty directory")
    target.mkdir(parents=True, exist_ok=True)
    run_git(target, "init", "-q", "--initial-branch=main", *(["--bare"] if spec.bare else []), ".")
    with tempfile.TemporaryDirectory(prefix="charter-history-") as scratch:
        marks_file = Path(scratch) / "marks"
        stream = _fast_import(target, spec, marks_file, Path(scratch) / "errors")
        marks = _read_marks(marks_file)
    if not spec.bare:
        run_git(target, "reset", "--hard", "-q")
    return _facts(target, stream, marks)


def _fast_import(target: Path, spec: HistorySpec, marks_file: Path, errors_file: Path) -> HistoryStream:
    """Run one `git fast-import` in `target`, generating its input while it reads; the marks (mark ->
    sha of every commit and blob) are exported to `marks_file`."""
    command = ["git", "fast-import", "--quiet", "--date-format=raw", "--active-branches=64"]
    with errors_file.open("w+b") as errors:
        try:
            process = subprocess.Popen(
                [*command, f"--export-marks={marks_file}"],
                cwd=target,
                env={**git_environment(), "GLIBC_TUNABLES": _KEEP_HEAP},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
            )
        except OSError as error:
            raise HistoryError(f"cannot run git: {error}") from error
        assert process.stdin is not None and process.stdout is not None
        stream = HistoryStream(spec, process.stdin, process.stdout)
        try:
            stream.run()
            process.stdin.close()
        except BrokenPipeError:
            pass  # git stopped reading: its exit status and message say why
        except BaseException:
            process.kill()  # the generator itself failed; do not leave git waiting for input
            raise
        finally:
            returncode = process.wait()
            process.stdout.close()
        if returncode != 0:
            errors.seek(0)
            detail = errors.read().decode("utf-8", "replace").strip()
            raise HistoryError(f"git fast-import in {target} failed: {detail}")
    return stream


def _read_marks(path: Path) -> dict[int, str]:
    marks = {}
    with path.open(encoding="ascii") as handle:
        for line in handle:
            mark, sha = line.split()
            marks[int(mark[1:])] = sha
    return marks


def _timestamp(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _facts(target: Path, generator: HistoryStream, marks: Mapping[int, str]) -> HistoryFacts:
    listing = run_git(target, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads")
    branches = dict(line.split(" ", 1) for line in listing.splitlines())
    releases = tuple(
        Release(tag.name, marks[tag.mark], tag.branch, tag.annotated, _timestamp(tag.tagged_at), tag.line)
        for tag in generator.tags
    )
    mainline = tuple(
        MainlineCommit(marks[commit.mark], _timestamp(commit.committed_at), commit.prefix)
        for commit in generator.mainline
    )
    tags = {release.name: release.sha for release in releases}
    return HistoryFacts(target, generator.emitted, marks[generator.main_tip], branches, tags, releases, mainline)
