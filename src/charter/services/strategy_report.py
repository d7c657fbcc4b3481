"""`charter report`: the strategy document from one snapshot and the strategy files, its executive
summary, and its rendering to HTML, PDF, Markdown or JSON written whole or not at all. The
document's clock is the snapshot's time, so the same snapshot gives the same bytes."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from datetime import date
from pathlib import Path

from charter import __version__
from charter.model.errors import UsageError
from charter.model.metric_values import Snapshot
from charter.outputs.views import strategy as view
from charter.services.context import Context
from charter.services.report_sections import (
    code_health_section,
    decisions_section,
    delivery_section,
    escalations_section,
    goals_section,
    health_section,
    reliability_section,
    review_section,
    risks_section,
    roadmap_section,
    security_section,
    snapshot_metrics,
    standards_section,
)
from charter.services.report_snapshot import ReportQuery, Trends, chosen_snapshot, period_start
from charter.services.report_summary import executive_summary

REPORT_FORMATS = ("html", "pdf", "markdown", "json")


def strategy_report(context: Context, query: ReportQuery) -> view.StrategyReport:
    """The strategy document as of the snapshot the query names (see `chosen_snapshot`)."""
    snapshot = chosen_snapshot(context, query.as_of, snapshot_metrics(context))
    at_snapshot = dataclasses.replace(context, clock=lambda: snapshot.taken_at)
    start = period_start(query.since, snapshot)
    series = Trends(at_snapshot, snapshot)
    report = view.StrategyReport(
        source=_source(at_snapshot, snapshot, start),
        summary=[],
        goals=goals_section(at_snapshot, snapshot),
        health=health_section(at_snapshot, snapshot, series),
        escalations=escalations_section(at_snapshot, snapshot),
        delivery=delivery_section(at_snapshot, snapshot, series),
        reliability=reliability_section(at_snapshot, snapshot, series),
        security=security_section(at_snapshot, snapshot, series),
        risks=risks_section(at_snapshot, snapshot),
        roadmap=roadmap_section(at_snapshot, snapshot),
        standards=standards_section(at_snapshot, snapshot),
        code_health=code_health_section(at_snapshot, snapshot, series),
        decisions=decisions_section(at_snapshot, start, snapshot.taken_at.date()),
        review=review_section(at_snapshot, query.since, snapshot) if query.since is not None else None,
    )
    return report.model_copy(update={"summary": executive_summary(report)})


def _source(context: Context, snapshot: Snapshot, start: date) -> view.ReportSource:
    return view.ReportSource(
        organization=context.organization_name,
        snapshot=snapshot.id,
        taken_at=snapshot.taken_at,
        strategy_commit=snapshot.repo_commit,
        snapshot_charter_version=snapshot.charter_version,
        charter_version=__version__,
        period_start=start,
        period_end=snapshot.taken_at.date(),
    )


def rendered_report(report: view.StrategyReport, format_name: str) -> bytes:
    """The document in one of REPORT_FORMATS, as the bytes to write. UsageError for another format,
    and when PDF cannot be made here (WeasyPrint or Pango missing), saying what to install."""
    from charter.outputs.pdf import PdfUnavailable, pdf_of
    from charter.outputs.report_registry import render_report
    from charter.outputs.strategy_page import strategy_page

    if format_name not in REPORT_FORMATS:
        raise UsageError(f"--format {format_name}: the report is written as one of {', '.join(REPORT_FORMATS)}")
    if format_name == "html":
        return strategy_page(report).encode("utf-8")
    if format_name == "pdf":
        try:
            return pdf_of(strategy_page(report))
        except PdfUnavailable as error:
            raise UsageError(f"--format pdf: {error}") from None
    return render_report(format_name, report).encode("utf-8")


def write_whole(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder renamed over it, so a
    failure leaves no half-written file; UsageError naming `--output` when the folder is not writable."""
    folder = path.parent if str(path.parent) else Path(".")
    temporary: str | None = None
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)  # as a file written by `open` would be, not mkstemp's 0600
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise UsageError(f"--output {path}: cannot write it ({error.strerror or error})") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
