"""SLI counts from CSV files, for `charter import sli FILE...`.

Columns (header row; names match ignoring case, `_` and `-`; other columns are ignored): `slo` (the
SLO's name as Charter loads it, e.g. Sloth's `<service>-<slo>`), `timestamp` (ISO 8601 with a zone,
such as `2026-10-01T14:05:00Z`, or Unix seconds), `good` and `total`: the events of that sample, not
running counters. A sample belongs to the UTC minute its timestamp falls in; samples of one minute
add up. A minute that no sample names is a gap; a sample with total 0 is a minute without traffic.

The file is read with Arrow's multi-threaded CSV reader and binned with numpy; only when that finds
something wrong is the file read again line by line, to name every bad line exactly (IMP012, IMP013).
A file with an error imports nothing; `charter.services.imports_sli` writes each good file in one
transaction, and minutes that are already stored are replaced."""

from __future__ import annotations

import csv
import math
import queue
import threading
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.sli_counts import Floats
from charter.sources.limits import CLOCK_SKEW, EARLIEST_TIME, MAX_EVENT_COUNT
from charter.sources.records import (
    ERROR_CAP,
    PLAUSIBLE_TIME_HINT,
    ImportFileError,
    Place,
    RawRecord,
    checked_size,
    csv_records,
    field_key,
    text_lines,
    unreadable,
)
from charter.sources.sli_grid import Ints, MinuteGrid

CODES = Codes(
    Rule(
        "IMP010",
        "SLI file lacks a required column",
        Severity.ERROR,
        rationale="Without `slo`, `timestamp`, `good` and `total` the samples cannot be counted.",
        fix="Start the file with the header row `slo,timestamp,good,total`.",
        example="""\
# facts/sli.csv
slo,time,good,total         # timestamp, not time
""",
    ),
    Rule(
        "IMP011",
        "SLI data for an unknown SLO",
        Severity.WARNING,
        rationale="Samples for a name no SLO has are stored but appear in no status until an SLO of that name exists.",
        fix="Use the SLO's name as Charter loads it (Sloth: `<service>-<slo>`; `charter slo status` lists them).",
        example="""\
# facts/sli.csv
slo,timestamp,good,total
payments-availabilty,2026-10-02T10:00:00Z,998,1000     # payments-availability
""",
    ),
    Rule(
        "IMP012",
        "Bad SLI sample",
        Severity.ERROR,
        rationale="A count that is missing, negative or larger than the total would corrupt the error budget.",
        fix="Fix the line: a time, and counts with 0 <= good <= total.",
        example="""\
# facts/sli.csv
slo,timestamp,good,total
payments-availability,2026-10-02T10:00:00Z,1002,1000   # more good than total
""",
    ),
    Rule(
        "IMP013",
        "SLI timestamp without a zone",
        Severity.ERROR,
        rationale="A time without a zone names a different minute in every time zone.",
        fix="Add the zone (`Z` for UTC, or an offset such as +02:00), or write Unix seconds.",
        example="""\
# facts/sli.csv
slo,timestamp,good,total
payments-availability,2026-10-02 10:00:00,998,1000     # 2026-10-02T10:00:00Z
""",
    ),
)
diagnostic = CODES.diagnostic


if TYPE_CHECKING:
    import pyarrow as pa  # type: ignore[import-untyped]

T = TypeVar("T")
COLUMNS: dict[str, tuple[str, ...]] = {
    "slo": ("slo", "sloname", "name"),
    "timestamp": ("timestamp", "time", "ts"),
    "good": ("good", "goodevents"),
    "total": ("total", "totalevents"),
}
TIMESTAMP_HINT = "Write times in ISO 8601 with a zone (2026-10-01T14:05:00Z or +02:00) or as Unix seconds."
_BLOCK_SIZE = 1 << 24
_NANOSECONDS_PER_MINUTE = 60 * 10**9
_SLOW_BATCH = 100_000


