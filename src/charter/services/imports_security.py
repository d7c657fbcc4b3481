"""`charter import kev|epss|scorecard`: CISA's KEV catalog, FIRST's EPSS scores and OpenSSF Scorecard
results, as local files, each in its own transaction. The catalog and the scores are published
whole, so a file replaces what was stored; a Scorecard result replaces its repository's checks."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from charter.analysis.component_sources import component_sources
from charter.services.context import Context
from charter.services.imports import FileImport, ImportOutcome, ImportReport, import_all_or_nothing, import_each
from charter.sources.epss import read_epss_file
from charter.sources.kev import read_kev_file
from charter.sources.scorecard import read_scorecard_file
from charter.store.database import Store
from charter.store.security_facts import (
    clear_epss_scores,
    clear_kev_entries,
    replace_scorecard_checks,
    write_epss_scores,
    write_kev_entries,
)


def import_kev_files(context: Context, files: Sequence[Path]) -> ImportOutcome:
    """Import KEV catalogs; the last good one is the stored catalog."""
    return import_each(context, files, lambda store, path: FileImport(import_kev(store, path), "KEV entries"))


def import_kev(store: Store, path: Path) -> ImportReport:
    """Replace the stored KEV catalog with the file's, in one transaction: all of it, or nothing."""
    return import_all_or_nothing(store, path, read_kev_file(path), write_kev_entries, clear_kev_entries)


def import_epss_files(context: Context, files: Sequence[Path]) -> ImportOutcome:
    """Import EPSS score files; the last good one holds the stored scores."""
    return import_each(context, files, lambda store, path: FileImport(import_epss(store, path), "EPSS scores"))


def import_epss(store: Store, path: Path) -> ImportReport:
    """Replace the stored EPSS scores with the file's, in one transaction: all of them, or none."""
    return import_all_or_nothing(store, path, read_epss_file(path), write_epss_scores, clear_epss_scores)


def import_scorecard_files(context: Context, files: Sequence[Path]) -> ImportOutcome:
    """Import Scorecard results, warning about repositories no component maps to."""
    sources, _problems = component_sources(context.estate)
    known = frozenset(source.repository for source in sources)
    return import_each(
        context, files, lambda store, path: FileImport(import_scorecard(store, path, known), "Scorecard checks")
    )


def import_scorecard(store: Store, path: Path, known_repositories: Collection[str] | None = None) -> ImportReport:
    """Replace the stored checks of the file's repository, in one transaction. With
    `known_repositories` (the repository names components map to), a result for another repository
    is imported with an IMP043 warning."""
    return import_all_or_nothing(store, path, read_scorecard_file(path, known_repositories), replace_scorecard_checks)
