"""`charter security` renderers: open findings by severity and SSVC priority per scope, overdue
findings with owner and days over, known-exploited findings on internet-facing components,
Scorecard gaps, the SEC diagnostics and the trend from snapshots; as a terminal table, JSON, CSV
(the per-scope counts) or Markdown."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from charter.analysis.security.posture import AssessedFinding, KevExposure
from charter.analysis.security.scope_counts import ScopeCounts
from charter.analysis.security.ssvc import Priority
from charter.model.finding import SEVERITY_ORDER
from charter.outputs.json_text import indented_json
from charter.outputs.markdown import markdown_table
from charter.services.security_facts import TREND_METRICS, SecurityReport

NO_SCOPE = "(unmapped)"
SEVERITIES = SEVERITY_ORDER[:4]  # critical, high, medium, low; none and unknown count in `open` only
PRIORITIES = tuple(reversed(Priority))  # act first


def _limited(items: Sequence[Any], limit: int | None) -> Sequence[Any]:
    return items if not limit else items[:limit]


def _title(report: SecurityReport) -> str:
    return f"Security as of {report.assessment.as_of.date().isoformat()} by {report.by.value}"


def _name(item: AssessedFinding) -> str:
    finding = item.finding
    name = finding.vulnerability_id or finding.rule_id or finding.key
    return f"{name} ({finding.package})" if finding.package else name


# Data (JSON) -------------------------------------------------------------------------------------


def _counts_data(counts: ScopeCounts) -> dict[str, Any]:
    return {
        "scope": counts.scope,
        "open": counts.open,
        "bySeverity": {severity: counts.by_severity[severity] for severity in SEVERITY_ORDER},
        "byPriority": {priority.value: counts.by_priority[priority.value] for priority in PRIORITIES},
        "overdue": counts.overdue,
        "kevExposed": counts.kev_exposed,
        "excepted": counts.excepted,
    }


def _finding_data(item: AssessedFinding) -> dict[str, Any]:
    finding, status, decision = item.finding, item.remediation, item.decision
    return {
        "key": finding.key,
        "vulnerabilityId": finding.vulnerability_id,
        "aliases": list(finding.aliases),
        "package": finding.package,
        "severity": finding.severity,
        "scanner": finding.scanner,
        "component": item.component,
        "owner": item.team,
        "firstSeen": finding.first_seen.isoformat() if finding.first_seen else None,
        "priority": decision.priority.value,
        "ssvc": {
            "exploitation": decision.exploitation.value,
            "exposure": decision.exposure.value,
            "automatable": decision.automatable.value,
            "humanImpact": decision.human_impact.value,
            "path": decision.path,
        },
        "epss": item.epss,
        "kev": item.kev is not None,
        "slaDays": status.sla_days,
        "slaRule": status.rule,
        "due": status.due.isoformat() if status.due else None,
        "daysOver": status.days_over,
        "exception": status.exception.source if status.exception else None,
    }


def _exposure_data(exposure: KevExposure) -> dict[str, Any]:
    kev = exposure.assessed.kev
    return {
        **_finding_data(exposure.assessed),
        "kevDateAdded": kev.date_added.isoformat() if kev else None,
        "kevDueDate": kev.due_date.isoformat() if kev and kev.due_date else None,
        "knownRansomware": kev.known_ransomware if kev else None,
        "exposedSince": exposure.since.isoformat(),
        "exposedDays": exposure.days,
    }


def security_as_data(report: SecurityReport, limit: int | None = None) -> dict[str, Any]:
    assessment = report.assessment
    return {
        "asOf": assessment.as_of.isoformat(),
        "by": report.by.value,
        "total": _counts_data(assessment.total),
        "scopes": [_counts_data(counts) for counts in assessment.by(report.by)],
        "mostUrgent": [_finding_data(item) for item in assessment.most_urgent(limit)],
        "overdueTotal": assessment.overdue_count,
        "overdue": [_finding_data(item) for item in assessment.overdue(limit)],
        "kevExposureTotal": len(assessment.kev_exposures),
        "kevExposure": [_exposure_data(item) for item in _limited(assessment.kev_exposures, limit)],
        "scorecardGaps": [
            {
                "repository": gap.check.repository,
                "check": gap.check.check,
                "kind": gap.kind.value,
                "score": gap.check.score,
                "minimum": gap.minimum,
                "reason": gap.check.reason,
                "scoredAt": gap.check.scored_at.isoformat(),
                "components": list(gap.components),
            }
            for gap in assessment.gaps.gaps
        ],
        "unmappedRepositories": list(assessment.gaps.unmapped_repositories),
        "diagnostics": [
            {"code": item.code, "severity": item.severity.value, "message": item.message, "entity": item.entity}
            for item in report.diagnostics
        ],
        "trend": [{"takenAt": point.taken_at.isoformat(), "values": point.values} for point in report.trend],
    }


def render_json(report: SecurityReport, limit: int | None = None) -> str:
    return indented_json(security_as_data(report, limit))


# Rows shared by the table and Markdown -------------------------------------------------------------

COUNT_HEADERS = ["scope", "open", *SEVERITIES, *(priority.label for priority in PRIORITIES), "overdue", "KEV exposed"]
OVERDUE_HEADERS = ["finding", "severity", "component", "owner", "SSVC", "due", "days over"]
URGENT_HEADERS = ["finding", "severity", "component", "owner", "SSVC", "EPSS", "due", "days over"]
KEV_HEADERS = ["CVE", "component", "owner", "in KEV since", "exposed since", "days", "ransomware", "SSVC"]
GAP_HEADERS = ["repository", "check", "kind", "score", "minimum", "components"]
DIAGNOSTIC_HEADERS = ["code", "severity", "message"]
TREND_HEADERS = ["snapshot", "critical", "high", "overdue", "KEV exposed", "Act"]


def _count_row(counts: ScopeCounts) -> list[str]:
    return [
        counts.scope or NO_SCOPE,
        str(counts.open),
        *(str(counts.by_severity[severity]) for severity in SEVERITIES),
        *(str(counts.by_priority[priority.value]) for priority in PRIORITIES),
        str(counts.overdue),
        str(counts.kev_exposed),
    ]


def _overdue_row(item: AssessedFinding) -> list[str]:
    status = item.remediation
    return [
        _name(item),
        item.finding.severity + (" (KEV)" if status.rule == "kev" else ""),
        item.component or NO_SCOPE,
        item.team or "–",
        item.decision.path,
        status.due.isoformat() if status.due else "–",
        str(status.days_over),
    ]


def _urgent_row(item: AssessedFinding) -> list[str]:
    row = _overdue_row(item)
    return [*row[:5], "–" if item.epss is None else f"{item.epss:.3f}", *row[5:]]


def _kev_row(exposure: KevExposure) -> list[str]:
    item = exposure.assessed
    kev = item.kev
    return [
        kev.cve if kev else _name(item),
        item.component or NO_SCOPE,
        item.team or "–",
        kev.date_added.isoformat() if kev else "–",
        exposure.since.isoformat(),
        str(exposure.days),
        "known" if kev and kev.known_ransomware else "–",
        item.decision.path,
    ]


def _gap_rows(report: SecurityReport) -> list[list[str]]:
    return [
        [
            gap.check.repository,
            gap.check.check,
            gap.kind.value,
            str(gap.check.score),
            f"{gap.minimum:g}",
            ", ".join(gap.components) or NO_SCOPE,
        ]
        for gap in report.assessment.gaps.gaps
    ]


def _trend_rows(report: SecurityReport) -> list[list[str]]:
    def cell(value: float | None) -> str:
        return "–" if value is None else f"{value:g}"

    return [
        [point.taken_at.strftime("%Y-%m-%d %H:%M"), *(cell(point.values.get(metric)) for metric in TREND_METRICS)]
        for point in report.trend
    ]


def _shown(what: str, shown: int, total: int) -> str:
    return f" (the {shown} {what})" if shown < total else ""


def _sections(report: SecurityReport, limit: int | None) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, headers, rows) of every section, empty ones left out; lists cut to `limit` rows (the
    JSON and CSV have every scope and every diagnostic)."""
    assessment = report.assessment
    scopes = assessment.by(report.by)
    overdue = assessment.overdue(limit)
    urgent = assessment.most_urgent(limit)
    exposures = assessment.kev_exposures
    gaps = _gap_rows(report)
    diagnostics = report.diagnostics
    sections = [
        (
            "Open findings" + _shown(f"most urgent of {len(scopes)}", len(_limited(scopes, limit)), len(scopes)),
            COUNT_HEADERS,
            [_count_row(counts) for counts in _limited(scopes, limit)],
        ),
        (
            f"Highest SSVC priority: the {len(urgent)} most urgent of {assessment.total.open}",
            URGENT_HEADERS,
            [_urgent_row(item) for item in urgent],
        ),
        (
            f"Past remediation SLA: {assessment.overdue_count}"
            + _shown("most overdue", len(overdue), assessment.overdue_count),
            OVERDUE_HEADERS,
            [_overdue_row(item) for item in overdue],
        ),
        (
            f"Known exploited on internet-facing components: {len(exposures)}"
            + _shown("longest exposed", len(_limited(exposures, limit)), len(exposures)),
            KEV_HEADERS,
            [_kev_row(item) for item in _limited(exposures, limit)],
        ),
        (
            f"Scorecard checks below policy: {len(gaps)}" + _shown("first", len(_limited(gaps, limit)), len(gaps)),
            GAP_HEADERS,
            list(_limited(gaps, limit)),
        ),
        (
            f"Diagnostics: {_code_counts(report)}"
            + _shown("first", len(_limited(diagnostics, limit)), len(diagnostics)),
            DIAGNOSTIC_HEADERS,
            [[item.code, item.severity.value, item.message] for item in _limited(diagnostics, limit)],
        ),
        ("Trend (organisation, from snapshots)", TREND_HEADERS, _trend_rows(report)),
    ]
    return [section for section in sections if section[2]]


