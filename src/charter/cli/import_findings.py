"""`charter import findings FILE...`: scanner results (SARIF, Trivy, Grype, pip-audit, npm audit,
OSV, CycloneDX) and VEX documents (CycloneDX VEX, OpenVEX). Each file is one transaction: a file with
a bad field writes nothing, the others still import."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli.imports import FilesArgument, _import_each, _opened_store
from charter.cli.options import RepoOption, fail, repository
from charter.model.file_formats import FindingFormat

if TYPE_CHECKING:
    from charter.sources.findings.importer import FindingImport
    from charter.sources.records import ImportReport


def findings_command(
    files: FilesArgument,
    repo: RepoOption = None,
    input_format: Annotated[
        FindingFormat | None,
        typer.Option("--input-format", help="The scanner format. Default: told from the content.", show_default=False),
    ] = None,
    repository_name: Annotated[
        str | None,
        typer.Option(
            "--repo-name",
            help="The repository the files were produced in: maps findings to its components and names the "
            "target of scans that name none (pip-audit, npm audit, osv-scanner).",
            show_default=False,
        ),
    ] = None,
    component: Annotated[
        str | None,
        typer.Option("--component", help="The component every finding of these files belongs to.", show_default=False),
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
    from charter.services.workspace import open_workspace
    from charter.sources.findings.components import ComponentMatcher, forced_component
    from charter.sources.findings.importer import FindingImportOptions, import_findings
    from charter.sources.records import parse_timestamp

    root = repository(repo)
    forced = None
    if component is not None:
        try:
            forced = forced_component(component)
        except ValueError as error:
            fail(f"--component: {error}")
    moment: datetime | None = None
    if scanned_at is not None:
        try:
            moment = parse_timestamp(scanned_at)
        except ValueError:
            fail(f"--scanned-at {scanned_at!r} is not an ISO 8601 time, such as 2026-05-01T14:30:00Z")
    with _opened_store(root) as store:
        matcher = ComponentMatcher.from_estate(open_workspace(root, store).estate)
        if forced is not None and not matcher.known(forced):
            fail(f"--component: {component!r} is not a component of the catalog")
        options = FindingImportOptions(input_format, repository_name, forced, moment, matcher)

        def one(path: Path) -> tuple[ImportReport, str]:
            result = import_findings(store, path, options)
            return result.report, _what(result)

        _import_each(root, files, one)


def _what(result: FindingImport) -> str:
    """`findings (12 new, 3 closed, 2 unmapped) and 1 VEX statement`."""
    parts = [f"{result.new} new", f"{result.closed} closed"]
    if result.unmapped:
        parts.append(f"{result.unmapped} unmapped")
    what = f"findings ({', '.join(parts)})"
    if result.statements:
        what += f" and {result.statements} VEX {'statement' if result.statements == 1 else 'statements'}"
    return what
