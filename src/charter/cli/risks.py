"""`charter risks`: the risk register with its heat map, overdue reviews, risks above appetite,
uncommitted mitigations, missing owners and treatments, and changes since the last snapshot;
`--export poam` writes the open risks and findings as an OSCAL plan of action and milestones."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, WideOption, emit, emit_report, supported_day, warn


class RegisterFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


class Export(StrEnum):
    poam = "poam"


AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of",
        callback=supported_day,
        formats=["%Y-%m-%d"],
        help="The day reviews and acceptances are judged on (default: today).",
    ),
]


def risks_command(
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    output_format: Annotated[
        RegisterFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RegisterFormat.table,
    export: Annotated[
        Export | None, typer.Option("--export", help="Write the open risks and findings as an OSCAL POA&M instead.")
    ] = None,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """The risk register: levels by matrix lookup, heat map, overdue reviews, risks above appetite
    and whether acceptable, uncommitted mitigations, no owner or treatment, changes since the last
    snapshot."""
    from charter.outputs.poam import render_poam
    from charter.services.context import StoreNeed, open_context
    from charter.services.risks import REGISTER_FOLDERS, RisksQuery, poam_export, risk_register_report

    query = RisksQuery(as_of.date() if as_of else None)
    with open_context(repo, StoreNeed.OPTIONAL, folders=REGISTER_FOLDERS, warn=warn) as context:
        if export is Export.poam:
            emit(render_poam(poam_export(context, query)), output)
            return
        report = risk_register_report(context, query)
    emit_report(report, output_format.value, output, wide)
