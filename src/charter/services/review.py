"""`review`: what changed over a period (a quarter like 2026Q3, or days), between the snapshot the
period starts from and the one it ends at, read from the store's snapshot history, the targets of
charter.yaml at both ends (`services.targets`), the roadmap's commitments and the decision records
(`analysis.review`). With fewer than two snapshots there is no trend, and the current state is
shown all the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from charter.analysis.checks.scorecard import build_scorecards
from charter.analysis.escalations.response import response_times
from charter.analysis.metrics import METRICS, Domain
from charter.analysis.review import (
    NOISE_STEPS,
    LevelMove,
    MetricChange,
    RiskMoves,
    decisions_taken,
    level_moves,
    metric_changes,
    promises,
    risk_moves,
)
from charter.analysis.review import Promise as PromiseKept
from charter.analysis.targets.funding import TargetStatus
from charter.model.base import parse_quarter, quarter_end, quarter_start
from charter.model.errors import UsageError
from charter.model.escalation_ledger import LedgerEntry
from charter.model.kinds import Initiative
from charter.model.metric_values import scope_from_stored
from charter.model.refs import EntityRef
from charter.outputs.views import review as view
from charter.services.context import Context
from charter.services.review_commitments import commitments_at
from charter.services.store_reads import reading_store
from charter.services.targets import target_statuses
from charter.store.escalations import read_ledger
from charter.store.metric_series import SnapshotTime, read_snapshot_times
from charter.store.risk_register import read_risk_states
from charter.store.snapshot_history import SeriesKey, SnapshotSeries, read_snapshot_series

NOISE = (
    f"{NOISE_STEPS:g} × the root mean square of the changes between consecutive snapshots of the period; "
    "a change from start to end counts when larger (with two snapshots, every change counts)"
)
UNAVAILABLE: list[view.Unavailable] = []  # every section has its data


@dataclass(frozen=True, slots=True)
class ReviewQuery:
    """`--since` and `--until` as written: a quarter (2026Q3) or a day (2026-07-01); `until` None: now."""

    since: str
    until: str | None = None


def period_of(query: ReviewQuery, now: datetime) -> tuple[datetime, datetime]:
    """[since, until]: from the start of `since`'s quarter or day to the end of `until`'s (or now).
    UsageError naming the option when a value is neither, or the period is empty."""
    since = _moment(query.since, "--since", end=False)
    until = _moment(query.until, "--until", end=True) if query.until is not None else now
    if until <= since:
        raise UsageError(f"--since {query.since} is not before --until {query.until or until.date()}")
    return since, until


def _moment(text: str, option: str, *, end: bool) -> datetime:
    try:
        parse_quarter(text)
    except ValueError:
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise UsageError(f"{option} takes a quarter like 2026Q3 or a day like 2026-07-01, not `{text}`") from None
    else:
        day = quarter_end(text) if end else quarter_start(text)
    start = datetime.combine(day, time.min, UTC)
    return start + timedelta(days=1) - timedelta(microseconds=1) if end else start


def review_report(context: Context, query: ReviewQuery) -> view.ReviewReport:
    """The review of the query's period. UsageError for a period written wrong; StoreFailure when the
    store cannot be read."""
    since, until = period_of(query, context.clock())
    store = context.required_store()
    with reading_store(), store.engine.connect() as connection:
        every = read_snapshot_times(connection, until=until)
        used = period_snapshots(every, since)
        series = read_snapshot_series(connection, [item.id for item in used])
        trend = len(used) > 1
        ledger = [_as_of(entry, until) for entry in read_ledger(connection).values()]
        risks = (
            risk_moves(read_risk_states(connection, used[0].id), read_risk_states(connection, used[-1].id))
            if trend
            else RiskMoves((), (), ())
        )
    organisation = context.organization_name
    changes = metric_changes(_numbers(series), {_key(key): unit for key, unit in series.units.items()}) if trend else []
    commitments = commitments_at(context, since)
    kept = promises(
        commitments.initiatives,
        {item.metadata.name: item for item in context.estate.initiatives},
        _quarter_ends([*commitments.initiatives, *context.estate.initiatives]),
        until.date(),
    )
    moved, targets = _targets(context, used, trend)
    levels = _level_moves(context, series) if trend else []
    return view.ReviewReport(
        since=since,
        until=until,
        snapshots=len(used),
        start=view.ReviewSnapshot(id=used[0].id, taken_at=used[0].taken_at) if used else None,
        end=view.ReviewSnapshot(id=used[-1].id, taken_at=used[-1].taken_at) if used else None,
        trend=trend,
        no_trend_reason=None if trend else _no_trend(used, every),
        noise=NOISE,
        targets_moved=moved,
        targets=targets,
        improved=[_move(item) for item in changes if item.improved],
        regressed=[_move(item) for item in changes if not item.improved],
        risks=view.RiskChanges(
            opened=list(risks.opened),
            closed=list(risks.closed),
            level_changes=[
                view.LevelChange(risk=risk, before=before, after=after) for risk, before, after in risks.level_changes
            ],
        ),
        incidents=_incident_trends(series, used, organisation) if trend else [],
        standards_gained=[_level(item) for item in levels if item.gained],
        standards_lost=[_level(item) for item in levels if not item.gained],
        standards_by_team=_levels_by_team(levels),
        delivered=[_promise(item) for item in kept if item.delivered],
        slipped=[_promise(item) for item in kept if not item.delivered],
        commitments_from=commitments.source,
        escalations_opened=[_escalation(item) for item in ledger if since <= item.first_seen <= until],
        escalations_resolved=[_escalation(item) for item in ledger if item.resolved_at and since <= item.resolved_at],
        escalation_times=_escalation_times(ledger, since, until),
        decisions=[
            view.DecisionTaken(id=item.id, title=item.title, status=item.status, date=item.date)
            for item in decisions_taken(context.estate.decisions, since.date(), until.date())
            if item.date is not None
        ],
        current=_current(series, organisation),
        unavailable=UNAVAILABLE,
    )


def period_snapshots(every: Sequence[SnapshotTime], since: datetime) -> list[SnapshotTime]:
    """The snapshots a review reads, oldest first: the last taken at or before the period's start
    (the state it starts from), then every one taken in the period. `every` ends at the period's end."""
    before = [item for item in every if item.taken_at.replace(tzinfo=UTC) <= since]
    during = [item for item in every if item.taken_at.replace(tzinfo=UTC) > since]
    return before[-1:] + during


