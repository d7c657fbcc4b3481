"""The evaluated targets as `charter targets`' view model."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from charter.analysis.targets.evaluate import Backtest, Evaluation, TargetState
from charter.analysis.targets.funding import TargetStatus
from charter.model.diagnostics import Diagnostic
from charter.outputs.views import targets as view
from charter.store.metric_series import SnapshotTime


def targets_view(
    statuses: Sequence[TargetStatus],
    times: Sequence[SnapshotTime],
    as_of: datetime,
    diagnostics: Sequence[Diagnostic],
    with_backtest: bool,
) -> view.TargetsReport:
    counts = Counter(status.status.value for status in statuses)
    return view.TargetsReport(
        as_of=as_of,
        snapshots=len(times),
        first_snapshot=times[0].taken_at if times else None,
        latest_snapshot=times[-1].taken_at if times else None,
        counts={state.value: counts.get(state.value, 0) for state in TargetState},
        targets=[_row(status, with_backtest) for status in statuses],
        diagnostics=[f"{item.code} {item.location or 'charter.yaml'}: {item.message}" for item in diagnostics],
    )


def _row(status: TargetStatus, with_backtest: bool) -> view.TargetRow:
    evaluation = status.evaluation
    target = status.target
    single = status.selection.single
    projection = evaluation.projection
    return view.TargetRow(
        goal=status.goal,
        metric=status.metric.name,
        unit=status.metric.unit.value,
        direction=status.metric.direction.value,
        scope=status.selection.description,
        aggregate=None if single else target.aggregate,
        op=target.op,
        value=status.rule.value,
        written=str(target.value),
        by=target.by,
        status=evaluation.status.value,
        reason=evaluation.reason,
        current=evaluation.current,
        current_at=evaluation.current_at,
        baseline=evaluation.baseline,
        baseline_source=evaluation.baseline_source,
        entities=[]
        if single
        else [
            view.EntityValue(entity=item.entity.short, value=item.value, meets=item.meets)
            for item in evaluation.entities
        ],
        entities_meeting=evaluation.meeting,
        entities_with_data=evaluation.with_data,
        trend=[view.TrendPoint(taken_at=point.taken_at, value=point.value) for point in evaluation.trend],
        trend_per_day=evaluation.trend_per_day,
        projection=None
        if projection is None
        else view.Projection(
            at=projection.at,
            value=projection.value,
            low=projection.low,
            high=projection.high,
            points=projection.points,
            since=projection.since,
        ),
        required_per_day=evaluation.required_per_day,
        current_per_day=evaluation.current_per_day,
        projected_date=evaluation.projected_date,
        funded=status.funded,
        initiatives=[
            view.FundingInitiative(
                initiative=item.initiative,
                status=item.status,
                committed=item.committed,
                funded=item.funded,
                planned=item.planned,
            )
            for item in status.funding
        ],
        backtest=_backtest(evaluation) if with_backtest else None,
    )


def _backtest(evaluation: Evaluation) -> view.Backtest:
    result: Backtest = evaluation.backtest
    return view.Backtest(
        snapshots=result.snapshots,
        met=result.met,
        share=result.share,
        first_met=result.first_met,
        last_unmet=result.last_unmet,
        value_met_at=[view.ValueMetAt(share=share, value=value) for share, value in result.value_met_at],
    )
