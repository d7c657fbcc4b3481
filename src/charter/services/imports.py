"""What every `charter import` shares: each file is one transaction, written all or nothing (a file
with a bad record writes nothing, and the other files are still imported), and a result per file that
the command line prints and a server would return."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from charter.model.diagnostics import Diagnostic, Severity
from charter.model.errors import StoreFailure
from charter.services.context import Context
from charter.sources.limits import LimitExceeded, regular_file, renamed
from charter.sources.records import ERROR_CAP, ImportFileError, Skipped, past_limit, stopped_reading, unreadable
from charter.store.database import Store, database_error_summary

T = TypeVar("T")

# Records written per statement: few round trips, bounded memory.
WRITE_BATCH = 5000


class Diagnosed:
    """A result that carries diagnostics: it failed when one of them is an error."""

    diagnostics: list[Diagnostic]

    @property
    def failed(self) -> bool:
        return any(item.severity is Severity.ERROR for item in self.diagnostics)

    def nothing_imported(self, name: str) -> str:
        """`name: nothing imported (2 errors)`."""
        errors = sum(1 for item in self.diagnostics if item.severity is Severity.ERROR)
        return f"{name}: nothing imported ({errors} {'error' if errors == 1 else 'errors'})"


@dataclass
class ImportReport(Diagnosed):
    """What importing one file did. When it has an error nothing of the file was written, and
    `imported` is 0."""

    path: str
    imported: int = 0
    skipped: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FileImport:
    """One file's import and what its records are called in the summary (`deployments (8 production)`)."""

    report: ImportReport
    what: str

    @property
    def summary(self) -> str:
        """`deploys.jsonl: imported 12 deployments (8 production), 1 skipped`, or why nothing was."""
        report = self.report
        if report.failed:
            return report.nothing_imported(report.path)
        return f"{report.path}: imported {report.imported} {self.what}, {report.skipped} skipped"


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What one import of several files did, file by file in the order given."""

    files: tuple[FileImport, ...]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [item for file in self.files for item in file.report.diagnostics]

    @property
    def failed(self) -> bool:
        """True when a file had an error (and so wrote nothing)."""
        return any(file.report.failed for file in self.files)


@contextmanager
def store_failures(what: str = "import") -> Iterator[None]:
    """A database error part-way through an import (or a sync) as a StoreFailure of one line, the
    transaction rolled back."""
    try:
        yield
    except SQLAlchemyError as error:
        raise StoreFailure(f"the store refused the {what}: {database_error_summary(error)}") from None


def import_each(
    context: Context, files: Sequence[Path], import_one: Callable[[Store, Path], FileImport]
) -> ImportOutcome:
    """Import every file into the context's store, each in its own transaction."""
    store = context.required_store()
    with store_failures():
        return ImportOutcome(tuple(_import_spooled(store, path, import_one) for path in files))


def _import_spooled(store: Store, path: Path, import_one: Callable[[Store, Path], FileImport]) -> FileImport:
    """Import a file; one that is not a regular file (a pipe, `<(cmd)`) from a bounded copy, its
    report naming the file as given."""
    try:
        with regular_file(path) as local:
            done = import_one(store, local)
    except LimitExceeded as error:
        return FileImport(ImportReport(str(path), diagnostics=[past_limit(path, error).diagnostic]), "records")
    except OSError as error:
        return FileImport(
            ImportReport(str(path), diagnostics=[unreadable(path, error.strerror or str(error)).diagnostic]), "records"
        )
    if local != path:
        done.report.path = str(path)
        done.report.diagnostics = [renamed(item, local, path) for item in done.report.diagnostics]
    return done


class _NothingWritten(Exception):
    """Raised inside the transaction to roll it back when the file had a bad record."""


def import_all_or_nothing(
    store: Store,
    path: Path,
    stream: Iterable[T | Diagnostic | Skipped],
    write: Callable[[Connection, list[T]], int],
    clear: Callable[[Connection], object] | None = None,
) -> ImportReport:
    """Read every record a source yields for one file and write them in one transaction: all of
    them, or none when any is bad. Bad records are collected (up to ERROR_CAP) so one run shows them
    all. With `clear`, the file replaces what was stored: it is called in the same transaction before
    the first batch is written (a file with no records replaces nothing)."""
    report = ImportReport(str(path))
    try:
        with store.transaction() as connection:
            batch: list[T] = []
            cleared = clear is None

            def flush() -> None:
                nonlocal cleared
                if not cleared:
                    assert clear is not None
                    clear(connection)
                    cleared = True
                write(connection, batch)

            for record in _collect(report, stream):
                batch.append(record)
                if len(batch) >= WRITE_BATCH:
                    flush()
                    batch = []
            if report.failed:
                raise _NothingWritten
            if batch:
                flush()
    except _NothingWritten:
        report.imported = 0
    return report


def _collect(report: ImportReport, stream: Iterable[T | Diagnostic | Skipped]) -> Iterator[T]:
    """The good records, while the file has no error; diagnostics and skips go into the report."""
    errors = 0
    items = iter(stream)
    try:
        for item in items:
            if isinstance(item, Skipped):
                report.skipped += 1
            elif isinstance(item, Diagnostic):
                if item.severity is Severity.ERROR:
                    errors += 1
                    if errors > ERROR_CAP:
                        report.diagnostics.append(stopped_reading(item))
                        return
                report.diagnostics.append(item)
            else:
                report.imported += 1
                if errors == 0:
                    yield item
    except ImportFileError as error:
        report.diagnostics.append(error.diagnostic)
    finally:
        close = getattr(items, "close", None)
        if close is not None:  # a generator stopped early closes its file now, not when collected
            close()
