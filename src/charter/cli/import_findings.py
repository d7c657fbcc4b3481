"""`charter import findings FILE...`: scanner results (SARIF, Trivy, Grype, pip-audit, npm audit,
OSV, CycloneDX) and VEX documents (CycloneDX VEX, OpenVEX). Each file is one transaction: a file with
a bad field writes nothing, the others still import."""

from __future__ import annotations

from typing import Annotated

import typer

from charter.cli.import_shared import FilesArgument, import_context, print_outcome
from charter.cli.options import FailOn, FailOnOption, RepoOption, deprecated_option
from charter.model.file_formats import FindingFormat


def findings_command(
    files: FilesArgument,
    repo: RepoOption = None,
    fail_on: FailOnOption = FailOn.error,
    input_format: Annotated[
        FindingFormat | None,
        typer.Option("--input-format", help="The scanner format. Default: told from the content.", show_default=False),
    ] = None,
    repository_name: Annotated[
        str | None,
        typer.Option(
            "--repository",
            help="The repository the files were produced in: maps findings to its components and names the "
            "target of scans that name none (pip-audit, npm audit, osv-scanner).",
            show_default=False,
        ),
    ] = None,
    old_repository_name: Annotated[str | None, deprecated_option("--repo-name")] = None,
    component: Annotated[
        str | None,
        typer.Option(
            "--component", "-c", help="The component every finding of these files belongs to.", show_default=False
        ),
    ] = None,
    scanned_at: Annotated[
        str | None,
        typer.Option(
            "--scanned-at",
            help="When the scan ran (ISO 8601). Default: the file's own time (SARIF invocation end, Trivy "
            "CreatedAt, Grype descriptor.timestamp, CycloneDX metadata.timestamp), else now.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import security findings and VEX statements. Findings are deduplicated across scanners by
    vulnerability id and aliases, package and component; a finding a later scan of the same scanner
    and target lacks is closed. Exit 0 when every file was imported, 1 when a file had an error
    (nothing of that file is written), 2 on wrong usage."""
    from charter.services.imports_findings import FindingImportRequest, import_finding_files

    request = FindingImportRequest(
        tuple(files), input_format, repository_name or old_repository_name, component, scanned_at
    )
    with import_context(repo) as context:
        outcome = import_finding_files(context, request)
    print_outcome(outcome, context.root, fail_on)
