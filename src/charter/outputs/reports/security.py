"""`charter security` laid out: the title, then one table per section (open findings per scope, the
most urgent, the overdue, the known-exploited, Scorecard gaps, diagnostics, the trend), empty
sections left out and long ones cut to the view's limit; the CSV holds the per-scope counts, one
metric a row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TypeVar

from charter.model.finding import SEVERITY_ORDER
from charter.outputs.document import TERMINAL, Block, CsvTable, Document, Heading, Paragraph, TableBlock, only
from charter.outputs.views.security import (
    TREND_METRICS,
    AssessedFinding,
    KevExposure,
    ScopeCounts,
    ScorecardGap,
    SecurityReport,
    TrendPoint,
)

NO_SCOPE = "(unmapped)"
NONE = "–"
SEVERITIES = SEVERITY_ORDER[:4]  # critical, high, medium, low; none and unknown count in `open` only
PRIORITY_LABELS = {"act": "Act", "attend": "Attend", "track*": "Track*", "track": "Track"}

COUNT_HEADERS = ["scope", "open", *SEVERITIES, *PRIORITY_LABELS.values(), "overdue", "KEV exposed"]
OVERDUE_HEADERS = ["finding", "severity", "component", "owner", "SSVC", "due", "days over"]
URGENT_HEADERS = ["finding", "severity", "component", "owner", "SSVC", "EPSS", "due", "days over"]
KEV_HEADERS = ["CVE", "component", "owner", "in KEV since", "exposed since", "days", "ransomware", "SSVC"]
GAP_HEADERS = ["repository", "check", "kind", "score", "minimum", "components"]
DIAGNOSTIC_HEADERS = ["code", "severity", "message"]
# What a narrow terminal leaves out first, table by table.
COUNT_DROP_FIRST = ["low", "medium", "Track", "Track*"]
URGENT_DROP_FIRST = ["EPSS", "owner", "due"]
KEV_DROP_FIRST = ["ransomware", "in KEV since", "owner"]
TREND_HEADERS = ["snapshot", "critical", "high", "overdue", "KEV exposed", "Act"]

Item = TypeVar("Item")


def _limited(items: Sequence[Item], limit: int | None) -> Sequence[Item]:
    return items if not limit else items[:limit]


def _shown(what: str, shown: int, total: int) -> str:
    return f" (the {shown} {what})" if shown < total else ""


def _name(item: AssessedFinding) -> str:
    name = item.vulnerability_id or item.rule_id or item.key
    return f"{name} ({item.package})" if item.package else name


def _count_row(counts: ScopeCounts) -> list[str]:
    return [
        counts.scope or NO_SCOPE,
        str(counts.open),
        *(str(counts.by_severity[severity]) for severity in SEVERITIES),
        *(str(counts.by_priority[priority]) for priority in PRIORITY_LABELS),
        str(counts.overdue),
        str(counts.kev_exposed),
    ]


def _overdue_row(item: AssessedFinding) -> list[str]:
    return [
        _name(item),
        item.severity + (" (KEV)" if item.sla_rule == "kev" else ""),
        item.component or NO_SCOPE,
        item.owner or NONE,
        item.ssvc.path,
        item.due.isoformat() if item.due else NONE,
        str(item.days_over),
    ]


def _urgent_row(item: AssessedFinding) -> list[str]:
    row = _overdue_row(item)
    return [*row[:5], NONE if item.epss is None else f"{item.epss:.3f}", *row[5:]]


def _kev_row(item: KevExposure) -> list[str]:
    return [
        item.vulnerability_id or _name(item),
        item.component or NO_SCOPE,
        item.owner or NONE,
        item.kev_date_added.isoformat() if item.kev_date_added else NONE,
        item.exposed_since.isoformat(),
        str(item.exposed_days),
        "known" if item.known_ransomware else NONE,
        item.ssvc.path,
    ]


def _gap_row(gap: ScorecardGap) -> list[str]:
    return [
        gap.repository,
        gap.check,
        gap.kind,
        str(gap.score),
        f"{gap.minimum:g}",
        ", ".join(gap.components) or NO_SCOPE,
    ]


def _trend_row(point: TrendPoint) -> list[str]:
    def cell(value: float | None) -> str:
        return NONE if value is None else f"{value:g}"

    return [point.taken_at.strftime("%Y-%m-%d %H:%M"), *(cell(point.values.get(metric)) for metric in TREND_METRICS)]


def _code_counts(view: SecurityReport) -> str:
    """`SEC001 ×2, SEC002 ×40`"""
    counts = Counter(item.code for item in view.diagnostics)
    return ", ".join(f"{code} ×{count}" for code, count in sorted(counts.items()))


def _sections(view: SecurityReport) -> list[TableBlock]:
    """A table per section with rows, lists cut to the view's limit (the JSON and CSV have every
    scope, gap and diagnostic)."""
    limit = view.limit
    scopes = _limited(view.scopes, limit)
    gaps = _limited(view.scorecard_gaps, limit)
    diagnostics = _limited(view.diagnostics, limit)
    sections = [
        TableBlock.of(
            COUNT_HEADERS,
            [_count_row(counts) for counts in scopes],
            COUNT_DROP_FIRST,
            title="Open findings" + _shown(f"most urgent of {len(view.scopes)}", len(scopes), len(view.scopes)),
        ),
        TableBlock.of(
            URGENT_HEADERS,
            [_urgent_row(item) for item in view.most_urgent],
            URGENT_DROP_FIRST,
            title=f"Highest SSVC priority: the {len(view.most_urgent)} most urgent of {view.total.open}",
        ),
        TableBlock.of(
            OVERDUE_HEADERS,
            [_overdue_row(item) for item in view.overdue],
            title=f"Past remediation SLA: {view.overdue_total}"
            + _shown("most overdue", len(view.overdue), view.overdue_total),
        ),
        TableBlock.of(
            KEV_HEADERS,
            [_kev_row(item) for item in view.kev_exposure],
            KEV_DROP_FIRST,
            title=f"Known exploited on internet-facing components: {view.kev_exposure_total}"
            + _shown("longest exposed", len(view.kev_exposure), view.kev_exposure_total),
        ),
        TableBlock.of(
            GAP_HEADERS,
            [_gap_row(gap) for gap in gaps],
            title=f"Scorecard checks below policy: {len(view.scorecard_gaps)}"
            + _shown("first", len(gaps), len(view.scorecard_gaps)),
        ),
        TableBlock.of(
            DIAGNOSTIC_HEADERS,
            [[item.code, item.severity, item.message] for item in diagnostics],
            title=f"Diagnostics: {_code_counts(view)}" + _shown("first", len(diagnostics), len(view.diagnostics)),
        ),
        TableBlock.of(
            TREND_HEADERS, [_trend_row(point) for point in view.trend], title="Trend (organisation, from snapshots)"
        ),
    ]
    return [section for section in sections if section.rows]


def _csv(view: SecurityReport) -> CsvTable:
    rows: list[list[object]] = []
    for counts in view.scopes:
        scope = counts.scope or NO_SCOPE
        rows.append([scope, "open", counts.open])
        rows += [[scope, f"severity.{severity}", value] for severity, value in counts.by_severity.items()]
        rows += [[scope, f"priority.{priority}", value] for priority, value in counts.by_priority.items()]
        rows.append([scope, "overdue", counts.overdue])
        rows.append([scope, "kev_exposed", counts.kev_exposed])
    return CsvTable(["scope", "metric", "value"], rows)


def security_document(view: SecurityReport) -> Document:
    terminal = only(TERMINAL)
    blocks: list[Block] = [Heading(f"Security as of {view.as_of.date().isoformat()} by {view.by}")]
    if not view.total.open:
        blocks.append(
            Paragraph(
                "No open findings. Import scanner results (`charter import findings`), then KEV and EPSS "
                "(`charter import kev`, `charter import epss`).",
                only=terminal,
            )
        )
    blocks += _sections(view)
    if view.unmapped_repositories:
        blocks.append(
            Paragraph(
                f"Scorecard results for repositories no component names: {', '.join(view.unmapped_repositories)}",
                only=terminal,
            )
        )
    return Document(blocks, _csv(view), width=180)
