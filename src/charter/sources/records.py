"""Reading import files record by record, the same way for every importer: JSON Lines and CSV
streamed line by line with their line numbers, JSON documents loaded whole with JSON paths, typed
field access with a diagnostic that names the file, the line (or JSON path) and the fix. Readers
yield records, Skipped and diagnostics; the import service writes them (`charter.services.imports`)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING

from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.sources.limits import (
    ANY_TIME,
    MAX_DOCUMENT_BYTES,
    Era,
    LimitExceeded,
    bounded_lines,
    max_file_bytes,
    nested_deeper_than,
    read_bounded,
    too_deep,
    too_large,
)

# What every import shares: a file that cannot be read (IMP001) or told apart (IMP003, raised by each
# importer as an ImportFileError), and a bad record (IMP002).
CODES = Codes(
    Rule(
        "IMP001",
        "Import file unreadable",
        Severity.ERROR,
        rationale="A file that cannot be read or parsed is not imported; nothing of it is written.",
        fix="Check the path and the file's format (JSON, JSONL or CSV as documented).",
        example="""\
# facts/deployments.csv, saved as UTF-16 by a spreadsheet: bytes FF FE 69 00 64 00 ...
""",
    ),
    Rule(
        "IMP002",
        "Bad record in import file",
        Severity.ERROR,
        rationale="One bad record stops the whole file, so that an import is never half applied.",
        fix="Fix the record at the reported line (or JSON path) and import the file again.",
        example="""\
# facts/deployments.jsonl, line 2
{"id": "d1", "component": "payments", "sha": "a1b2c3", "finished": "2026-03-01T10:00:00Z"}
{"id": "d2", "component": "payments", "sha": "d4e5f6"}                  # no finished time
""",
    ),
    Rule(
        "IMP007",
        "Duplicate record in import file",
        Severity.ERROR,
        rationale=(
            "Two records with one id in one file cannot both be facts: one would silently replace the other, "
            "and the count imported would be wrong."
        ),
        fix="Keep one of the two records the message names (or give them different ids) and import the file again.",
        example="""\
# facts/deployments.jsonl
{"id": "d1", "component": "payments", "environment": "production", ...}
{"id": "d1", "component": "payments", "environment": "staging", ...}      # d1 again
""",
    ),
    Rule(
        "IMP003",
        "Unknown import format",
        Severity.ERROR,
        rationale="Charter could not tell which tool wrote the file.",
        fix="Pass `--input-format` with one of the formats the command lists.",
        example="""\
$ charter import deployments facts/deployments.xml
""",
    ),
)
diagnostic = CODES.diagnostic


if TYPE_CHECKING:
    from _csv import Reader as CsvReader

# Bad records reported per file before reading stops: enough to see a pattern, few enough to read.
ERROR_CAP = 20
TIMESTAMP_HINT = "Write times in ISO 8601, such as 2024-05-01T14:30:00Z (a time without a zone is UTC)."
PLAUSIBLE_TIME_HINT = "Give the time the record really has; a clock set wrong writes such times."


class ImportFileError(Exception):
    """The file as a whole cannot be imported: unreadable or unparsable (IMP001), or of a format that
    cannot be told (IMP003)."""

    def __init__(self, found: Diagnostic) -> None:
        super().__init__(found.message)
        self.diagnostic = found


@dataclass(frozen=True, slots=True)
class Place:
    """Where a record or a value is: a line of a JSON Lines or CSV file, or a JSON path into a JSON
    document (`$[3].statuses[0].state`)."""

    path: str
    line: int = 0
    json_path: str | None = None

    def field(self, key: str | int) -> Place:
        """The place of one value of the record: deeper in a JSON document, the same line otherwise."""
        if self.json_path is None:
            return self
        step = f"[{key}]" if isinstance(key, int) else f".{key}"
        return Place(self.path, self.line, self.json_path + step)

    def location(self, column: int = 0) -> Location:
        return Location(self.path, self.line, column)

    def described(self) -> str:
        """`line 4`, or `$[3]` in a JSON document."""
        return self.json_path if self.json_path is not None else f"line {self.line}"


class FirstPlaces:
    """The first place of each id of one file, so that a second record with one of them is an IMP007
    naming both places."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.places: dict[object, Place] = {}

    def duplicate(self, key: object, place: Place) -> Diagnostic | None:
        first = self.places.setdefault(key, place)
        if first is place:
            return None
        return diagnostic(
            "IMP007",
            f"{self.what} {key!r} appears twice: at {first.described()} and again at {place.described()}",
            place.location(),
            hint="Keep one of the two records, or give them different ids.",
        )


