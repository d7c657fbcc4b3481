"""`charter import incidents FILE...`: incidents from PagerDuty, Opsgenie and incident.io exports.
Each file is one transaction: a file with a bad record writes nothing, the others still import."""

from __future__ import annotations

from typing import Annotated

import typer

from charter.cli.import_shared import FilesArgument, import_context, print_outcome
from charter.cli.options import FailOn, FailOnOption, RepoOption
from charter.model.file_formats import IncidentFormat


def incidents_command(
    files: FilesArgument,
    repo: RepoOption = None,
    fail_on: FailOnOption = FailOn.error,
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
    from charter.services.imports_incidents import IncidentImportRequest, import_incident_files

    with import_context(repo) as context:
        outcome = import_incident_files(context, IncidentImportRequest(tuple(files), input_format))
    print_outcome(outcome, context.root, fail_on)
