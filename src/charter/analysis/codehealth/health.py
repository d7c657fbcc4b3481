"""Code health of one component on its repository's default branch: hotspots (change frequency ×
size), change coupling, knowledge concentration and bus factor, author turnover, stale files still
coupled to hot ones, the age of each file's last change, and the share of changes AI coding agents
made (DESIGN.md "Metric definitions").

The caller gives the files at the head of the default branch with their lines (restricted, in a
monorepo, to the component's folder), the default branch's history (`Mainline`), and the component's
file-change rows ordered by `authored_at`; rows of other commits (abandoned branches, tags left on
them) count for nothing. The rows are folded in one pass (see `codehealth_history`), so a million
rows take seconds and memory grows with files, not rows.

Definitions:
- Recent window: `[today - window_days, ...)`; the previous window is the one before it.
- Files: those at the head of the default branch, sized by their lines there (binary files have no
  size). A file's history follows its renames on the default branch.
- Hotspot score: commits touching the file in the recent window × size. Hotspots are the top decile
  (the best ceil(n / 10) scores, ties included) of the n files changed in the window that have a
  positive score. Bot and agent commits count as changes here.
- Coupling: commits changing both files, over the whole history, skipping bulk commits (more than
  `max_changeset_size` files, as code-maat does). A pair is listed once, `first` being the file with
  fewer such commits, so `confidence` = support / commits of `first`, the stronger direction.
- Knowledge: a file's (or the component's) added lines in the recent window by author, or over all
  history when the window has none; the top author's share, and the bus factor: the fewest authors
  whose lines cover more than half. Bots and agents are left out.
- Author turnover: share of the previous window's human authors with no commit in the recent one.
- Agent change share: the recent window's commits (that changed a file not left out) an AI coding
  agent authored or co-authored, divided by all of them.
- Excluded paths (lockfiles, vendored, generated: `codehealth_patterns.DEFAULT_EXCLUDES`) count
  for nothing but a renamed file's identity, and are not shown."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from charter.analysis.codehealth.authors import AuthorKind
from charter.analysis.codehealth.history import FileAggregate, FileChangeRow, HistoryFolder, MinedHistory
from charter.analysis.codehealth.mainline import Mainline
from charter.analysis.codehealth.patterns import DEFAULT_EXCLUDES, compile_path_globs

__all__ = [
    "DEFAULT_EXCLUDES",
    "AutomatedChanges",
    "CodeHealth",
    "CodeHealthOptions",
    "Coupling",
    "FileChangeRow",
    "FileHealth",
    "Knowledge",
    "KnowledgeBasis",
    "Mainline",
    "StaleCoupling",
    "analyze_code_health",
    "knowledge",
]

HOTSPOT_DECILE = 0.1


@dataclass(frozen=True, slots=True)
class CodeHealthOptions:
    """`today` is the end of the recent window, and of the history read (a change made after it is
    not counted); `exclude` None means `DEFAULT_EXCLUDES` and an empty sequence excludes nothing."""

    today: datetime
    window_days: int = 365
    exclude: Sequence[str] | None = None
    max_changeset_size: int = 50
    min_support: int = 3
    top_couplings: int = 50

    @property
    def window_start(self) -> datetime:
        return self.today - timedelta(days=self.window_days)

    @property
    def previous_window_start(self) -> datetime:
        return self.today - timedelta(days=2 * self.window_days)


class KnowledgeBasis(StrEnum):
    RECENT = "recent"  # lines added in the recent window
    ALL_HISTORY = "all_history"  # none in the window: lines added over all history
    NONE = "none"  # no human has added a line


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Who holds the knowledge of a file or component. All None when no human added a line."""

    basis: KnowledgeBasis
    authors: int
    top_author: str | None
    top_author_share: float | None
    bus_factor: int | None


@dataclass(frozen=True, slots=True)
class FileHealth:
    path: str
    lines: int | None  # at the head; None for a binary file
    commits: int
    commits_in_window: int
    churn_in_window: int  # lines added + deleted in the recent window
    last_changed: datetime | None  # None: no commit of the default branch changed it (a merge made it)
    age_days: int | None  # whole days from the last change to `today`
    hotspot_score: int | None  # None for a binary file
    hotspot: bool
    knowledge: Knowledge


@dataclass(frozen=True, slots=True)
class Coupling:
    first: str
    second: str
    support: int
    confidence: float  # support / first_commits
    first_commits: int
    second_commits: int


@dataclass(frozen=True, slots=True)
class StaleCoupling:
    """A file not changed in the recent window that changes together with a current hotspot."""

    stale_path: str
    hotspot_path: str
    support: int
    confidence: float  # support / commits of the stale file: how often it changed with the hotspot
    stale_last_changed: datetime
    stale_age_days: int


