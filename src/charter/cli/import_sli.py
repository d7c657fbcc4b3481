"""`charter import sli FILE...` (CSV of good / total counts per SLO and minute) and `charter import
sli --from-prometheus` (pull them from `spec.sources.prometheus`). Each file is one transaction; a
pull writes nothing when any query fails."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from charter.cli.options import FailOn, FailOnOption, RepoOption, gate_met, print_diagnostics, supported_day
from charter.model.errors import GateFailed


def sli_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="CSV files (slo,timestamp,good,total), each in its own transaction.")
    ] = None,
    repo: RepoOption = None,
    fail_on: FailOnOption = FailOn.error,
    from_prometheus: Annotated[
        bool,
        typer.Option("--from-prometheus", help="Pull every SLO's counts over its window from spec.sources.prometheus."),
    ] = False,
    until: Annotated[
        datetime | None,
        typer.Option(
            "--until",
            callback=supported_day,
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"],
            help="With --from-prometheus: the end of the pulled windows (UTC unless a zone is given). Default: now.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import SLI counts. Exit 0 when everything was imported, 1 when a file (or the pull) had an
    error (nothing of it is written), 2 on wrong usage."""
    from charter.services.context import StoreNeed, open_context
    from charter.services.imports_sli import SliImportRequest, import_sli

    with open_context(repo, StoreNeed.REQUIRED) as context:
        outcome = import_sli(context, SliImportRequest(tuple(files or ()), from_prometheus, until))
    file_diagnostics = [item for report in outcome.files for item in report.diagnostics]
    if file_diagnostics:
        print_diagnostics(file_diagnostics, context.root, per_code=20)
    for report in outcome.files:
        typer.echo(report.summary)
    if outcome.pull is not None:
        if outcome.pull.diagnostics:
            print_diagnostics(outcome.pull.diagnostics, context.root, per_code=20)
        typer.echo(outcome.pull.summary)
    pulled = list(outcome.pull.diagnostics) if outcome.pull is not None else []
    if gate_met([*file_diagnostics, *pulled], fail_on, outcome.failed):
        raise GateFailed()  # what failed is printed above
