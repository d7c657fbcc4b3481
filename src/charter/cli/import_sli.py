"""`charter import sli FILE...` (CSV of good / total counts per SLO and minute) and `charter import
sli --from-prometheus` (pull them from `spec.sources.prometheus`). Each file is one transaction; a
pull writes nothing when any query fails."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli.options import RepoOption, fail, print_diagnostics, repository

if TYPE_CHECKING:
    from charter.services.workspace import Workspace
    from charter.store.database import Store


def sli_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="CSV files (slo,timestamp,good,total), each in its own transaction.")
    ] = None,
    repo: RepoOption = None,
    from_prometheus: Annotated[
        bool,
        typer.Option("--from-prometheus", help="Pull every SLO's counts over its window from spec.sources.prometheus."),
    ] = False,
    until: Annotated[
        datetime | None,
        typer.Option(
            "--until",
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"],
            help="With --from-prometheus: the end of the pulled windows (UTC unless a zone is given). Default: now.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import SLI counts. Exit 0 when everything was imported, 1 when a file (or the pull) had an
    error (nothing of it is written), 2 on wrong usage."""
    from sqlalchemy.exc import SQLAlchemyError

    from charter.cli.slo_status import as_of_moment
    from charter.cli.store import required_store
    from charter.services.workspace import open_workspace

    if not files and not from_prometheus:
        fail("name CSV files to import, or pass --from-prometheus")
    root = repository(repo)
    with required_store(root) as store:
        workspace = open_workspace(root, store)
        try:
            failed = _import_files(root, files or [], store, set(workspace.estate.slos))
            if from_prometheus:
                failed = _pull(root, workspace, store, as_of_moment(until)) or failed
        except SQLAlchemyError as error:
            fail(f"the store refused the import: {error.__class__.__name__}: {error}", 1)
    if failed:
        raise typer.Exit(1)


def _import_files(root: Path, files: list[Path], store: Store, known: set[str]) -> bool:
    from charter.sources.sli import import_sli_file

    reports = [import_sli_file(store, path, known) for path in files]
    diagnostics = [item for report in reports for item in report.diagnostics]
    if diagnostics:
        print_diagnostics(diagnostics, root, per_code=20)
    for report in reports:
        if report.failed:
            errors = sum(1 for item in report.diagnostics if item.severity == "error")
            typer.echo(f"{report.path}: nothing imported ({errors} {'error' if errors == 1 else 'errors'})")
        else:
            typer.echo(
                f"{report.path}: imported {report.samples} samples, {report.minutes} minutes of {len(report.slos)} SLOs"
            )
    return any(report.failed for report in reports)


def _pull(root: Path, workspace: Workspace, store: Store, until: datetime) -> bool:
    from charter.sources.prometheus import pull_sli

    report = pull_sli(workspace, store, until.astimezone(UTC))
    if report.diagnostics:
        print_diagnostics(report.diagnostics, root, per_code=20)
    if report.failed:
        typer.echo(f"{report.url}: nothing imported")
    else:
        typer.echo(f"{report.url}: imported {report.minutes} minutes of {len(report.slos)} SLOs")
    return report.failed