def _no_trend(used: Sequence[SnapshotTime], every: Sequence[SnapshotTime]) -> str:
    if not every:
        return (
            "no snapshot was taken by the end of the period: run `charter sync` "
            "(or `charter snapshot --every 1w --since DAY` for past days)"
        )
    return (
        f"only one snapshot ({used[-1].taken_at.date().isoformat()}) covers the period: no trend; the current state "
        "is shown. Take more with `charter snapshot --every 1w --since DAY`"
    )


def _utc(moment: datetime) -> datetime:
    """A stored time as UTC (SQLite gives it back naive)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _as_of(entry: LedgerEntry, until: datetime) -> LedgerEntry:
    """The ledger's entry as it stood at `until`, its times in UTC: a resolution or acknowledgement
    after it not yet made."""

    def by_then(moment: datetime | None) -> datetime | None:
        return _utc(moment) if moment is not None and _utc(moment) <= until else None

    return replace(
        entry,
        first_seen=_utc(entry.first_seen),
        resolved_at=by_then(entry.resolved_at),
        acknowledged_at=by_then(entry.acknowledged_at),
    )


def _escalation(entry: LedgerEntry) -> view.EscalationMove:
    resolved, first_seen = entry.resolved_at, entry.first_seen
    return view.EscalationMove(
        id=entry.id,
        code=entry.code,
        subject=entry.subject,
        owner=entry.owner,
        severity=entry.severity,
        first_seen=first_seen,
        resolved_at=resolved,
        hours_to_resolve=(resolved - first_seen).total_seconds() / 3600 if resolved else None,
    )


def _escalation_times(ledger: Sequence[LedgerEntry], since: datetime, until: datetime) -> view.EscalationTimes:
    times = response_times(ledger, since, until + timedelta(microseconds=1))
    return view.EscalationTimes(
        raised=times.raised,
        still_open=times.still_open,
        resolved=times.to_resolve.count,
        median_hours_to_resolve=times.to_resolve.median_hours,
        p90_hours_to_resolve=times.to_resolve.p90_hours,
    )


def _level_moves(context: Context, series: SnapshotSeries) -> list[LevelMove]:
    """Standards levels scored with the start snapshot's metric values and with the end's (the rules
    that read the strategy files read them as they are now)."""

    def values(position: int) -> dict[tuple[str, EntityRef], float]:
        return {
            (key.metric, scope_from_stored(key.scope_kind, key.scope_ref)): found
            for key, row in series.values.items()
            if (found := row[position]) is not None
        }

    estate = context.estate
    return level_moves(build_scorecards(estate, values(0)), build_scorecards(estate, values(-1)), estate)


def _level(move: LevelMove) -> view.LevelMove:
    return view.LevelMove(
        team=move.team, standard=move.standard, entity=move.entity, before=move.before, after=move.after
    )


def _levels_by_team(moves: Sequence[LevelMove]) -> list[view.TeamLevels]:
    teams = sorted({move.team for move in moves}, key=lambda team: team or "")
    return [
        view.TeamLevels(
            team=team,
            gained=sum(1 for move in moves if move.team == team and move.gained),
            lost=sum(1 for move in moves if move.team == team and not move.gained),
        )
        for team in teams
    ]


def _key(key: SeriesKey) -> tuple[str, str, str]:
    return key.metric, key.scope_kind, key.scope_ref


def _numbers(series: SnapshotSeries) -> dict[tuple[str, str, str], list[float]]:
    """Each series with a number at the first and the last snapshot, the snapshots without one
    between left out."""
    return {
        _key(key): [value for value in values if value is not None]
        for key, values in series.values.items()
        if values and values[0] is not None and values[-1] is not None
    }


def _move(change: MetricChange) -> view.MetricMove:
    return view.MetricMove(
        metric=change.metric,
        scope_kind=change.scope_kind,
        scope=change.scope,
        unit=change.unit,
        before=change.before,
        after=change.after,
        change=change.after - change.before,
        noise=change.noise,
        direction="improved" if change.improved else "regressed",
    )


def _incident_trends(
    series: SnapshotSeries, used: Sequence[SnapshotTime], organisation: str
) -> list[view.IncidentTrend]:
    trends = []
    for name, metric in METRICS.items():
        if metric.domain is not Domain.INCIDENTS:
            continue
        key = SeriesKey(name, "org", organisation)
        values = series.values.get(key)
        if values is None:
            continue
        trends.append(
            view.IncidentTrend(
                metric=name,
                unit=metric.unit.value,
                before=values[0],
                after=values[-1],
                points=[
                    view.TrendPoint(taken_at=item.taken_at, value=value)
                    for item, value in zip(used, values, strict=True)
                ],
            )
        )
    return trends


def _current(series: SnapshotSeries, organisation: str) -> list[view.CurrentValue]:
    return [
        view.CurrentValue(metric=key.metric, unit=series.units[key], value=values[-1])
        for key, values in sorted(series.values.items(), key=lambda item: item[0].metric)
        if key.scope_kind == "org" and key.scope_ref == organisation and key.metric in METRICS
    ]


def _quarter_ends(initiatives: Sequence[Initiative]) -> dict[str, date]:
    return {
        item.spec.committed.quarter: quarter_end(item.spec.committed.quarter)
        for item in initiatives
        if item.spec.committed is not None
    }


def _promise(item: PromiseKept) -> view.Promise:
    return view.Promise(
        initiative=item.initiative,
        title=item.title,
        owner=item.owner,
        committed=item.committed,
        due_by=item.due_by,
        status=item.status,
        recommitted=item.recommitted,
    )


def _targets(
    context: Context, used: Sequence[SnapshotTime], trend: bool
) -> tuple[list[view.TargetMove], list[view.TargetMove]]:
    """The targets whose status moved from the start to the end, and every target at the end."""
    if not used:
        return [], []
    end = target_statuses(context, used[-1].taken_at.date())
    start = {_target_key(item): item for item in target_statuses(context, used[0].taken_at.date())} if trend else {}
    rows = []
    for item in end:
        before = start.get(_target_key(item))
        rows.append(
            view.TargetMove(
                goal=item.goal,
                metric=item.metric.name,
                unit=item.metric.unit.value,
                scope=item.selection.description,
                before=before.status.value if before else None,
                after=item.status.value,
                value_before=before.evaluation.current if before else None,
                value_after=item.evaluation.current,
            )
        )
    return [row for row in rows if row.before is not None and row.before != row.after], rows


def _target_key(status: TargetStatus) -> tuple[str, str, str, str, str]:
    target = status.target
    return status.goal, target.metric, status.selection.description, target.op, str(target.value)
