"""`charter import incidents FILE...`: incidents from PagerDuty, Opsgenie and incident.io exports.
Each file is one transaction: a file with a bad record writes nothing, the others still import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli.imports import FilesArgument, _import_each, _opened_store
from charter.cli.options import RepoOption, repository
from charter.model.file_formats import IncidentFormat

if TYPE_CHECKING:
    from charter.sources.records import ImportReport


def incidents_command(
    files: FilesArgument,
    repo: RepoOption = None,
    input_format: Annotated[
        IncidentFormat | None,
        typer.Option(
            "--input-format",
            help="pagerduty, opsgenie or incident-io. Default: told from the content (JSON or CSV).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import incidents from PagerDuty (API JSON, web UI CSV, DevLake raw table), Opsgenie (API JSON,
    CSV) or incident.io (API JSON, CSV) exports. Re-importing an export updates its incidents.
    Exit 0 when every file was imported, 1 when a file had a bad record, 2 on wrong usage."""
    from charter.services.workspace import open_workspace
    from charter.sources.incidents.common import IncidentImportOptions, service_components
    from charter.sources.incidents.files import import_incidents

    root = repository(repo)
    with _opened_store(root) as store:
        workspace = open_workspace(root, store)
        organization = workspace.estate.organization
        severity_map = organization.spec.sources.incidents.severity_map if organization else {}
        options = IncidentImportOptions(input_format, severity_map, service_components(workspace.estate))

        def one(path: Path) -> tuple[ImportReport, str]:
            return import_incidents(store, path, options), "incidents"

        _import_each(root, files, one)
