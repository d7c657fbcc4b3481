"""`charter risks`: the risk register with its heat map, overdue reviews, risks above appetite,
uncommitted mitigations, missing owners and treatments, and changes since the last snapshot;
`--export poam` writes the open risks and findings as an OSCAL plan of action and milestones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, emit, fail, repository
from charter.cli.store import optional_store


class RegisterFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


class Export(StrEnum):
    poam = "poam"


AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of", formats=["%Y-%m-%d"], help="The day reviews and acceptances are judged on (default: today)."
    ),
]


# What the register and control coverage read: a few thousand documents, not the whole catalog.
REGISTER_FOLDERS = ("risks", "roadmap", "decisions", "controls")


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
) -> None:
    """The risk register: levels by matrix lookup, heat map, overdue reviews, risks above appetite
    and whether acceptable, uncommitted mitigations, no owner or treatment, changes since the last
    snapshot."""
    from charter.analysis.risk.register import build_register
    from charter.load.repository import load_strategy_repo
    from charter.model.finding import Finding
    from charter.outputs import risks as render
    from charter.outputs.poam import render_poam
    from charter.store.risk_register import read_previous_register

    root = repository(repo)
    today = as_of.date() if as_of else date.today()
    with optional_store(root) as store:
        estate = load_strategy_repo(root, store.parse_cache if store else None, REGISTER_FOLDERS)
        previous = None
        findings: list[Finding] = []
        if store is not None:
            with store.engine.connect() as connection:
                until = datetime.combine(today, time.max, UTC) if as_of else None
                previous = read_previous_register(connection, until)
                if export is Export.poam:
                    from charter.services.findings import read_findings  # only the export needs them

                    findings = read_findings(connection, open_only=True)
    register = build_register(estate, today, previous)
    if export is Export.poam:
        organization = estate.organization
        name = organization.metadata.name if organization else root.name
        try:
            text = render_poam(register, findings, organization=name, exported_at=datetime.now(UTC))
        except ValueError as error:
            fail(str(error))
        emit(text, output)
        return
    if output_format is RegisterFormat.table:
        emit(render.render_table(register, colour=output is None and _is_terminal()), output)
    elif output_format is RegisterFormat.json:
        emit(render.render_json(register), output)
    else:
        emit(render.render_markdown(register), output)


def _is_terminal() -> bool:
    import sys

    return sys.stdout.isatty()