class BadRecord(Exception):
    """One record cannot be imported; turned into an IMP002 diagnostic at `place`."""

    def __init__(self, message: str, place: Place, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.place = place
        self.hint = hint


def bad_record(message: str, place: Place, hint: str | None = None) -> Diagnostic:
    """An IMP002 diagnostic: the message leads with the JSON path when there is one."""
    if place.json_path is None:
        return diagnostic("IMP002", message, place.location(), hint=hint)
    found = diagnostic("IMP002", f"{place.json_path}: {message}", place.location(), hint=hint)
    return replace(found, properties=(("jsonPath", place.json_path),))


def from_bad_record(error: BadRecord) -> Diagnostic:
    return bad_record(error.message, error.place, error.hint)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A well-formed record the importer leaves out on purpose (an unmerged pull request), counted."""

    reason: str


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as read, keys normalised by `field_key`, with its place in the file."""

    values: Mapping[str, object]
    place: Place

    def get(self, *names: str) -> object:
        """The first of these (normalised) names the record has a non-empty value for."""
        for name in names:
            value = self.values.get(name)
            if value is not None and value != "":
                return value
        return None


@lru_cache(maxsize=1024)
def field_key(name: str) -> str:
    """Field names match ignoring case, spaces, `_` and `-`: `commit_sha`, `commitSha`, `Commit SHA`.
    Cached: every record repeats the same few names."""
    return _IGNORED_IN_NAMES.sub("", name).lower()


_IGNORED_IN_NAMES = re.compile(r"[\s_-]")


# Files -----------------------------------------------------------------------------------------


def unreadable(path: Path, reason: str, line: int = 0, column: int = 0) -> ImportFileError:
    return ImportFileError(diagnostic("IMP001", f"cannot import {path}: {reason}", Location(str(path), line, column)))


def open_text(path: Path) -> IO[str]:
    """The file as UTF-8 text (a byte-order mark is dropped), or IMP001."""
    try:
        return path.open(encoding="utf-8-sig")
    except OSError as error:
        raise unreadable(path, error.strerror or str(error)) from None


def first_text(path: Path, size: int = 4096) -> str:
    """The start of the file, without leading white space, for telling formats apart."""
    try:
        with path.open("rb") as handle:
            start = handle.read(size)
    except OSError as error:
        raise unreadable(path, error.strerror or str(error)) from None
    return start.decode("utf-8-sig", errors="replace").lstrip()


def text_lines(path: Path) -> Generator[tuple[int, str]]:
    """Each line with its number, line ends kept; IMP001 naming the first line that is not UTF-8, or
    where the file passes a limit (a line longer than MAX_LINE_BYTES, a file larger than the file
    limit). Decoded line by line (not by the buffer) so that the failing line is exact."""
    try:
        handle = path.open("rb")
    except OSError as error:
        raise unreadable(path, error.strerror or str(error)) from None
    with handle:
        try:
            for number, raw in bounded_lines(handle):
                try:
                    yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as error:
                    raise unreadable(path, f"line {number} is not UTF-8 text", number, error.start + 1) from None
        except LimitExceeded as error:
            raise past_limit(path, error) from None


def checked_size(path: Path) -> None:
    """IMP001 when the file is larger than the file limit (before any of it is read)."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise unreadable(path, error.strerror or str(error)) from None
    limit = max_file_bytes()
    if size > limit:
        raise past_limit(path, too_large(size, limit))


def past_limit(path: Path, error: LimitExceeded) -> ImportFileError:
    """IMP001: the file passes one of the import limits (`charter.sources.limits`)."""
    return unreadable(path, error.reason, error.line)


def jsonl_records(path: Path) -> Iterator[RawRecord | Diagnostic]:
    """Each non-blank line of a JSON Lines file as a record; a line that is not a JSON object is an
    IMP002 diagnostic. Streams: memory does not grow with the file."""
    for number, text in text_lines(path):
        if not text.strip():
            continue
        place = Place(str(path), number)
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            yield diagnostic(
                "IMP002",
                f"not valid JSON: {error.msg}",
                place.location(error.colno),
                hint="Write one JSON object per line (JSON Lines).",
            )
            continue
        except RecursionError:
            yield bad_record(too_deep().reason, place, "Write one flat JSON object per line.")
            continue
        except ValueError as error:  # a number too long to convert
            yield bad_record(f"not readable JSON: {error}", place, "Write one JSON object per line (JSON Lines).")
            continue
        if not isinstance(value, dict):
            yield bad_record(f"a JSON {_json_kind(value)}, not an object", place, "Write one JSON object per line.")
            continue
        if nested_deeper_than(value):
            yield bad_record(too_deep().reason, place, "Write one flat JSON object per line.")
            continue
        yield RawRecord({field_key(str(key)): item for key, item in value.items()}, place)


def csv_records(path: Path, required: Mapping[str, tuple[str, ...]]) -> Iterator[RawRecord | Diagnostic]:
    """Each row of a CSV file with a header row as a record. `required` maps each required field to
    the header names that give it; a header without one is a single IMP002 at line 1, and no rows
    are read. Streams: memory does not grow with the file."""
    rows = csv.reader(text for _number, text in text_lines(path))
    try:
        header = next(rows, None)
    except csv.Error as error:
        raise unreadable(path, f"not CSV: {error}", 1) from None
    if header is None:
        return
    columns = [field_key(name) for name in header]
    missing = [name for name, synonyms in required.items() if not set(synonyms) & set(columns)]
    if missing:
        yield bad_record(
            f"the header row has no column {', '.join(repr(name) for name in missing)}",
            Place(str(path), 1),
            f"Name the columns in the first row; required: {', '.join(required)}.",
        )
        return
    yield from _csv_rows(path, rows, columns)


def _csv_rows(path: Path, rows: CsvReader, columns: list[str]) -> Iterator[RawRecord | Diagnostic]:
    reader_line = rows.line_num  # a quoted field may run over several lines: records start after the last
    while True:
        start = reader_line + 1
        try:
            row = next(rows, None)
        except csv.Error as error:
            raise unreadable(path, f"not CSV: {error}", start) from None
        if row is None:
            return
        reader_line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        place = Place(str(path), start)
        if len(row) != len(columns):
            yield bad_record(
                f"{len(row)} fields, but the header has {len(columns)}",
                place,
                "Give every row as many fields as the header; quote values that hold commas.",
            )
            continue
        yield RawRecord(dict(zip(columns, (cell.strip() for cell in row), strict=True)), place)


def json_document(path: Path) -> object:
    """The whole JSON document (JSON exports are loaded whole; JSON Lines and CSV are streamed), or
    IMP001 with the line and column where parsing failed, or the limit it passes (larger than
    MAX_DOCUMENT_BYTES, nested deeper than MAX_JSON_DEPTH)."""
    try:
        with path.open("rb") as handle:
            data = read_bounded(handle, MAX_DOCUMENT_BYTES, "JSON document")
    except OSError as error:
        raise unreadable(path, error.strerror or str(error)) from None
    except LimitExceeded as error:
        raise past_limit(path, error) from None
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise unreadable(path, "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        hint = ""
        if error.msg == "Extra data":
            hint = " (several JSON documents one after another, as `gh api --paginate` writes: add `--slurp`)"
        raise unreadable(path, f"not valid JSON: {error.msg}{hint}", error.lineno, error.colno) from None
    except RecursionError:
        raise past_limit(path, too_deep()) from None
    except ValueError as error:  # a number too long to convert
        raise unreadable(path, f"not readable JSON: {error}") from None
    if nested_deeper_than(document):
        raise past_limit(path, too_deep())
    return document


def json_array(path: Path, what: str) -> list[object]:
    """A JSON document that must be an array (of `what`), or IMP001."""
    document = json_document(path)
    if not isinstance(document, list):
        raise unreadable(path, f"a JSON {_json_kind(document)}, but an array of {what} is expected", 1, 1)
    return document


def _json_kind(value: object) -> str:
    kinds: list[tuple[type, str]] = [(bool, "boolean"), (dict, "object"), (list, "array"), (str, "string")]
    for kind, name in kinds:
        if isinstance(value, kind):
            return name
    return "null" if value is None else "number"


# Values ----------------------------------------------------------------------------------------


def text_value(value: object, place: Place, name: str, *, max_length: int = 400, numbers: bool = False) -> str | None:
    """A text value, stripped; None when absent or empty. `numbers` accepts integers (ids)."""
    if value is None:
        return None
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise BadRecord(f"`{name}` must be text, not a JSON {_json_kind(value)}", place)
    text = value.strip()
    if len(text) > max_length:
        raise BadRecord(f"`{name}` is {len(text)} characters long; at most {max_length} fit", place)
    return text or None


def required_text(value: object, place: Place, name: str, *, max_length: int = 400, hint: str | None = None) -> str:
    text = text_value(value, place, name, max_length=max_length)
    if text is None:
        raise BadRecord(f"`{name}` is missing", place, hint or f"Give every record a `{name}`.")
    return text


def timestamp_value(value: object, place: Place, name: str, era: Era = ANY_TIME) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime (a time without zone is UTC); None when absent.
    A time outside the era (in the future past the clock skew, or before such records existed) is
    refused: one poisoned time would outlive every genuine record."""
    text = text_value(value, place, name, max_length=64)
    if text is None:
        return None
    try:
        moment = parse_timestamp(text)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved out of range by its offset
        raise BadRecord(f"`{name}` is not an ISO 8601 time: {text!r}", place, TIMESTAMP_HINT) from None
    problem = era.problem(moment)
    if problem is not None:
        raise BadRecord(f"`{name}` {problem}", place, PLAUSIBLE_TIME_HINT)
    return moment


def required_timestamp(value: object, place: Place, name: str, era: Era = ANY_TIME) -> datetime:
    moment = timestamp_value(value, place, name, era)
    if moment is None:
        raise BadRecord(f"`{name}` is missing", place, TIMESTAMP_HINT)
    return moment


def parse_timestamp(text: str) -> datetime:
    """ISO 8601 (`2024-05-01T14:30:00Z`, `2024-05-01 14:30+02:00`, `2024-05-01`) as UTC; raises ValueError."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


_FULL_SHA = re.compile(r"[0-9a-fA-F]{40}([0-9a-fA-F]{24})?")


def commit_sha_value(value: object, place: Place, name: str) -> str:
    """A full commit id (40 hex digits, or 64 for SHA-256 repositories), lower-cased."""
    text = required_text(value, place, name, max_length=64, hint="Give the full commit id the deployment shipped.")
    if not _FULL_SHA.fullmatch(text):
        raise BadRecord(
            f"`{name}` is not a full commit id: {text!r}",
            place,
            "Give all 40 hex digits (`git rev-parse HEAD`); abbreviated ids cannot be matched to history.",
        )
    return text.lower()


def mapping_value(value: object, place: Place, name: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise BadRecord(f"`{name}` must be a JSON object, not a JSON {_json_kind(value)}", place)
    return value


# Stopping --------------------------------------------------------------------------------------


def stopped_reading(next_error: Diagnostic) -> Diagnostic:
    """IMP002 at the first bad record past ERROR_CAP: the importer stops reading the file there."""
    return diagnostic(
        "IMP002",
        f"more bad records follow; stopped reading after {ERROR_CAP}",
        next_error.location,
        hint="Fix the records reported above and import the file again to see the rest.",
    )
