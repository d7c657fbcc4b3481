"""The server's views laid out as every report is: the overview, tokens and the audit log in the
text formats, and metric values written as people read them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from charter.outputs.report_registry import render_report
from charter.outputs.reports.overview import metric_text
from charter.outputs.views.overview import Count, OverviewMetric, OverviewReport, ScopeFilter, SnapshotInfo
from charter.outputs.views.tokens import AuditEntryView, AuditLog, TokenList, TokenView

AT = datetime(2026, 11, 1, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (None, "seconds", "—"),
        (90_310.0, "seconds", "1.0 d"),
        (7_200.0, "seconds", "2.0 h"),
        (300.0, "seconds", "5.0 min"),
        (12.0, "seconds", "12 s"),
        (0.0425, "ratio", "4.2 %"),
        (1.2891, "per_day", "1.289 per_day"),
        (19.5, "count", "19.5 count"),
    ],
)
def test_a_metric_value_reads_as_people_write_it(value: float | None, unit: str, text: str) -> None:
    assert metric_text(value, unit) == text


def _overview(snapshot: bool) -> OverviewReport:
    return OverviewReport(
        organization="acme",
        filter=ScopeFilter(team="payments", description="team payments"),
        as_of="2026-11-01",
        snapshot=SnapshotInfo(id=3, taken_at=AT, repo_commit="0123456789abcdef") if snapshot else None,
        counts=[Count(name="components", value=4, evidence="standards")],
        metrics=[
            OverviewMetric(
                metric="delivery.lead_time_for_changes.p50",
                scope="group:payments",
                value=7200.0,
                unit="seconds",
                description="",
                evidence="delivery",
            )
        ]
        if snapshot
        else [],
        metrics_total=1 if snapshot else 0,
        metrics_shown=1 if snapshot else 0,
    )


def test_the_overview_in_markdown_csv_and_json() -> None:
    markdown = render_report("markdown", _overview(True))
    assert (
        "acme: team payments" in markdown
        and "Snapshot 3, taken 2026-11-01 23:59 UTC at commit 0123456789ab" in markdown
    )
    assert "| delivery.lead_time_for_changes.p50 | group:payments | 2.0 h |" in markdown
    assert (
        render_report("csv", _overview(True)).splitlines()[1]
        == "delivery.lead_time_for_changes.p50,group:payments,7200.0,seconds"
    )
    assert '"takenAt": "2026-11-01T23:59:59+00:00"' in render_report("json", _overview(True))
    assert "No snapshot on or before 2026-11-01" in render_report("markdown", _overview(False))


def test_tokens_and_the_audit_log_never_show_a_token() -> None:
    token = TokenView(
        id=1,
        name="ci",
        role="ingest",
        prefix="charter_abcdef",
        state="active",
        created=AT,
        expires=None,
        last_used=None,
        revoked=None,
    )
    listed = render_report("markdown", TokenList(tokens=[token], total=1))
    assert "| 1 | ci | ingest | charter_abcdef… | active | 2026-11-01 23:59 | never | — |" in listed
    log = AuditLog(
        entries=[
            AuditEntryView(id=1, at=AT, actor="cli", action="token.create", target="token:1", detail="ci (ingest)")
        ],
        total=1,
        offset=0,
        limit=50,
    )
    assert "token.create" in render_report("csv", log)