class BadSample(Exception):
    """One line cannot be imported; turned into a diagnostic with `code` at the line."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


@dataclass
class SliFile:
    """What reading one file found: its samples binned into minutes, how many samples, the SLOs they
    name, and what was wrong. A file with an error is not to be imported, and names no SLOs."""

    path: str
    grid: MinuteGrid = field(default_factory=MinuteGrid)
    samples: int = 0
    slos: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    first_lines: dict[str, int] = field(default_factory=dict)  # each SLO's first line, for IMP011

    @property
    def failed(self) -> bool:
        return any(item.severity is Severity.ERROR for item in self.diagnostics)


def read_sli_file(path: Path, known_slos: Collection[str] | None = None) -> SliFile:
    """Read one CSV file of SLI samples. A name not in `known_slos` (when given) is an IMP011
    warning; its samples are still to be stored, for an SLO that is declared later."""
    found = SliFile(str(path))
    try:
        found.grid = read_sli_csv(path, found)
    except ImportFileError as error:
        found.diagnostics.append(error.diagnostic)
        return found
    if found.failed:
        return found
    found.slos = sorted(found.grid.names)
    if known_slos is not None:
        found.diagnostics += _unknown_slos(path, found.grid, set(known_slos), found.first_lines)
    return found


def read_sli_csv(path: Path, found: SliFile) -> MinuteGrid:
    """Every sample of the file binned into minutes; diagnostics go into `found`. Raises
    ImportFileError (IMP001, IMP010) when the file as a whole cannot be read."""
    header, first_row = _first_rows(path)
    columns = _columns(path, header)
    found.first_lines.clear()
    if first_row is None:
        return MinuteGrid()
    unix_seconds = _is_number(first_row[header.index(columns["timestamp"])]) if len(first_row) == len(header) else False
    try:
        grid = _read_fast(path, columns, unix_seconds, found)
        if grid is not None:
            return grid
    except (ValueError, TypeError, OSError):  # pyarrow's ArrowInvalid is a ValueError
        pass
    return _read_slowly(path, found)


def _first_rows(path: Path) -> tuple[list[str], list[str] | None]:
    checked_size(path)
    lines = text_lines(path)
    try:
        rows = csv.reader(text for _number, text in lines)
        header = next(rows, None)
        first = next(rows, None)
    except csv.Error as error:
        raise unreadable(path, f"not CSV text: {error}", 1) from None
    finally:
        lines.close()
    if header is None:
        raise ImportFileError(
            diagnostic("IMP010", f"{path} is empty: no header row", Location(str(path), 1), hint=_COLUMNS_HINT)
        )
    return header, first


_COLUMNS_HINT = "Start the file with the header row `slo,timestamp,good,total`."


def _columns(path: Path, header: list[str]) -> dict[str, str]:
    """Each required field's column name as written in the header; IMP010 naming the missing ones."""
    by_key = {field_key(name): name for name in reversed(header)}
    found = {name: next((by_key[key] for key in keys if key in by_key), None) for name, keys in COLUMNS.items()}
    missing = [name for name, column in found.items() if column is None]
    if missing:
        raise ImportFileError(
            diagnostic(
                "IMP010",
                f"{path} has no column {', '.join(repr(name) for name in missing)} in its header row",
                Location(str(path), 1),
                hint=_COLUMNS_HINT,
            )
        )
    return {name: column for name, column in found.items() if column is not None}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# Fast path: Arrow + numpy ------------------------------------------------------------------------


def _read_fast(path: Path, columns: dict[str, str], unix_seconds: bool, found: SliFile) -> MinuteGrid | None:
    """The grid, or None when a value is missing, negative or inconsistent (the slow path then names
    the lines). Raises ArrowInvalid on a value Arrow cannot convert."""
    import pyarrow as pa
    import pyarrow.csv as pacsv  # type: ignore[import-untyped]

    time_type = pa.float64() if unix_seconds else pa.timestamp("ns", tz="UTC")
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=_BLOCK_SIZE),
        parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types={
                columns["slo"]: pa.dictionary(pa.int32(), pa.string()),
                columns["timestamp"]: time_type,
                columns["good"]: pa.float64(),
                columns["total"]: pa.float64(),
            },
            include_columns=list(columns.values()),
            strings_can_be_null=True,
        ),
    )
    grid = MinuteGrid()
    first_lines = found.first_lines
    rows_before = 0
    for batch in read_ahead(reader):
        arrays = {name: batch.column(batch.schema.get_field_index(column)) for name, column in columns.items()}
        if any(array.null_count for array in arrays.values()):
            return None
        good = arrays["good"].to_numpy(zero_copy_only=False)
        total = arrays["total"].to_numpy(zero_copy_only=False)
        if not _counts_valid(good, total):
            return None
        minutes = _minutes(arrays["timestamp"], unix_seconds)
        if minutes is None or not _minutes_believable(minutes):
            return None
        slos = _slo_indices(grid, arrays["slo"], rows_before, first_lines)
        grid.add(slos, minutes, good, total)
        found.samples += batch.num_rows
        rows_before += batch.num_rows
    return grid