def _code_counts(report: SecurityReport) -> str:
    """`SEC001 ×2, SEC002 ×40`"""
    counts = Counter(item.code for item in report.diagnostics)
    return ", ".join(f"{code} ×{count}" for code, count in sorted(counts.items()))


def render_table(report: SecurityReport, limit: int | None = None) -> str:
    console = Console(record=True, width=180, file=io.StringIO())
    console.print(_title(report))
    if not report.assessment.components:
        console.print(
            "No open findings. Import scanner results (`charter import findings`), then KEV and EPSS "
            "(`charter import kev`, `charter import epss`)."
        )
    for title, headers, rows in _sections(report, limit):
        table = Table(title=title, title_justify="left")
        for header in headers:
            table.add_column(header)
        for row in rows:
            table.add_row(*row)
        console.print(table)
    unmapped = report.assessment.gaps.unmapped_repositories
    if unmapped:
        console.print(f"Scorecard results for repositories no component names: {', '.join(unmapped)}")
    return console.export_text()


def render_csv(report: SecurityReport, limit: int | None = None) -> str:
    """The per-scope counts, one metric a row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["scope", "metric", "value"])
    for counts in report.assessment.by(report.by):
        scope = counts.scope or NO_SCOPE
        writer.writerow([scope, "open", counts.open])
        writer.writerows([scope, f"severity.{severity}", counts.by_severity[severity]] for severity in SEVERITY_ORDER)
        writer.writerows([scope, f"priority.{item.value}", counts.by_priority[item.value]] for item in PRIORITIES)
        writer.writerow([scope, "overdue", counts.overdue])
        writer.writerow([scope, "kev_exposed", counts.kev_exposed])
    return buffer.getvalue()


def render_markdown(report: SecurityReport, limit: int | None = None) -> str:
    lines = [f"# {_title(report)}"]
    for title, headers, rows in _sections(report, limit):
        lines += ["", f"## {title}", ""]
        lines += markdown_table(headers, rows)
    return "\n".join(lines) + "\n"
