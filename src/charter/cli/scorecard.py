"""`charter scorecard`: every Standard against the entities it applies to."""

from __future__ import annotations

from typing import Annotated

import typer

from charter.cli.options import OutputOption, RepoOption, ReportFormat, emit, repository
from charter.cli.store import optional_store


def scorecard_command(
    repo: RepoOption = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
    output: OutputOption = None,
) -> None:
    """Score every component against the standards: levels, failing rules, rollups per team and system."""
    from charter.analysis.scorecard import build_scorecards
    from charter.outputs import scorecard as render
    from charter.workspace import open_workspace

    renderers = {
        ReportFormat.table: render.render_table,
        ReportFormat.json: render.render_json,
        ReportFormat.csv: render.render_csv,
        ReportFormat.markdown: render.render_markdown,
    }
    root = repository(repo)
    with optional_store(root) as store:
        workspace = open_workspace(root, store)
        cards = build_scorecards(workspace.estate, workspace.metric_values())
    emit(renderers[output_format](cards), output)
