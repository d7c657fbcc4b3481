"""What a reader makes of one scanner file: the scans it reports (a scanner, a target, when, and its
findings, not yet mapped to components) and the VEX statements it makes; and the bookkeeping every
reader shares (collecting bad items up to a cap, choosing a CVSS vector)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from charter.model.finding import Finding, VexStatement
from charter.sources.findings.fields import FieldError, Node
from charter.sources.findings.identity import cvss_rank, cvss_version
from charter.sources.records import ERROR_CAP

T = TypeVar("T")
Item = TypeVar("Item")


@dataclass(slots=True)
class Scan:
    """One scan of one target by one scanner, as a file reports it. Findings have `key` "" and no
    component yet: the importer maps and keys them."""

    scanner: str
    target: str
    scanned_at: datetime | None = None  # the file's own time, when it gives one
    repository: str | None = None  # the repository scanned, when the file says (SARIF provenance)
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class FileContents:
    scans: list[Scan] = field(default_factory=list)
    statements: list[VexStatement] = field(default_factory=list)
    issued_at: datetime | None = None  # when the VEX document says its statements were made
    errors: list[FieldError] = field(default_factory=list)

    @property
    def finding_count(self) -> int:
        return sum(len(scan.findings) for scan in self.scans)


class TooManyErrors(Exception):
    """ERROR_CAP bad items: reading stops; the errors found so far go with it."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(f"{len(errors)} bad items")
        self.errors = errors


def each_good(contents: FileContents, items: Iterable[Item], read: Callable[[Item], T]) -> Iterator[T]:
    """`read(item)` for each item; a FieldError is recorded and the item left out, and after
    ERROR_CAP of them reading stops (TooManyErrors)."""
    for item in items:
        try:
            yield read(item)
        except FieldError as error:
            contents.errors.append(error)
            if len(contents.errors) >= ERROR_CAP:
                raise TooManyErrors(contents.errors) from None


def checked_vector(vector: str, holder: Node, key: str) -> str:
    """The vector as written (`holder.data[key]`), when it parses as CVSS (2, 3.x, 4.0); else an
    IMP034 FieldError at its path."""
    if cvss_version(vector) is None:
        raise FieldError(holder.at(key), f"{vector!r} is not a CVSS vector", code="IMP034")
    return vector


def newest_vector(candidates: Iterable[tuple[str, float | None, Node, str]]) -> tuple[str | None, float | None]:
    """Of (vector, score, holder, key) candidates, the one of the newest CVSS version (the first of
    equals), each checked; with its score."""
    best: tuple[str, float | None] | None = None
    best_rank: tuple[int, str] | None = None
    for vector, score, holder, key in candidates:
        checked_vector(vector, holder, key)
        rank = cvss_rank(vector)
        if best_rank is None or rank[0] > best_rank[0] or (rank[0] == best_rank[0] and rank[1] > best_rank[1]):
            best, best_rank = (vector, score), rank
    return best if best is not None else (None, None)
