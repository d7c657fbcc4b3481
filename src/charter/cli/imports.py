"""`charter import deployments|pulls FILE...`: bring delivery records in from files. Each file is
one transaction: a file with a bad record writes nothing, and the other files are still imported."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli.options import RepoOption, fail, print_diagnostics, repository
from charter.model.file_formats import DeploymentFormat

if TYPE_CHECKING:
    from charter.sources.records import ImportReport
    from charter.store.database import Store

import_app = typer.Typer(
    name="import",
    help="Import deployment records and pull requests into the store.",
    no_args_is_help=True,
)

FilesArgument = Annotated[list[Path], typer.Argument(help="The files to import, each in its own transaction.")]


@import_app.command("deployments")
def deployments_command(
    files: FilesArgument,
    repo: RepoOption = None,
    input_format: Annotated[
        DeploymentFormat | None,
        typer.Option(
            "--input-format",
            help="jsonl, csv or github (a GitHub deployments API export). Default: from the extension, "
            "else the content.",
            show_default=False,
        ),
    ] = None,
    component: Annotated[
        str | None,
        typer.Option("--component", help="The component of records that name none.", show_default=False),
    ] = None,
) -> None:
    """Import deployments from JSON Lines, CSV or a GitHub deployments export. Exit 0 when every file
    was imported, 1 when a file had a bad record (nothing of that file is written), 2 on wrong usage."""
    from charter.analysis.component_sources import component_scopes
    from charter.model.organization import Policies
    from charter.services.workspace import open_workspace
    from charter.sources.deployments import DeploymentImportOptions, import_deployments

    root = repository(repo)
    with _opened_store(root) as store:
        estate = open_workspace(root, store).estate
        policies = estate.organization.spec.policies if estate.organization else Policies()
        options = DeploymentImportOptions(
            input_format, component, frozenset(component_scopes(estate)), tuple(policies.production_environments)
        )

        def one(path: Path) -> tuple[ImportReport, str]:
            result = import_deployments(store, path, options)
            return result.report, f"deployments ({result.production} production)"

        _import_each(root, files, one)


@import_app.command("pulls")
def pulls_command(
    files: FilesArgument,
    repo: RepoOption = None,
    repository_name: Annotated[
        str | None,
        typer.Option(
            "--repository",
            help="The repository (clone directory name) of pulls whose export lacks `base.repo.name`.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import merged pull requests from a GitHub pulls API export, so a squashed pull request's lead
    time starts at its first commit. Exit codes as for `charter import deployments`."""
    from charter.sources.pulls import import_pulls

    root = repository(repo)
    with _opened_store(root) as store:
        _import_each(root, files, lambda path: (import_pulls(store, path, repository_name), "pull requests"))


@contextmanager
def _opened_store(root: Path) -> Iterator[Store]:
    """The store, which an import cannot do without: exit 1 with a plain message when it cannot be opened."""
    from sqlalchemy.exc import SQLAlchemyError

    from charter.store.database import open_store

    try:
        store = open_store(root)
    except (SQLAlchemyError, OSError) as error:
        fail(f"cannot open the store: {error}", 1)
    with store:
        try:
            yield store
        except SQLAlchemyError as error:
            fail(f"the store refused the import: {error.__class__.__name__}: {error}", 1)


def _import_each(root: Path, files: Sequence[Path], import_one: Callable[[Path], tuple[ImportReport, str]]) -> None:
    """Import every file, then show what went wrong and one summary line per file; exit 1 when a file failed."""
    results = [import_one(path) for path in files]
    diagnostics = [item for report, _ in results for item in report.diagnostics]
    if diagnostics:
        print_diagnostics(diagnostics, root)
    for report, what in results:
        typer.echo(summary_line(report, what))
    if any(report.failed for report, _ in results):
        raise typer.Exit(1)


def summary_line(report: ImportReport, what: str) -> str:
    """`deploys.jsonl: imported 12 deployments (8 production), 1 skipped`, or why nothing was."""
    if report.failed:
        errors = sum(1 for item in report.diagnostics if item.severity == "error")
        return f"{report.path}: nothing imported ({errors} {'error' if errors == 1 else 'errors'})"
    return f"{report.path}: imported {report.imported} {what}, {report.skipped} skipped"


from charter.cli.import_incidents import incidents_command  # noqa: E402  (it reuses the helpers above)

import_app.command("incidents")(incidents_command)

from charter.cli.import_security import epss_command, kev_command, scorecard_command  # noqa: E402  (reuses the helpers)

import_app.command("kev")(kev_command)
import_app.command("epss")(epss_command)
import_app.command("scorecard")(scorecard_command)

from charter.cli.import_findings import findings_command  # noqa: E402  (reuses the helpers)

import_app.command("findings")(findings_command)

from charter.cli.import_sli import sli_command  # noqa: E402  (registered like the others)

import_app.command("sli")(sli_command)
