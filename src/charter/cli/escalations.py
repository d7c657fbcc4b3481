"""`charter escalations`: what must be escalated, by the owner who must act, recorded in the
ledger; `--fail-on` makes it a gate for CI or a nightly job. `charter escalations ack ID --reason`
records who acknowledged one, when and why."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer

from charter.cli.options import (
    FailOn,
    FailOnOption,
    OutputOption,
    RepoOption,
    WideOption,
    emit,
    emit_report,
    supported_day,
)


class EscalationFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    junit = "junit"
    html = "html"


DIAGNOSTIC_FORMATS = frozenset({EscalationFormat.sarif, EscalationFormat.junit})

escalations_app = typer.Typer(
    help="Escalations across domains, by owner, with a ledger (first seen, acknowledged, resolved); "
    "`charter escalations ack` acknowledges one.",
)


@escalations_app.callback(invoke_without_command=True)
def escalations_command(
    context: typer.Context,
    repo: RepoOption = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            callback=supported_day,
            formats=["%Y-%m-%d"],
            help="Evaluate at the end of this day (default: now).",
        ),
    ] = None,
    fail_on: FailOnOption = FailOn.never,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report without writing the ledger (first seen, resolved).")
    ] = False,
    output_format: Annotated[
        EscalationFormat, typer.Option("--format", "-f", help="Output format.")
    ] = EscalationFormat.table,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """Raise every escalation (ESC codes: repeated incidents with no funded fix, security exposure,
    over-committed quarters, budget exhausted while deploying, risks above appetite unfunded,
    migrations without safety, critical components without an owning group, targets off track
    and unfunded), grouped by the owner who must act, and record
    them in the ledger. Exit 0, or 1 when --fail-on is met, 2 on wrong usage."""
    if context.invoked_subcommand is not None:
        return
    from charter.model.diagnostics import Severity
    from charter.model.errors import GateFailed
    from charter.outputs.registry import render_diagnostics
    from charter.services.escalations import EscalationsQuery, escalations_report, open_escalations_context

    query = EscalationsQuery(
        as_of=as_of.date() if as_of else None,
        fail_on=None if fail_on is FailOn.never else Severity(fail_on.value),
        record=not dry_run,
    )
    with open_escalations_context(repo) as strategy:
        outcome = escalations_report(strategy, query)
    if output_format in DIAGNOSTIC_FORMATS:
        emit(render_diagnostics(output_format.value, outcome.diagnostics), output)
    else:
        emit_report(outcome.view, output_format.value, output, wide)
    if outcome.gate_met:
        raise GateFailed()


@escalations_app.command("ack")
def ack_command(
    escalation: Annotated[str, typer.Argument(help="The escalation's id, as `charter escalations` lists it.")],
    reason: Annotated[str, typer.Option("--reason", help="Why: what is being done, or who is on it.")],
    repo: RepoOption = None,
) -> None:
    """Acknowledge an escalation: record who (git's user, else $USER), when and why."""
    from charter.services.escalations import acknowledge_escalation, open_escalations_context

    with open_escalations_context(repo) as strategy:
        entry = acknowledge_escalation(strategy, escalation, reason)
    typer.echo(f"acknowledged {entry.id} ({entry.subject}) as {entry.acknowledged_by}")