_END = object()


def read_ahead(batches: Iterable[T], depth: int = 3) -> Iterator[T]:
    """The batches, read on a thread `depth` ahead, so that Arrow parses the next ones (releasing the
    GIL) while numpy bins this one. Errors of the reader are raised here; stopping early stops it."""
    ready: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: object) -> bool:
        """Queue the item unless the consumer has stopped; False once it has."""
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in batches:
                if not offer(batch):
                    return
            offer(_END)
        except BaseException as error:  # handed to the consumer, which raises it
            offer(error)

    thread = threading.Thread(target=produce, name="sli-csv-reader", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


def _counts_valid(good: Floats, total: Floats) -> bool:
    """0 <= good <= total <= MAX_EVENT_COUNT for every row, in one pass (NaN fails every comparison)."""
    return bool(
        np.logical_and(np.less_equal(good, total), np.less_equal(total, MAX_EVENT_COUNT)).all() and good.min() >= 0
    )


def _minutes_believable(minutes: Ints) -> bool:
    """Every minute within the era of SLI data (not before it, not in the future)."""
    earliest, latest = _believable_minutes()
    return len(minutes) == 0 or bool(minutes.min() >= earliest and minutes.max() <= latest)


def _believable_minutes() -> tuple[int, int]:
    latest = datetime.now(UTC) + CLOCK_SKEW
    return math.floor(EARLIEST_TIME.timestamp() / 60), math.floor(latest.timestamp() / 60)


def _minutes(times: pa.Array, unix_seconds: bool) -> Ints | None:
    if unix_seconds:
        seconds: Floats = np.asarray(times.to_numpy(zero_copy_only=False), dtype=np.float64)
        if not np.isfinite(seconds).all():
            return None
        return np.floor_divide(seconds, 60).astype(np.int64)
    nanoseconds: Ints = np.asarray(times.cast("int64").to_numpy(zero_copy_only=False), dtype=np.int64)
    return np.floor_divide(nanoseconds, _NANOSECONDS_PER_MINUTE)


def _slo_indices(grid: MinuteGrid, names: pa.DictionaryArray, rows_before: int, first_lines: dict[str, int]) -> Ints:
    """The grid's SLO index of every row; the first line of each new name is remembered."""
    dictionary = names.dictionary.to_pylist()
    codes = names.indices.to_numpy(zero_copy_only=False)
    fresh = [code for code, name in enumerate(dictionary) if name not in first_lines]
    for code in fresh:
        first_lines[dictionary[code]] = rows_before + int(np.argmax(codes == code)) + 2
    mapping: Ints = np.array([grid.slo_index(name) for name in dictionary], dtype=np.int64)
    return mapping[np.asarray(codes, dtype=np.int64)]


# Slow path: line by line, exact diagnostics --------------------------------------------------------


def _read_slowly(path: Path, found: SliFile) -> MinuteGrid:
    """Read every line with Python, naming each bad one; the samples of a good file are binned."""
    grid = MinuteGrid()
    first_lines = found.first_lines
    first_lines.clear()
    found.samples = 0
    batch: list[tuple[int, int, float, float]] = []
    errors = 0
    for item in csv_records(path, COLUMNS):
        if isinstance(item, Diagnostic):
            errors += 1
            found.diagnostics.append(item)
        else:
            try:
                slo, minute, good, total = _sample(item)
            except BadSample as error:
                errors += 1
                found.diagnostics.append(diagnostic(error.code, error.message, item.place.location(), hint=error.hint))
                if errors >= ERROR_CAP:
                    found.diagnostics.append(_stopped(item.place))
                    break
                continue
            first_lines.setdefault(slo, item.place.line)
            if errors == 0:
                batch.append((grid.slo_index(slo), minute, good, total))
                found.samples += 1
        if len(batch) >= _SLOW_BATCH:
            _add_rows(grid, batch)
            batch = []
    _add_rows(grid, batch)
    return grid


def _add_rows(grid: MinuteGrid, rows: list[tuple[int, int, float, float]]) -> None:
    if rows:
        slos, minutes, good, total = (np.array(values) for values in zip(*rows, strict=True))
        grid.add(slos.astype(np.int64), minutes.astype(np.int64), good.astype(np.float64), total.astype(np.float64))


def _sample(record: RawRecord) -> tuple[str, int, float, float]:
    slo = record.get(*COLUMNS["slo"])
    if not isinstance(slo, str) or not slo:
        raise BadSample("IMP012", "`slo` is empty", "Name the SLO of every sample.")
    minute = _sample_minute(record.get(*COLUMNS["timestamp"]))
    good = _count(record.get(*COLUMNS["good"]), "good")
    total = _count(record.get(*COLUMNS["total"]), "total")
    if good > total:
        raise BadSample("IMP012", f"`good` ({good:g}) is greater than `total` ({total:g})", _COUNTS_HINT)
    return slo, minute, good, total


_COUNTS_HINT = "`good` and `total` are the events of the sample: 0 <= good <= total."


def _sample_minute(value: object) -> int:
    if not isinstance(value, str) or not value:
        raise BadSample("IMP012", "`timestamp` is empty", TIMESTAMP_HINT)
    if _is_number(value):
        seconds = float(value)
        if not math.isfinite(seconds):
            raise BadSample("IMP012", f"`timestamp` is not a time: {value!r}", TIMESTAMP_HINT)
        return _believable_minute(math.floor(seconds / 60), value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadSample("IMP012", f"`timestamp` is not an ISO 8601 time: {value!r}", TIMESTAMP_HINT) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadSample(
            "IMP013",
            f"`timestamp` {value!r} has no zone, so the minute it means is unknown",
            "Add the zone (`Z` for UTC, or an offset such as +02:00), or write Unix seconds.",
        )
    try:
        minute = math.floor(moment.timestamp() / 60)
    except (OverflowError, ValueError):  # year 1 with a positive offset
        raise BadSample("IMP012", f"`timestamp` {value!r} is not a believable time", TIMESTAMP_HINT) from None
    return _believable_minute(minute, value)


def _believable_minute(minute: int, value: str) -> int:
    earliest, latest = _believable_minutes()
    if minute > latest:
        raise BadSample("IMP012", f"`timestamp` {value!r} is in the future", PLAUSIBLE_TIME_HINT)
    if minute < earliest:
        raise BadSample(
            "IMP012", f"`timestamp` {value!r} is before {EARLIEST_TIME.date().isoformat()}", PLAUSIBLE_TIME_HINT
        )
    return minute


def _count(value: object, name: str) -> float:
    if not isinstance(value, str) or not value:
        raise BadSample("IMP012", f"`{name}` is empty", _COUNTS_HINT)
    try:
        count = float(value)
    except ValueError:
        raise BadSample("IMP012", f"`{name}` is not a number: {value!r}", _COUNTS_HINT) from None
    if not math.isfinite(count) or count < 0 or count > MAX_EVENT_COUNT:
        raise BadSample("IMP012", f"`{name}` is {value[:40]}; counts are from 0 to {MAX_EVENT_COUNT:.0e}", _COUNTS_HINT)
    return count


def _stopped(place: Place) -> Diagnostic:
    return diagnostic(
        "IMP012",
        f"more bad lines may follow; stopped reading after {ERROR_CAP}",
        place.location(),
        hint="Fix the lines reported above and import the file again to see the rest.",
    )


def _unknown_slos(path: Path, grid: MinuteGrid, known: set[str], first_lines: dict[str, int]) -> Iterator[Diagnostic]:
    for name in sorted(set(grid.names) - known):
        yield diagnostic(
            "IMP011",
            f"SLI data for `{name}`, which no SLO in the strategy repository is named",
            Location(str(path), first_lines.get(name, 0)),
        )
