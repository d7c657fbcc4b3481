"""Git history on its way into the store: the rows a parsed `git log` gives (commits and the files
they changed, in the store's column order) and what one mining of one repository hands the store."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from charter.model.delivery import TagRecord

# How the store wants a time: called with Unix seconds, once per commit (twice when the committer time
# differs from the author's).
Stamp = Callable[[int], Any]

# (repository, sha, parents space-separated, author name, author email (after `.mailmap`), authored at,
# committed at, is a merge, lines added and deleted over text files, files changed, the message's
# `Co-authored-by` trailers one a line ("" when none))
CommitRow = tuple[str, str, str, str, str, Any, Any, bool, int, int, int, str]
# (repository, sha, path, old path of a rename or None, lines added, lines deleted (None: binary),
# author email, authored at): the author is repeated so code health reads files without a join.
FileRow = tuple[str, str, str, str | None, int | None, int | None, str, Any]


# (path, lines): a file at the head of the default branch and its lines as git counts them (a last
# line without a newline counts), None for a binary file.
HeadFileRow = tuple[str, int | None]


class DefaultBranch(NamedTuple):
    """The branch code health describes: its ref (`refs/heads/main`, `refs/remotes/origin/main`, or
    `HEAD` when detached) and the commit at its head."""

    ref: str
    sha: str


class CommitBatch(NamedTuple):
    """The commits parsed from one stretch of the log, and the files they changed, as store rows."""

    commits: list[CommitRow]
    files: list[FileRow]


def seconds(value: int) -> int:
    """The default stamp: times stay Unix seconds."""
    return value


class MinedHistory(Protocol):
    """One mining of one repository, as the store writes it. `changed` is False when the refs equal
    the ones stored (nothing to write); `full` means replace everything stored for the repository.
    `batches` gives the new commits a stretch at a time, each time turned into what the store binds
    by `stamp`; it raises when the mining behind it failed, so the writer's transaction rolls back.
    `default_branch` is the branch code health describes (None: the repository has no commit);
    `head_files` its files at the head, when they differ from the ones stored (None: unchanged)."""

    @property
    def name(self) -> str: ...

    @property
    def location(self) -> str: ...

    @property
    def refs(self) -> Mapping[str, str]: ...

    @property
    def full(self) -> bool: ...

    @property
    def changed(self) -> bool: ...

    @property
    def tags(self) -> Sequence[TagRecord]: ...

    @property
    def default_branch(self) -> DefaultBranch | None: ...

    @property
    def head_files(self) -> Sequence[HeadFileRow] | None: ...

    def batches(self, stamp: Stamp = seconds) -> Iterator[CommitBatch]: ...
