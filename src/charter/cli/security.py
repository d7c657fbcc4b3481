"""`charter security`: open findings by severity and SSVC priority, overdue findings with their
owners, known-exploited findings on internet-facing components, Scorecard gaps, the SEC
diagnostics and the trend; `--fail-on` makes the diagnostics a gate."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.cli.check import FailOn
from charter.cli.options import OutputOption, RepoOption, ReportFormat, emit, fail, repository
from charter.cli.store import required_store

if TYPE_CHECKING:
    from charter.analysis.metrics import Scope
    from charter.model.diagnostics import Severity


class SecurityBy(StrEnum):
    component = "component"
    team = "team"
    org = "org"


# What `charter security` reads of the strategy: owners, tiers, exposure and repositories from the
# catalog, and the exceptions that name findings in risks and decisions.
SECURITY_FOLDERS = ("catalog", "risks", "decisions")
EXCEPTION_FOLDERS = ("risks", "decisions")  # read for their exceptions alone
_FINDING = re.compile(rb"finding", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SecurityFiles:
    """Which strategy files `charter security` reads: the catalog, and of the risks and decisions
    only the files that say "finding". An exception names its findings in a `findings:` list or as
    `finding:ID`, so a file without the word grants none, and its documents (thousands in a large
    organisation) need not be parsed."""

    naming_findings: frozenset[Path]  # risk and decision files, under the resolved root

    @classmethod
    def of(cls, root: Path) -> SecurityFiles:
        from charter.load.files import STRATEGY_FOLDERS, walk_files

        resolved = root.resolve()
        return cls(
            frozenset(
                path
                for folder in EXCEPTION_FOLDERS
                for path in walk_files(resolved / folder, STRATEGY_FOLDERS[folder])
                if isinstance(path, Path) and _names_findings(path)
            )
        )

    def read(self, folder: str, path: Path) -> bool:
        return folder not in EXCEPTION_FOLDERS or path in self.naming_findings


def _names_findings(path: Path) -> bool:
    try:
        return _FINDING.search(path.read_bytes()) is not None
    except OSError:
        return True  # the loader reports it


def as_of_time(as_of: datetime | None) -> datetime:
    """The end of the `--as-of` day in UTC (a finding due that day is not yet late), else now."""
    if as_of is None:
        return datetime.now(UTC)
    return datetime.combine(as_of.date(), time.min, UTC) + timedelta(days=1) - timedelta(microseconds=1)


def store_errors() -> tuple[type[Exception], ...]:
    """What reading the store raises: SQLAlchemy's errors, and the drivers' own, which raw cursors
    raise, of the drivers loaded (psycopg only for PostgreSQL: importing it costs a SQLite store a
    tenth of a second)."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    psycopg = sys.modules.get("psycopg")
    drivers: tuple[type[Exception], ...] = (sqlite3.Error,) if psycopg is None else (sqlite3.Error, psycopg.Error)
    return (SQLAlchemyError, *drivers)


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
    from charter.analysis.metrics import Scope
    from charter.load.repository import collector_paused
    from charter.model.diagnostics import Severity

    # The organisation and hundreds of thousands of findings' values are read: no hunt for cycles
    # through them while they live (they are let go before the collector runs again).
    with collector_paused():
        text, severities = security_text(repository(repo), as_of_time(as_of), Scope(by.value), output_format, limit)
    emit(text, output)
    if fail_on is not FailOn.never:
        threshold = Severity(fail_on.value)
        if any(severity.rank >= threshold.rank for severity in severities):
            raise typer.Exit(1)


def security_text(
    root: Path, as_of: datetime, by: Scope, output_format: ReportFormat, limit: int
) -> tuple[str, list[Severity]]:
    """The report in this format, and the severities of its diagnostics."""
    from charter.load.repository import load_strategy_repo
    from charter.outputs import security as render
    from charter.services.security_facts import security_report
    from charter.services.workspace import Workspace

    renderers = {
        ReportFormat.table: render.render_table,
        ReportFormat.json: render.render_json,
        ReportFormat.csv: render.render_csv,
        ReportFormat.markdown: render.render_markdown,
    }
    with required_store(root) as store:
        # Only charter.yaml, the catalog, and the risks and decisions that may grant exceptions: less
        # than half the documents of a large organisation.
        estate = load_strategy_repo(root, store.parse_cache, SECURITY_FOLDERS, SecurityFiles.of(root).read)
        workspace = Workspace(root.resolve(), estate, store)
        try:
            # Rendered with the connection open: the details of the findings listed are read as they are.
            with store.engine.connect() as connection:
                report = security_report(workspace, connection, as_of, by)
                return renderers[output_format](report, limit or None), [item.severity for item in report.diagnostics]
        except store_errors() as error:
            fail(f"the store cannot be read: {error.__class__.__name__}: {error}", 1)
