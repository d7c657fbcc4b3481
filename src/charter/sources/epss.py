"""FIRST's EPSS scores, for `charter import epss FILE`.

The file is the CSV FIRST publishes daily (epss_scores-YYYY-MM-DD.csv, usually gzipped: `.csv.gz`
is read as it is): a first comment line `#model_version:v2023.03.01,score_date:2025-02-20T00:00:00+0000`,
the header `cve,epss,percentile`, and one row per CVE (about 300,000). The score date comes from the
comment line (IMP044 when there is none). `epss` and `percentile` are numbers from 0 to 1. The
scores are published whole, so an import replaces the stored ones; the file is streamed and written
in batches, and a file with a bad row changes nothing."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, cast

from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.security_facts import CVE_ID, EpssScore
from charter.sources.limits import EPSS_ERA, LimitExceeded, bounded_lines
from charter.sources.records import (
    PLAUSIBLE_TIME_HINT,
    FirstPlaces,
    ImportFileError,
    Place,
    bad_record,
    field_key,
    past_limit,
    unreadable,
)

CODES = Codes(
    Rule(
        "IMP041",
        "EPSS file in an unknown shape",
        Severity.ERROR,
        rationale="Without the `cve,epss` header the scores cannot be told apart from other numbers.",
        fix="Import the CSV as FIRST publishes it (epss_scores-YYYY-MM-DD.csv or .csv.gz), with its header row.",
        example="""\
# facts/epss.csv
cve_id,score        # FIRST writes cve,epss,percentile
""",
    ),
    Rule(
        "IMP044",
        "EPSS file without a score date",
        Severity.INFO,
        rationale="Scores without a date cannot be told fresh from stale.",
        fix="Keep FIRST's first line (`#model_version:...,score_date:...`) in the file.",
        example="""\
# facts/epss.csv: FIRST's first line removed
cve,epss,percentile
CVE-2021-44228,0.96398,1.00000
""",
    ),
)
diagnostic = CODES.diagnostic


_GZIP_MAGIC = b"\x1f\x8b"
# CVE-YYYY- and a sequence number of at most 19 digits (CVE ids have 4 to 7 today).
_CVE_ID_LENGTH = 28
_HINT = "FIRST writes each row as CVE-YYYY-NNNN,probability,percentile with numbers from 0 to 1."


def read_epss_file(path: Path) -> Iterator[EpssScore | Diagnostic]:
    """Every score of the file, streamed; IMP002 for each bad row (with its line), IMP044 when the
    file has no score date. Raises ImportFileError: IMP001 unreadable, IMP041 no `cve,epss` header."""
    lines = _numbered_lines(path)
    comment: dict[str, str] = {}
    number, line = _next_line(path, lines)
    if line.startswith("#"):
        comment = _comment_fields(line)
        number, line = _next_line(path, lines)
    try:
        columns = [field_key(name) for name in next(csv.reader([line]))]
    except csv.Error as error:  # a header field longer than csv's field limit
        raise unreadable(path, f"line {number} is not CSV: {error}", number) from None
    if "cve" not in columns or "epss" not in columns:
        raise ImportFileError(
            diagnostic(
                "IMP041",
                f"{path} is not an EPSS file: line {number} is not the header `cve,epss,percentile`",
                Location(str(path), number, 1),
            )
        )
    score_date = _score_date(comment.get("score_date"))
    if score_date is None:
        yield diagnostic("IMP044", f"{path} has no score date", Location(str(path), 1, 1))
    elif (problem := EPSS_ERA.date_problem(score_date)) is not None:
        yield bad_record(f"the score date {problem}", Place(str(path), 1), PLAUSIBLE_TIME_HINT)
        return
    positions = (
        columns.index("cve"),
        columns.index("epss"),
        columns.index("percentile") if "percentile" in columns else None,
    )
    cves = FirstPlaces("CVE")
    for number, line in lines:
        if not line.strip():
            continue
        found = _score(path, number, line, positions, score_date)
        if isinstance(found, EpssScore):
            yield cves.duplicate(found.cve, Place(str(path), number)) or found
        else:
            yield found


def _score(
    path: Path, number: int, line: str, positions: tuple[int, int, int | None], score_date: date | None
) -> EpssScore | Diagnostic:
    cells = line.rstrip("\r\n").split(",")
    cve_at, epss_at, percentile_at = positions
    place = Place(str(path), number)
    try:
        cve = cells[cve_at].strip()
        epss = float(cells[epss_at])
        percentile = float(cells[percentile_at]) if percentile_at is not None else None
    except (IndexError, ValueError):
        return bad_record(f"not a score row: {line.strip()[:80]!r}", place, _HINT)
    if len(cve) > _CVE_ID_LENGTH or not CVE_ID.fullmatch(cve):
        return bad_record(f"{cve[:40]!r} is not a CVE id", place, _HINT)
    if not 0.0 <= epss <= 1.0 or (percentile is not None and not 0.0 <= percentile <= 1.0):
        return bad_record(f"{cve}: the probability and the percentile must be from 0 to 1", place, _HINT)
    return EpssScore(cve, epss, percentile, score_date)


def _numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The file's lines with their numbers, from plain or gzipped UTF-8 text; IMP001 when unreadable."""
    try:
        raw: IO[bytes] = path.open("rb")
    except OSError as error:
        raise unreadable(path, error.strerror or str(error)) from None
    with raw:
        magic = raw.read(2)
        raw.seek(0)
        handle = cast(IO[bytes], gzip.GzipFile(fileobj=raw)) if magic == _GZIP_MAGIC else raw
        number = 0
        try:
            for number, line in bounded_lines(handle):
                yield number, line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise unreadable(path, f"line {number} is not UTF-8 text", number) from None
        except LimitExceeded as error:
            raise past_limit(path, error) from None
        except (OSError, EOFError, gzip.BadGzipFile) as error:  # a truncated or corrupt gzip stream
            raise unreadable(path, f"not a readable gzip file: {error}", number + 1) from None


def _next_line(path: Path, lines: Iterator[tuple[int, str]]) -> tuple[int, str]:
    for number, line in lines:
        if line.strip():
            return number, line.strip()
    raise ImportFileError(diagnostic("IMP041", f"{path} is empty: no EPSS header", Location(str(path), 1, 1)))


def _comment_fields(line: str) -> dict[str, str]:
    """`#model_version:v2023.03.01,score_date:2025-02-20T00:00:00+0000` as a mapping."""
    fields = {}
    for part in line.lstrip("#").split(","):
        key, colon, value = part.partition(":")
        if colon:
            fields[key.strip().lower()] = value.strip()
    return fields


def _score_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
