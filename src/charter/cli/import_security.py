"""`charter import kev|epss|scorecard FILE...`: CISA's KEV catalog, FIRST's EPSS scores and OpenSSF
Scorecard results, as local files. Each file is one transaction: a file with a bad record writes
nothing, the others still import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli.options import RepoOption, repository

if TYPE_CHECKING:
    from charter.sources.records import ImportReport

# Not imported from charter.cli.imports, which imports this module to register its commands.
FilesArgument = Annotated[list[Path], typer.Argument(help="The files to import, each in its own transaction.")]


def kev_command(files: FilesArgument, repo: RepoOption = None) -> None:
    """Import CISA's Known Exploited Vulnerabilities catalog (the JSON CISA publishes, or an array of
    its entries); it replaces the stored catalog. Exit 0 when every file was imported, 1 when a file
    was bad (nothing of it is written), 2 on wrong usage."""
    from charter.cli.imports import _import_each, _opened_store
    from charter.sources.kev import import_kev

    root = repository(repo)
    with _opened_store(root) as store:
        _import_each(root, files, lambda path: (import_kev(store, path), "KEV entries"))


def epss_command(files: FilesArgument, repo: RepoOption = None) -> None:
    """Import FIRST's EPSS scores (the daily CSV, plain or gzipped, with its `#model_version` comment
    line); they replace the stored scores. Exit codes as for `charter import kev`."""
    from charter.cli.imports import _import_each, _opened_store
    from charter.sources.epss import import_epss

    root = repository(repo)
    with _opened_store(root) as store:
        _import_each(root, files, lambda path: (import_epss(store, path), "EPSS scores"))


def scorecard_command(files: FilesArgument, repo: RepoOption = None) -> None:
    """Import OpenSSF Scorecard results (`scorecard --format=json`), one repository a file; each
    replaces its repository's stored checks. Exit codes as for `charter import kev`."""
    from charter.analysis.component_sources import component_sources
    from charter.cli.imports import _import_each, _opened_store
    from charter.services.workspace import open_workspace
    from charter.sources.scorecard import import_scorecard

    root = repository(repo)
    with _opened_store(root) as store:
        sources, _problems = component_sources(open_workspace(root, store).estate)
        known = frozenset(source.repository for source in sources)

        def one(path: Path) -> tuple[ImportReport, str]:
            return import_scorecard(store, path, known), "Scorecard checks"

        _import_each(root, files, one)
