"""`charter security`: open findings by severity and SSVC priority, overdue findings with their
owners, known-exploited findings on internet-facing components, Scorecard gaps, the SEC
diagnostics and the trend; `--fail-on` makes the diagnostics a gate."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated

import typer

from charter.cli.check import FailOn
from charter.cli.options import OutputOption, RepoOption, ReportFormat, emit, fail, repository
from charter.cli.store import required_store


class SecurityBy(StrEnum):
    component = "component"
    team = "team"
    org = "org"


# What `charter security` reads of the strategy: owners, tiers, exposure and repositories from the
# catalog, and the exceptions that name findings in risks and decisions.
SECURITY_FOLDERS = ("catalog", "risks", "decisions")


def as_of_time(as_of: datetime | None) -> datetime:
    """The end of the `--as-of` day in UTC (a finding due that day is not yet late), else now."""
    if as_of is None:
        return datetime.now(UTC)
    return datetime.combine(as_of.date(), time.min, UTC) + timedelta(days=1) - timedelta(microseconds=1)


def security_command(
    repo: RepoOption = None,
    by: Annotated[SecurityBy, typer.Option("--by", help="Group by component, team or the organisation.")] = (
        SecurityBy.component
    ),
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Judge SLAs as of this day (default: now)."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Overdue and KEV findings listed (0: all).")] = 20,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a SEC diagnostic is at or above this severity.")
    ] = FailOn.never,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
) -> None:
    """Security posture from the store's findings, KEV, EPSS and Scorecard results: open findings by
    severity and SSVC priority, overdue findings with owner and days over, KEV exposure,
    access-control gaps, SEC diagnostics and the trend. Exit 0, or 1 when --fail-on is met, 2 on
    wrong usage."""
    import sqlite3

    import psycopg
    from sqlalchemy.exc import SQLAlchemyError

    from charter.analysis.metrics import Scope
    from charter.load.repository import load_strategy_repo
    from charter.model.diagnostics import Severity
    from charter.outputs import security as render
    from charter.security_facts import security_report
    from charter.workspace import Workspace

    root = repository(repo)
    with required_store(root) as store:
        # Only charter.yaml, the catalog, risks and decisions: half the documents of a large organisation.
        workspace = Workspace(root.resolve(), load_strategy_repo(root, store.parse_cache, SECURITY_FOLDERS), store)
        try:
            with store.engine.connect() as connection:
                report = security_report(workspace, connection, as_of_time(as_of), Scope(by.value))
        except (SQLAlchemyError, sqlite3.Error, psycopg.Error) as error:  # raw cursors raise the driver's errors
            fail(f"the store cannot be read: {error.__class__.__name__}: {error}", 1)
    renderers = {
        ReportFormat.table: render.render_table,
        ReportFormat.json: render.render_json,
        ReportFormat.csv: render.render_csv,
        ReportFormat.markdown: render.render_markdown,
    }
    emit(renderers[output_format](report, limit or None), output)
    if fail_on is not FailOn.never:
        threshold = Severity(fail_on.value)
        if any(item.severity.rank >= threshold.rank for item in report.diagnostics):
            raise typer.Exit(1)
