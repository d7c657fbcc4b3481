"""`charter delivery` laid out: the five metrics per scope with their bands, the weekly trend when
there is one scope, and (in a terminal) the deployments DORA does not count; the CSV one row per
scope and metric. `--explain` laid out: what the deployment shipped, why it counts as failed, and
what recovered it."""

from __future__ import annotations

from datetime import timedelta

from charter.outputs.document import (
    MARKDOWN,
    TERMINAL,
    Block,
    CsvTable,
    Document,
    Paragraph,
    TableBlock,
    only,
)
from charter.outputs.reports.durations import duration_text
from charter.outputs.views.delivery import DeliveryReport, DeploymentExplanation, ScopeMetrics, WeekMetrics

NO_SCOPE = "(unassigned)"
NO_BAND_FOR_REWORK = "Deployment rework rate has no DORA band yet."
HEADERS = ["scope", "deploys", "per day", "deploy days/week", "lead time p50", "lead time p90",
           "change failure rate", "recovery p50", "rework rate"]  # fmt: skip
# What a narrow terminal leaves out first: the figures the others restate or refine.
DROP_FIRST = ["per day", "lead time p90", "rework rate", "recovery p50"]
TREND_DROP_FIRST = ["days", "rework rate", "recovery p50"]
TREND_HEADERS = ["week", "deploys", "days", "lead time p50", "change failure rate", "recovery p50", "rework rate"]
UNRECOVERED_SHOWN = 10
DAYS_PER_WEEK = "delivery.deployment_days_per_week"
DAYS_PER_MONTH = "delivery.deployment_days_per_month"
CHANGE_FAILURE_RATE = "delivery.change_failure_rate"
NO_INCIDENT_DATA = "no data"
WITHOUT_RECORDS_SHOWN = 10
WIDTH = 160
EXPLANATION_WIDTH = 140


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _banded(text: str, band: str | None) -> str:
    return f"{text} ({band})" if band else text


def _deployment_days(scope: ScopeMetrics) -> str:
    """Deployment days a week, with its band; below one day a week the band is the month figure's,
    so that figure is shown with it."""
    week = _banded(_number(scope.deployment_days_per_week, 1), scope.bands.get(DAYS_PER_WEEK))
    month_band = scope.bands.get(DAYS_PER_MONTH)
    if month_band is None:
        return week
    return f"{week}, {_number(scope.deployment_days_per_month, 1)}/month ({month_band})"


def _failure_rate(scope: ScopeMetrics) -> str:
    """The rate with its failed deployments and band; "no data" when no incident record covers the
    scope's deployments (not 0%, which would band elite)."""
    if scope.change_failure_rate is None and scope.deployments:
        return NO_INCIDENT_DATA
    return _banded(
        f"{_ratio(scope.change_failure_rate)} ({scope.failed_deployments})", scope.bands.get(CHANGE_FAILURE_RATE)
    )


def _scope_row(scope: ScopeMetrics) -> list[str]:
    bands = scope.bands
    return [
        scope.scope or NO_SCOPE,
        str(scope.deployments),
        _number(scope.deployment_frequency_per_day),
        _deployment_days(scope),
        _banded(duration_text(scope.lead_time_p50_seconds), bands.get("delivery.lead_time_for_changes.p50")),
        duration_text(scope.lead_time_p90_seconds),
        _failure_rate(scope),
        _banded(
            duration_text(scope.recovery_time_p50_seconds), bands.get("delivery.failed_deployment_recovery_time.p50")
        ),
        _ratio(scope.deployment_rework_rate),
    ]


def _week_row(week: WeekMetrics) -> list[str]:
    return [
        week["week"] + (" (partial)" if week["partial"] else ""),
        str(week["deployments"]),
        str(week["deployment_days"]),
        duration_text(week["lead_time_p50_seconds"]),
        _ratio(week["change_failure_rate"]),
        duration_text(week["recovery_time_p50_seconds"]),
        _ratio(week["deployment_rework_rate"]),
    ]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _title(view: DeliveryReport) -> str:
    last_day = (view.until - timedelta(microseconds=1)).date()
    return f"Delivery {view.since.date().isoformat()} to {last_day.isoformat()} by {view.by} (bands: DORA {view.dora})"


def _terminal_notes(view: DeliveryReport) -> list[Block]:
    """What a terminal says under the tables: deployments DORA does not count, failures not yet
    recovered, incidents that name no known deployment."""
    terminal = only(TERMINAL)
    uncounted = [
        f"{count} {'unsuccessful ' if not successful else ''}to {item.environment}"
        for item in sorted(view.environments, key=lambda item: item.environment)
        for count, successful in ((item.unsuccessful, False), (0 if item.production else item.successful, True))
        if count
    ]
    lines = []
    if uncounted:
        lines.append("Deployments not counted in DORA: " + ", ".join(uncounted))
    if view.unrecovered:
        lines.append(f"Failed deployments with no recovery yet: {', '.join(view.unrecovered[:UNRECOVERED_SHOWN])}")
    if view.unmatched_incidents:
        lines.append(f"Incidents whose causedBy matches no deployment: {', '.join(view.unmatched_incidents)}")
    return [Paragraph(line, only=terminal) for line in lines]


