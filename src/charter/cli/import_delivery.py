"""`charter import deployments|pulls FILE...`: bring delivery records in from files. Each file is
one transaction: a file with a bad record writes nothing, and the other files are still imported."""

from __future__ import annotations

from typing import Annotated

import typer

from charter.cli.import_shared import FilesArgument, import_context, print_outcome
from charter.cli.options import FailOn, FailOnOption, RepoOption
from charter.model.file_formats import DeploymentFormat


def deployments_command(
    files: FilesArgument,
    repo: RepoOption = None,
    fail_on: FailOnOption = FailOn.error,
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
        typer.Option("--component", "-c", help="The component of records that name none.", show_default=False),
    ] = None,
) -> None:
    """Import deployments from JSON Lines, CSV or a GitHub deployments export. Exit 0 when every file
    was imported, 1 when a file had a bad record (nothing of that file is written), 2 on wrong usage."""
    from charter.services.imports_delivery import DeploymentImportRequest, import_deployment_files

    with import_context(repo) as context:
        outcome = import_deployment_files(context, DeploymentImportRequest(tuple(files), input_format, component))
    print_outcome(outcome, context.root, fail_on)


def pulls_command(
    files: FilesArgument,
    repo: RepoOption = None,
    fail_on: FailOnOption = FailOn.error,
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
    from charter.services.imports_delivery import PullImportRequest, import_pull_files

    with import_context(repo, folders=()) as context:
        outcome = import_pull_files(context, PullImportRequest(tuple(files), repository_name))
    print_outcome(outcome, context.root, fail_on)
