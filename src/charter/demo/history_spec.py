"""What a generated git history is made of: its authors, its file layout, how branches are merged,
and the whole spec `write_history` follows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


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