@dataclass(frozen=True, slots=True)
class AutomatedChanges:
    """The recent window's commits one bot or agent made (for an agent: authored or co-authored)."""

    label: str
    kind: AuthorKind
    commits: int


@dataclass(frozen=True, slots=True)
class CodeHealth:
    """One component's code health. `files` are the files at the head of the default branch, hottest
    first. `window_commits` and `agent_commits` (the recent window's, by sha) let teams and the
    organisation count a commit once however many of their components it changed."""

    today: datetime
    window_start: datetime
    files: tuple[FileHealth, ...]
    hotspot_count: int | None  # None when there is no file at all
    churn_in_window: int
    churn: int
    couplings: tuple[Coupling, ...]
    stale_couplings: tuple[StaleCoupling, ...]
    knowledge: Knowledge
    previous_authors: int
    departed_authors: int
    author_turnover: float | None  # None when the previous window had no author
    window_commits: frozenset[str]
    agent_commits: frozenset[str]
    automated_changes: tuple[AutomatedChanges, ...]  # most commits first

    @property
    def agent_change_share(self) -> float | None:
        """Agent commits ÷ commits in the recent window; None when the window has none."""
        return agent_change_share(len(self.agent_commits), len(self.window_commits))

    @property
    def hotspots(self) -> tuple[FileHealth, ...]:
        return tuple(file for file in self.files if file.hotspot)

    def metric_values(self) -> dict[str, float | None]:
        """The values under the metric registry's names (`analysis/metrics.py`), None for no data."""
        return {
            "code_health.hotspot_count": None if self.hotspot_count is None else float(self.hotspot_count),
            "code_health.bus_factor": None if self.knowledge.bus_factor is None else float(self.knowledge.bus_factor),
            "code_health.knowledge_concentration": self.knowledge.top_author_share,
            "code_health.author_turnover": self.author_turnover,
            "code_health.agent_change_share": self.agent_change_share,
        }


def agent_change_share(agent_commits: int, commits: int) -> float | None:
    return agent_commits / commits if commits else None


@dataclass(frozen=True, slots=True)
class _HeadFile:
    """A file at the head: its lines there, and what the default branch's history says about it."""

    path: str
    lines: int | None
    history: FileAggregate

    @property
    def score(self) -> int | None:
        return None if self.lines is None else self.history.commits_in_window * self.lines


def analyze_code_health(
    rows: Iterable[FileChangeRow],
    head_files: Mapping[str, int | None],
    mainline: Mainline,
    options: CodeHealthOptions,
) -> CodeHealth:
    """`head_files`: the component's files at the head of the default branch and their lines (None:
    binary). Rows: `(sha, path, old_path, additions, deletions, author_email, authored_at)` of the
    component, ordered by `authored_at` (a ValueError says which row is out of order); read once;
    those of commits not in `mainline` are skipped."""
    is_excluded = compile_path_globs(DEFAULT_EXCLUDES if options.exclude is None else options.exclude)
    folder = HistoryFolder(
        options.window_start,
        options.previous_window_start,
        is_excluded,
        mainline,
        options.max_changeset_size,
        until=options.today,
    )
    history = folder.fold(rows)
    current = {
        path: _HeadFile(path, lines, history.files.get(path) or FileAggregate(path))
        for path, lines in head_files.items()
        if not is_excluded(path)
    }
    hot_paths = _hotspot_paths(current)
    files = tuple(sorted((_file_health(file, options.today, hot_paths) for file in current.values()), key=_hottest))
    couplings = _couplings(history, current, options.min_support)
    departed = history.previous_authors - history.recent_authors
    agent_commits = frozenset(sha for sha in history.window_commits if mainline.agent(sha) is not None)
    return CodeHealth(
        today=options.today,
        window_start=options.window_start,
        files=files,
        hotspot_count=len(hot_paths) if current else None,
        churn_in_window=history.churn_in_window,
        churn=history.churn,
        couplings=tuple(couplings[: options.top_couplings]),
        stale_couplings=_stale_couplings(couplings, current, hot_paths, options),
        knowledge=knowledge(history.recent_lines_by_author, history.lines_by_author),
        previous_authors=len(history.previous_authors),
        departed_authors=len(departed),
        author_turnover=len(departed) / len(history.previous_authors) if history.previous_authors else None,
        window_commits=history.window_commits,
        agent_commits=agent_commits,
        automated_changes=_automated_changes(history.window_commits, mainline),
    )