def _incident_note(view: DeliveryReport) -> str:
    """Which incident sources change failure rate rests on, with what each holds of the period, and
    the components no record covers."""
    if view.incident_sources:
        sources = ", ".join(
            f"{item.source} ({item.in_period} in the period"
            + (f"; records from {item.first.date()} to {item.last.date()})" if item.first and item.last else ")")
            for item in view.incident_sources
        )
        note = f"Change failure rate rests on incident records from: {sources}."
    else:
        note = (
            "No incident records: change failure rate counts only rollbacks and hotfixes "
            "(`charter import incidents`, or postmortems under incidents/)."
        )
    missing = view.without_incident_records
    if missing:
        shown = ", ".join(missing[:WITHOUT_RECORDS_SHOWN])
        more = f" and {len(missing) - WITHOUT_RECORDS_SHOWN} more" if len(missing) > WITHOUT_RECORDS_SHOWN else ""
        note += f" No incident record covers {shown}{more}: their change failure rate is no data."
    return note


def delivery_document(view: DeliveryReport) -> Document:
    csv = CsvTable(
        ["scope", "metric", "value", "band"],
        [
            [scope.scope or NO_SCOPE, metric, "" if value is None else value, scope.bands.get(metric) or ""]
            for scope in view.scopes
            for metric, value in scope.metrics.items()
        ],
    )
    title = _title(view)
    rows = [_scope_row(scope) for scope in view.scopes]
    if not view.scopes:
        blocks: list[Block] = [
            Paragraph(f"{title}: {view.no_deployments or 'no deployments.'}", only=only(TERMINAL)),
            TableBlock.of(HEADERS, rows, title=title, title_level=1, only=only(MARKDOWN)),
            Paragraph(_sentence(view.no_deployments or "no deployments."), only=only(MARKDOWN)),
            Paragraph(NO_BAND_FOR_REWORK, only=only(MARKDOWN)),
        ]
        return Document(blocks, csv, WIDTH)
    blocks = [TableBlock.of(HEADERS, rows, DROP_FIRST, title=title, title_level=1)]
    if view.no_deployments:
        blocks.append(Paragraph(_sentence(view.no_deployments)))
    trend = view.scopes[0].weeks if len(view.scopes) == 1 else []  # the one scope's trend
    if trend:
        blocks.append(
            TableBlock.of(TREND_HEADERS, [_week_row(week) for week in trend], TREND_DROP_FIRST, title="Weekly trend")
        )
    blocks += _terminal_notes(view)
    blocks.append(Paragraph(_incident_note(view)))
    blocks.append(Paragraph(NO_BAND_FOR_REWORK))
    return Document(blocks, csv, WIDTH)


def explanation_document(view: DeploymentExplanation) -> Document:
    deployment = view.deployment
    blocks: list[Block] = [
        Paragraph(
            f"{deployment.id}: {deployment.component} to {deployment.environment}, commit {deployment.commit or '?'}, "
            f"finished {deployment.finished.isoformat()}, {deployment.status}"
            + ("" if view.counted else " — not counted in DORA")
            + (" — rework (made because of an incident)" if view.rework else "")
        ),
        TableBlock.of(
            ["commit", "lead time starts", "lead time"],
            [
                [change.sha[:12], change.lead_start.isoformat(), duration_text(change.lead_time_seconds)]
                for change in view.shipped
            ],
            title=f"Shipped {len(view.shipped)} changes",
        ),
    ]
    if view.failure:
        rows = [
            [
                item.rule,
                f"{item.incident}: {item.incident_title}" if item.incident_title is not None else (item.incident or ""),
                item.by_deployment or "",
            ]
            for item in view.failure
        ]
        blocks.append(TableBlock.of(["rule", "incident", "by deployment"], rows, title="Counted as failed"))
    else:
        blocks.append(Paragraph("Not linked to any failure."))
    if view.recovery is not None:
        recovery = view.recovery
        by = recovery.by_deployment or recovery.by_incident or ""
        blocks.append(Paragraph(f"Recovered after {duration_text(recovery.seconds)} by {by}"))
    csv = CsvTable(
        ["deployment", "commit", "lead_start", "lead_time_seconds"],
        [
            [deployment.id, change.sha, change.lead_start.isoformat(), change.lead_time_seconds]
            for change in view.shipped
        ],
    )
    return Document(blocks, csv, EXPLANATION_WIDTH)
