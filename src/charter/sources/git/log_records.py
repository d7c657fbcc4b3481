"""The commit log as Charter asks git for it (`LOG_OPTIONS`), parsed into rows ready for the store.

Git writes the log to a file (or a pipe) and this parser takes it in chunks, in whatever sizes they
come: it splits off the complete commit records, decodes them once, and builds each commit's row and
its files' rows in their final column order, so the store hands them to the database as they are.
Splitting and decoding are done by `str` methods over a whole chunk; Python touches each commit and
each file once. That matters: git computing the diffs is the floor, and everything here runs on the
same cores as git."""

from __future__ import annotations

import re
from collections.abc import Iterable

from charter.model.git_records import CommitBatch, Stamp, seconds

# One record per commit: a record-separator byte, then NUL-separated fields (the last: the message's
# `Co-authored-by` trailers, one a line, the key matched case-insensitively as git does); with -z every
# numstat entry is NUL-terminated too (the first one after a newline), and a rename is
# `added\tdeleted\t` NUL `old path` NUL `new path`.
COMMIT_FORMAT = (
    "%x1e%H%x00%P%x00%aN%x00%aE%x00%at%x00%ct%x00%(trailers:key=Co-authored-by,valueonly,unfold,separator=%x0a)"
)
# Options that pin the output, whatever the user's git configuration says (signatures, merge diffs,
# text conversion filters, colour). `--numstat` of a merge stays empty: its changes are its parents'.
LOG_OPTIONS = (
    "log",
    "-z",
    "--numstat",
    "-M",
    "--no-diff-merges",
    "--diff-algorithm=myers",
    "--no-show-signature",
    "--no-textconv",
    "--no-color",
    f"--format={COMMIT_FORMAT}",
)
_HEADER_FIELDS = 7

# A record starts with the separator, then a full object name (SHA-1 or SHA-256) and a NUL: a separator
# byte inside an author's name is not taken for the start of a commit.
_RECORD_START = re.compile("\x1e(?=[0-9a-f]{40}\0|[0-9a-f]{64}\0)")
RECORD_START_BYTES = re.compile(b"\x1e(?:[0-9a-f]{40}|[0-9a-f]{64})\0")


class UnreadableLog(ValueError):
    """Git's output is not in the shape `LOG_OPTIONS` asks for."""


class LogParser:
    """Parses a log of one repository fed in chunks: `feed` returns the commits completed so far,
    `close` the rest. `commits` counts what was returned. With `limit`, the first `limit` commits
    only: once they are returned, `full` is True and whatever follows is left unread."""

    def __init__(self, repository: str, stamp: Stamp = seconds, limit: int | None = None) -> None:
        self.repository = repository
        self.stamp = stamp
        self.commits = 0
        self.limit = limit
        self._pending = bytearray()

    @property
    def full(self) -> bool:
        return self.limit is not None and self.commits >= self.limit

    def feed(self, data: bytes) -> CommitBatch:
        if self.full:
            return CommitBatch([], [])
        self._pending += data
        cut = _last_record_start(self._pending)
        if cut <= 0:
            return CommitBatch([], [])
        text = self._pending[:cut].decode(errors="replace")
        del self._pending[:cut]
        return self._parse(text)

    def close(self) -> CommitBatch:
        text = "" if self.full else self._pending.decode(errors="replace")
        self._pending.clear()
        return self._parse(text)

    def _parse(self, text: str) -> CommitBatch:
        records = _RECORD_START.split(text)
        if records[0].strip("\0\n"):
            raise UnreadableLog(f"git log output does not start with a commit: {records[0][:80]!r}")
        batch = CommitBatch([], [])
        wanted = records[1:] if self.limit is None else records[1 : 1 + self.limit - self.commits]
        for record in wanted:
            try:
                self._add_record(record, batch)
            except UnreadableLog:
                raise
            except (ValueError, IndexError) as error:  # a time that is not a number, a numstat entry cut short
                raise UnreadableLog(f"{error} in the commit record {record[:80]!r}") from error
        self.commits += len(batch.commits)
        return batch

    def _add_record(self, record: str, batch: CommitBatch) -> None:
        fields = record.split("\0")
        if len(fields) < _HEADER_FIELDS:
            raise UnreadableLog(f"a commit record with {len(fields)} fields: {record[:80]!r}")
        repository, stamp = self.repository, self.stamp
        sha, parents, name, email, authored_text, committed_text, co_authors = fields[:_HEADER_FIELDS]
        authored = stamp(int(authored_text))
        committed = authored if committed_text == authored_text else stamp(int(committed_text))
        additions = deletions = changed = 0
        files = batch.files
        tokens = fields[_HEADER_FIELDS:]
        if tokens and tokens[0][:1] == "\n":
            tokens[0] = tokens[0][1:]
        index, count = 0, len(tokens)
        while index < count:
            token = tokens[index]
            index += 1
            if not token:
                continue
            added, deleted, path = token.split("\t", 2)
            old_path = None
            if not path:
                # A rename: the old and the new path follow, taken as they come, whatever bytes they hold.
                old_path, path = tokens[index], tokens[index + 1]
                index += 2
            if added == "-":
                files.append((repository, sha, path, old_path, None, None, email, authored))
            else:
                added_lines, deleted_lines = int(added), int(deleted)
                additions += added_lines
                deletions += deleted_lines
                files.append((repository, sha, path, old_path, added_lines, deleted_lines, email, authored))
            changed += 1
        batch.commits.append(
            (
                repository,
                sha,
                parents,
                name,
                email,
                authored,
                committed,
                " " in parents,
                additions,
                deletions,
                changed,
                co_authors,
            )
        )


def parse_log(repository: str, chunks: Iterable[bytes], stamp: Stamp = seconds) -> CommitBatch:
    """A whole log at once (tests and small histories)."""
    parser = LogParser(repository, stamp)
    whole = CommitBatch([], [])
    for chunk in chunks:
        _extend(whole, parser.feed(chunk))
    _extend(whole, parser.close())
    return whole


def _extend(whole: CommitBatch, part: CommitBatch) -> None:
    whole.commits.extend(part.commits)
    whole.files.extend(part.files)


def _last_record_start(buffer: bytearray) -> int:
    """Where the last commit record that has begun starts: everything before it is complete. A record
    whose object name has not fully arrived is not recognised yet, so an earlier one is taken."""
    position = len(buffer)
    while (position := buffer.rfind(b"\x1e", 0, position)) > 0:
        if RECORD_START_BYTES.match(buffer, position):
            return position
    return 0