def _automated_changes(window_commits: Iterable[str], mainline: Mainline) -> tuple[AutomatedChanges, ...]:
    counts: Counter[tuple[str, AuthorKind]] = Counter()
    for sha in window_commits:
        made_by = mainline.agent(sha) or mainline.authored_by.get(sha)
        if made_by is not None:
            counts[made_by.label, made_by.kind] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    return tuple(AutomatedChanges(label, kind, commits) for (label, kind), commits in ranked)


def _hotspot_paths(files: Mapping[str, _HeadFile]) -> frozenset[str]:
    scores = {path: score for path, file in files.items() if (score := file.score)}
    if not scores:
        return frozenset()
    ranked = sorted(scores.values(), reverse=True)
    threshold = ranked[math.ceil(len(ranked) * HOTSPOT_DECILE) - 1]
    return frozenset(path for path, score in scores.items() if score >= threshold)


def _age_days(today: datetime, moment: datetime) -> int:
    return max((today - moment).days, 0)


def _file_health(file: _HeadFile, today: datetime, hot_paths: frozenset[str]) -> FileHealth:
    history = file.history
    return FileHealth(
        path=file.path,
        lines=file.lines,
        commits=history.commits,
        commits_in_window=history.commits_in_window,
        churn_in_window=history.churn_in_window,
        last_changed=history.last_changed,
        age_days=None if history.last_changed is None else _age_days(today, history.last_changed),
        hotspot_score=file.score,
        hotspot=file.path in hot_paths,
        knowledge=knowledge(history.recent_lines_by_author, history.lines_by_author),
    )


def _hottest(file: FileHealth) -> tuple[int, int, str]:
    return (-(file.hotspot_score or 0), -file.commits_in_window, file.path)


def knowledge(recent_lines_by_author: Mapping[str, int], lines_by_author: Mapping[str, int]) -> Knowledge:
    """Top author's share and bus factor of recent added lines, else of all added lines."""
    if sum(recent_lines_by_author.values()) > 0:
        basis, lines = KnowledgeBasis.RECENT, recent_lines_by_author
    elif sum(lines_by_author.values()) > 0:
        basis, lines = KnowledgeBasis.ALL_HISTORY, lines_by_author
    else:
        return Knowledge(KnowledgeBasis.NONE, 0, None, None, None)
    ranked = sorted(lines.items(), key=lambda item: (-item[1], item[0]))
    total = sum(count for _, count in ranked)
    covered = bus_factor = 0
    for _, count in ranked:
        covered += count
        bus_factor += 1
        if 2 * covered > total:
            break
    top_author, top_lines = ranked[0]
    return Knowledge(basis, len(ranked), top_author, top_lines / total, bus_factor)


def _couplings(history: MinedHistory, current: Mapping[str, _HeadFile], min_support: int) -> list[Coupling]:
    """All pairs of existing files with at least `min_support`, strongest first."""
    couplings = []
    for one, other, support in history.pair_support(min_support):
        if one not in current or other not in current:
            continue
        first, second = sorted(
            (current[one].history, current[other].history), key=lambda file: (file.coupling_commits, file.path)
        )
        couplings.append(
            Coupling(
                first=first.path,
                second=second.path,
                support=support,
                confidence=support / first.coupling_commits,
                first_commits=first.coupling_commits,
                second_commits=second.coupling_commits,
            )
        )
    couplings.sort(key=lambda coupling: (-coupling.support, -coupling.confidence, coupling.first, coupling.second))
    return couplings


def _stale_couplings(
    couplings: Sequence[Coupling],
    current: Mapping[str, _HeadFile],
    hot_paths: frozenset[str],
    options: CodeHealthOptions,
) -> tuple[StaleCoupling, ...]:
    def stale(path: str) -> bool:
        last_changed = current[path].history.last_changed
        return last_changed is not None and last_changed < options.window_start

    found = []
    for coupling in couplings:
        for stale_path, hotspot_path in ((coupling.first, coupling.second), (coupling.second, coupling.first)):
            if hotspot_path in hot_paths and stale(stale_path):
                stale_file = current[stale_path].history
                assert stale_file.last_changed is not None
                found.append(
                    StaleCoupling(
                        stale_path=stale_path,
                        hotspot_path=hotspot_path,
                        support=coupling.support,
                        confidence=coupling.support / stale_file.coupling_commits,
                        stale_last_changed=stale_file.last_changed,
                        stale_age_days=_age_days(options.today, stale_file.last_changed),
                    )
                )
    found.sort(key=lambda item: (-item.support, -item.confidence, item.stale_path, item.hotspot_path))
    return tuple(found)
