"""`charter assess`: a score from 0 to 100 per area (delivery, reliability, security, maintainability,
operational readiness) for every component, system, team or the organisation, with the confidence of
each and the next steps per team; `--explain REF` lists every check behind a scope's scores."""

from __future__ import annotations

from typing import Annotated

import typer

from charter.cli.codehealth import AsOfOption, as_of_moment
from charter.cli.delivery import By
from charter.cli.options import OutputOption, RepoOption, ReportFormat, WideOption, emit_report, warn


def assess_command(
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    by: Annotated[By, typer.Option("--by", help="Scores per component, system, team or the organisation.")] = By.team,
    explain: Annotated[
        str | None,
        typer.Option("--explain", help="Every check behind the scores of this component, system, team or `org`."),
    ] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """Score every service's delivery, reliability, security, maintainability and operational readiness
    from 0 to 100, with the confidence of each score, rolled up by tier to systems, teams and the org."""
    from charter.services.assess import ASSESS_FOLDERS, AssessQuery, assess_report
    from charter.services.context import StoreNeed, open_context

    with open_context(repo, StoreNeed.OPTIONAL, folders=ASSESS_FOLDERS, warn=warn) as context:
        report = assess_report(context, AssessQuery(as_of_moment(as_of), by.value, explain))
    emit_report(report, output_format.value, output, wide)
