"""The limits every importer reads within, one set for all: how large a file may be, how long a line,
how deep a JSON document nests, and which times are believable. Input past a limit is refused with
an IMP001 naming the file, where reading stopped and the limit, so that hostile or broken input
(an endless pipe, a 2 GB line, JSON nested 50,000 deep, a scan dated 9999) costs bounded work and
never becomes a fact."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from charter.model.diagnostics import Diagnostic

# A file is read at most this far (gzip: after decompressing). `CHARTER_IMPORT_MAX_BYTES` lowers
# or raises it (bytes).
MAX_FILE_BYTES = 1024 * 1024 * 1024
# A JSON document that is parsed whole; the findings reader streams a larger one instead.
# `CHARTER_FINDINGS_WHOLE_JSON_LIMIT` (sources.findings.jsonstream) moves the streaming threshold.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
# A line of a JSON Lines or CSV file (a CSV field quoted over several lines counts each line).
MAX_LINE_BYTES = 1024 * 1024
# Arrays and objects inside each other.
MAX_JSON_DEPTH = 512
# Events in one SLI sample or one minute: past 10^15 a float64 no longer holds every integer, and
# no service serves that many requests in a minute.
MAX_EVENT_COUNT = 1e15
# How far into the future a time may be (clocks disagree) before it is refused as a poisoned fact.
CLOCK_SKEW = timedelta(days=1)
# Before this no tool Charter reads wrote anything (the earliest: git, 2005; CVE ids, 1999).
EARLIEST_TIME = datetime(1990, 1, 1, tzinfo=UTC)
SIZE_VARIABLE = "CHARTER_IMPORT_MAX_BYTES"
_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"


def max_file_bytes() -> int:
    configured = os.environ.get(SIZE_VARIABLE, "").strip()
    return int(configured) if configured.isdigit() else MAX_FILE_BYTES


def size_text(count: int) -> str:
    """`32 MiB`, `1 GiB`, `512 bytes`."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            return f"{count / size:.4g} {unit}"
    return f"{count} bytes"


class LimitExceeded(Exception):
    """Input past a limit; the reader turns it into IMP001 (raised as ImportFileError)."""

    def __init__(self, reason: str, line: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def too_large(size: int, limit: int, what: str = "file") -> LimitExceeded:
    return LimitExceeded(f"the {what} is larger than {size_text(limit)} (read {size_text(size)} and stopped)")


def too_long_line(line: int) -> LimitExceeded:
    return LimitExceeded(f"line {line} is longer than {size_text(MAX_LINE_BYTES)}", line)


def too_deep() -> LimitExceeded:
    return LimitExceeded(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")


def nested_deeper_than(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a parsed JSON value nests arrays and objects more than `limit` levels deep. Walks the
    containers level by level, without recursion (three times faster than a stack of pairs)."""
    level = [value] if type(value) is dict or type(value) is list else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [
            child
            for container in level
            for child in (container.values() if type(container) is dict else container)
            if type(child) is dict or type(child) is list
        ]
    return False


def bounded_lines(handle: Any, start: int = 1) -> Iterator[tuple[int, bytes]]:
    """Each line of a binary handle with its number, line ends kept; LimitExceeded on a line longer
    than MAX_LINE_BYTES or when the file passes max_file_bytes(). Reads a bounded amount per line, so
    an endless line (/dev/zero) stops at the limit."""
    limit = max_file_bytes()
    read = 0
    number = start - 1
    while True:
        line = handle.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        read += len(line)
        if len(line) > MAX_LINE_BYTES:
            raise too_long_line(number)
        if read > limit:
            raise too_large(read, limit)
        yield number, line


def read_bounded(handle: Any, limit: int, what: str = "file") -> bytes:
    """All of a binary handle, or LimitExceeded once it passes `limit` bytes."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise too_large(len(data), limit, what)
    return bytes(data)


# Times ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Era:
    """The times a fact of one kind can have: not before `earliest` (before the format existed), not
    after now plus CLOCK_SKEW."""

    earliest: datetime = EARLIEST_TIME

    def problem(self, moment: datetime, now: datetime | None = None) -> str | None:
        """Why the time cannot be a fact of this kind, or None."""
        latest = (now or datetime.now(UTC)) + CLOCK_SKEW
        if moment > latest:
            return f"{moment.isoformat()} is in the future (after {latest.isoformat(timespec='seconds')})"
        if moment < self.earliest:
            return f"{moment.isoformat()} is before {self.earliest.date().isoformat()}, when no such record existed"
        return None

    def date_problem(self, day: date, now: datetime | None = None) -> str | None:
        return self.problem(datetime(day.year, day.month, day.day, tzinfo=UTC), now)


ANY_TIME = Era()
# CISA published the KEV catalog from 3 November 2021; FIRST's EPSS scores from April 2021.
KEV_ERA = Era(datetime(2021, 11, 3, tzinfo=UTC))
EPSS_ERA = Era(datetime(2021, 4, 1, tzinfo=UTC))
# OpenSSF Scorecard's first release: November 2020.
SCORECARD_ERA = Era(datetime(2020, 11, 1, tzinfo=UTC))


# Files that are not regular files ----------------------------------------------------------------


def is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True  # the reader reports it, with its own words


@contextmanager
def regular_file(path: Path) -> Iterator[Path]:
    """The path itself when it is a regular file; else (a pipe, `<(cmd)`, a device) its content
    copied to a temporary file, at most max_file_bytes() and stopping at a NUL byte in the first
    megabyte (no text format holds one; gzip aside), so that formats can be told from the start of
    the file and files read twice. LimitExceeded when the input goes on past the limit."""
    if is_regular(path):
        yield path
        return
    limit = max_file_bytes()
    with tempfile.TemporaryDirectory(prefix="charter-import-") as folder:
        spool = Path(folder) / (path.name or "input")
        with path.open("rb") as source, spool.open("wb") as target:
            first = source.read(_CHUNK)
            nul = first.find(b"\0")
            if nul >= 0 and not first.startswith(_GZIP_MAGIC):
                raise LimitExceeded(f"binary data (a NUL byte at offset {nul}), not a text file")
            copied = 0
            chunk = first
            while chunk:
                copied += len(chunk)
                if copied > limit:
                    raise too_large(copied, limit)
                target.write(chunk)
                chunk = source.read(_CHUNK)
        yield spool


def renamed(found: Diagnostic, spool: Path, original: Path) -> Diagnostic:
    """A diagnostic about a spooled copy, naming the file as it was given."""
    if spool == original:
        return found
    old, new = str(spool), str(original)
    location = found.location
    if location is not None and location.path == old:
        location = replace(location, path=new)
    return replace(found, message=found.message.replace(old, new), location=location, hint=found.hint.replace(old, new))
