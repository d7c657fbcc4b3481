"""One pass over a component's file-change rows, folded into per-file aggregates, co-change pair
counts and per-component author totals, so memory grows with files, authors and pairs, never rows.
Rows of commits that are not on the default branch count for nothing.

Renames are followed as they come: a row with `old_path` moves that file's identity to its new path,
so its history continues under its newest name, and a later file created at the old path is a new
file. When a rename lands on a path that already has history (a path reused, or rows out of
topological order, as rebases leave them), the two histories are joined and resolved at the end
(union-find), so the pair counts and aggregates stay keyed by a cheap integer while streaming."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

from charter.analysis.codehealth.mainline import Mainline

# (sha, path, old_path, additions, deletions, author_email, authored_at); binary files have no counts.
FileChangeRow = tuple[str, str, str | None, int | None, int | None, str, datetime]


@dataclass(slots=True)
class FileAggregate:
    """What history says about one file, under its newest path (its size is the head's, not history's)."""

    path: str
    last_changed: datetime | None = None
    commits: int = 0
    commits_in_window: int = 0
    coupling_commits: int = 0
    churn_in_window: int = 0
    recent_lines_by_author: dict[str, int] = field(default_factory=dict)
    lines_by_author: dict[str, int] = field(default_factory=dict)

    def absorb(self, other: FileAggregate) -> None:
        if other.last_changed is not None and (self.last_changed is None or other.last_changed > self.last_changed):
            self.last_changed = other.last_changed
        self.commits += other.commits
        self.commits_in_window += other.commits_in_window
        self.coupling_commits += other.coupling_commits
        self.churn_in_window += other.churn_in_window
        _add_counts(self.recent_lines_by_author, other.recent_lines_by_author)
        _add_counts(self.lines_by_author, other.lines_by_author)


def _add_counts(into: dict[str, int], counts: dict[str, int]) -> None:
    for author, lines in counts.items():
        into[author] = into.get(author, 0) + lines


@dataclass(frozen=True, slots=True)
class MinedHistory:
    """The folded history: files by newest path, co-change support by pair of file ids (`paths` names
    them), the component's human authors' added lines and who committed in the recent and previous
    windows, and the commits of the recent window (that changed a file not left out)."""

    files: dict[str, FileAggregate]
    paths: tuple[str, ...]
    id_pair_support: Counter[tuple[int, int]]
    recent_lines_by_author: dict[str, int]
    lines_by_author: dict[str, int]
    recent_authors: frozenset[str]
    previous_authors: frozenset[str]
    churn_in_window: int
    churn: int
    window_commits: frozenset[str]

    def pair_support(self, min_support: int) -> Iterator[tuple[str, str, int]]:
        """Pairs of paths changed together in at least `min_support` commits, with that count."""
        paths = self.paths
        for (first_id, second_id), support in self.id_pair_support.items():
            if support >= min_support:
                yield paths[first_id], paths[second_id], support


class HistoryFolder:
    """Folds rows ordered by `authored_at` (ties in any order) up to `until` (None: all of them):
    the history as it stood at the end of the recent window, so that code health as of a past day
    (`--as-of`, a backfilled snapshot) counts no change made after it. Rows of excluded paths only
    move a file's identity; bots and agents count as changes but not as people."""

    def __init__(
        self,
        window_start: datetime,
        previous_window_start: datetime,
        is_excluded: Callable[[str], bool],
        mainline: Mainline,
        max_changeset_size: int,
        until: datetime | None = None,
    ) -> None:
        self._until = until
        self._window_start = window_start
        self._previous_window_start = previous_window_start
        self._is_excluded = is_excluded
        self._mainline = mainline
        self._max_changeset_size = max_changeset_size
        self._path_ids: dict[str, int] = {}
        self._parents: list[int] = []
        self._files: list[FileAggregate] = []
        self._id_pairs: Counter[tuple[int, int]] = Counter()
        self._recent_lines_by_author: dict[str, int] = {}
        self._lines_by_author: dict[str, int] = {}
        self._recent_authors: set[str] = set()
        self._previous_authors: set[str] = set()
        self._churn_in_window = 0
        self._churn = 0
        self._window_commits: set[str] = set()

    def fold(self, rows: Iterable[FileChangeRow]) -> MinedHistory:
        self._fold_rows(rows)
        return self._resolved()

    def _fold_rows(self, rows: Iterable[FileChangeRow]) -> None:
        # The hot loop, kept flat on purpose: locals and caches, no calls per row but the rare ones.
        excluded_paths: dict[str, bool] = {}
        on_mainline, automated = self._mainline.commits, self._mainline.authored_by
        path_ids = self._path_ids
        files = self._files
        window_start, previous_window_start, until = self._window_start, self._previous_window_start, self._until
        recent_by_author, all_by_author = self._recent_lines_by_author, self._lines_by_author
        recent_authors, previous_authors = self._recent_authors, self._previous_authors
        # Files per commit, for the commits sharing the current author time: rows of one commit share
        # it, so a commit is complete once time moves on.
        changesets: dict[str, list[int]] = {}
        current_time: datetime | None = None
        in_window = in_previous_window = False
        churn_in_window = churn = 0
        for sha, path, old_path, additions, deletions, author, authored_at in rows:
            if authored_at != current_time:
                if current_time is not None and authored_at < current_time:
                    raise ValueError(
                        f"file-change rows must be ordered by authored_at: {sha} at {authored_at.isoformat()} "
                        f"comes after {current_time.isoformat()}"
                    )
                if until is not None and authored_at > until:
                    break  # made after the day: the rest are later still
                self._count_changesets(changesets, in_window)
                changesets = {}
                current_time = authored_at
                in_window = authored_at >= window_start
                in_previous_window = not in_window and authored_at >= previous_window_start
            if sha not in on_mainline:
                continue
            if old_path and old_path != path:
                file_id = self._rename(old_path, path)
            else:
                file_id = path_ids.get(path, -1)
                if file_id < 0:
                    file_id = self._new_file(path)
            aggregate = files[file_id]
            aggregate.last_changed = authored_at
            if additions is None or deletions is None:  # binary
                additions = deletions = 0
            excluded = excluded_paths.get(path)
            if excluded is None:
                excluded = excluded_paths[path] = self._is_excluded(path)
            if excluded:
                continue
            changed = additions + deletions
            churn += changed
            aggregate.commits += 1
            changeset = changesets.get(sha)
            if changeset is None:
                changesets[sha] = [file_id]
            else:
                changeset.append(file_id)
            human = sha not in automated
            if in_window:
                aggregate.commits_in_window += 1
                aggregate.churn_in_window += changed
                churn_in_window += changed
                if human:
                    recent_authors.add(author)
                    if additions:
                        by_author = aggregate.recent_lines_by_author
                        by_author[author] = by_author.get(author, 0) + additions
                        recent_by_author[author] = recent_by_author.get(author, 0) + additions
            elif in_previous_window and human:
                previous_authors.add(author)
            if human and additions:
                by_author = aggregate.lines_by_author
                by_author[author] = by_author.get(author, 0) + additions
                all_by_author[author] = all_by_author.get(author, 0) + additions
        self._count_changesets(changesets, in_window)
        self._churn_in_window += churn_in_window
        self._churn += churn

    def _new_file(self, path: str) -> int:
        file_id = len(self._files)
        self._files.append(FileAggregate(path))
        self._parents.append(file_id)
        self._path_ids[path] = file_id
        return file_id

    def _rename(self, old_path: str, path: str) -> int:
        old_id = self._path_ids.pop(old_path, -1)
        new_id = self._path_ids.get(path, -1)
        if old_id < 0:
            return new_id if new_id >= 0 else self._new_file(path)
        if new_id >= 0:
            self._join(old_id, new_id)
            return new_id
        self._path_ids[path] = old_id
        self._files[self._root(old_id)].path = path
        return old_id

    def _root(self, file_id: int) -> int:
        parents = self._parents
        while parents[file_id] != file_id:
            parents[file_id] = parents[parents[file_id]]
            file_id = parents[file_id]
        return file_id

    def _join(self, old_id: int, new_id: int) -> None:
        """Both histories become one, named by the new path (each group has one bound path, its root's)."""
        old_root, new_root = self._root(old_id), self._root(new_id)
        if old_root != new_root:
            self._parents[old_root] = new_root

    def _count_changesets(self, changesets: dict[str, list[int]], in_window: bool) -> None:
        files, pairs, limit = self._files, self._id_pairs, self._max_changeset_size
        if in_window:
            self._window_commits.update(changesets)
        for file_ids in changesets.values():
            changed = sorted(set(file_ids))
            if len(changed) > limit:  # a bulk change (reformat, licence header, move) says nothing about coupling
                continue
            for file_id in changed:
                files[file_id].coupling_commits += 1
            if len(changed) > 1:
                pairs.update(combinations(changed, 2))

    def _resolved(self) -> MinedHistory:
        roots = [self._root(file_id) for file_id in range(len(self._files))]
        by_root: dict[int, FileAggregate] = {}
        for file_id, root in enumerate(roots):
            merged = by_root.setdefault(root, self._files[root])
            if file_id != root:
                merged.absorb(self._files[file_id])
        id_pairs = self._id_pairs
        if any(file_id != root for file_id, root in enumerate(roots)):
            id_pairs = Counter()
            for (first_id, second_id), support in self._id_pairs.items():
                first_root, second_root = roots[first_id], roots[second_id]
                if first_root != second_root:
                    id_pairs[min(first_root, second_root), max(first_root, second_root)] += support
        return MinedHistory(
            files={aggregate.path: aggregate for aggregate in by_root.values()},
            paths=tuple(self._files[root].path for root in roots),
            id_pair_support=id_pairs,
            recent_lines_by_author=self._recent_lines_by_author,
            lines_by_author=self._lines_by_author,
            recent_authors=frozenset(self._recent_authors),
            previous_authors=frozenset(self._previous_authors),
            churn_in_window=self._churn_in_window,
            churn=self._churn,
            window_commits=frozenset(self._window_commits),
        )
