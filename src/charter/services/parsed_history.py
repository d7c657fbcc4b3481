"""The history a sync has just mined from the start, kept as it was parsed, so that the same sync
links deployments and measures code health without reading back what it has just written.

A repository mined from the start (`full`: a fresh store, or history rewritten) has in the store
exactly the commits and file changes its log gave, all written by this sync in one transaction. Its
batches are taken in here while git still writes the log, turned into the rows the store's readers
return (`store/git_history.py`: `read_commit_graph` as the graph linking walks, `read_commit_authors`,
`read_file_changes`, times as the store gives them back), so the work is done while the process
waits for git. The file changes are ordered as `read_file_changes` orders them: by the stored time,
ties in the order they were written. Beyond `MAX_FILE_CHANGES` rows in all, a history is not kept
(the readers stream from the store, in memory that does not grow with history) and the readers are
used as before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from operator import itemgetter
from typing import Any

from charter.analysis.delivery.ancestry import CommitNode
from charter.model.git_records import CommitBatch, DefaultBranch
from charter.store.deployments import stored_utc
from charter.store.git_history import CommitAuthorRow, FileChangeRow

# What is kept costs a few hundred bytes a file change (16 MB of tuples for a history of 28,000
# commits and 46,035 file changes, beside the strings they keep): up to 500,000 file changes, about
# 100,000 commits, is kept; beyond that the store's streaming readers are used.
MAX_FILE_CHANGES = 500_000


class ParsedHistory:
    """One repository's history as the sync parsed and wrote it (see the module). `add` takes each
    batch in the order it was written; `complete` is False once the history outgrew what is kept."""

    def __init__(self, repository: str, max_file_changes: int = MAX_FILE_CHANGES) -> None:
        self.repository = repository
        self.complete = True
        # The default branch and its files at the head (path: lines), as the mining read them and
        # wrote them with the commits; None when it did not read them.
        self.head: tuple[DefaultBranch | None, dict[str, int | None]] | None = None
        self.graph: dict[str, CommitNode] = {}
        self.authors: list[CommitAuthorRow] = []
        self._changes: list[tuple[Any, FileChangeRow]] = []
        self._max_file_changes = max_file_changes

    def add(self, batch: CommitBatch) -> None:
        """Take in one batch of written rows (times as the store binds them). Flat on purpose: it
        runs for every commit and file while git writes."""
        if not self.complete:
            return
        if len(self._changes) + len(batch.files) > self._max_file_changes:
            self._drop()
            return
        times: dict[Any, datetime] = {}
        graph, authors = self.graph, self.authors
        for _, sha, parents, name, email, authored, _, is_merge, _, _, _, co_authors in batch.commits:
            moment = times.get(authored)
            if moment is None:
                moment = times[authored] = stored_utc(authored)
            graph[sha] = CommitNode(tuple(parents.split()), moment, bool(is_merge))
            authors.append((sha, parents, name, email, co_authors))
        # A file's time is its commit's, and a batch holds the files of its own commits.
        self._changes.extend(
            [
                (authored, (sha, path, old_path, additions, deletions, email, times[authored]))
                for _, sha, path, old_path, additions, deletions, email, authored in batch.files
            ]
        )

    @property
    def size(self) -> int:
        """The file changes kept."""
        return len(self._changes)

    def file_changes(self) -> list[FileChangeRow]:
        """Every file change, oldest first, as `read_file_changes` gives them for the whole repository."""
        ordered = sorted(self._changes, key=_STORED_TIME)
        return [row for _, row in ordered]

    def _drop(self) -> None:
        self.complete = False
        self.graph, self.authors, self._changes = {}, [], []


_STORED_TIME = itemgetter(0)


class ParsedHistories:
    """The histories of the repositories a sync mined from the start, by name; given to the writer,
    which starts one per such repository and keeps it only when its transaction is committed."""

    def __init__(self, max_file_changes: int = MAX_FILE_CHANGES) -> None:
        self._kept: dict[str, ParsedHistory] = {}
        self._room = max_file_changes  # for every repository together

    def start(self, repository: str) -> ParsedHistory:
        return ParsedHistory(repository, self._room)

    def keep(self, history: ParsedHistory) -> None:
        if history.complete:
            self._kept[history.repository] = history
            self._room -= history.size

    def get(self, repository: str) -> ParsedHistory | None:
        return self._kept.get(repository)

    def __iter__(self) -> Iterator[ParsedHistory]:
        return iter(list(self._kept.values()))
