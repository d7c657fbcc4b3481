"""`targets`: every target of `charter.yaml` evaluated against the snapshots (`analysis/targets`),
with the initiatives that fund its goal. `target_statuses` is the library call other use cases read
(escalations: a target off track with no funded initiative); `targets_report` is the command's."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from charter.analysis.checks.governance_targets import target_problems
from charter.analysis.checks.suppression import apply_settings
from charter.analysis.metrics import METRICS, Metric
from charter.analysis.targets.deadlines import deadline_diagnostic
from charter.analysis.targets.evaluate import SnapshotValues, TargetRule, evaluate_target
from charter.analysis.targets.funding import TargetStatus, goal_funding
from charter.analysis.targets.selection import Selection, select
from charter.analysis.targets.values import TargetValueError, parse_target_value
from charter.load.repository import pinpoint
from charter.model.diagnostics import Location, Severity
from charter.model.errors import InputError, UsageError
from charter.model.metric_values import stored_scope
from charter.services.context import Context, StoreNeed, load_context, opened_store, repository_root
from charter.services.gate import GatedReport, gate_met
from charter.services.store_reads import reading_store
from charter.store.metric_series import SnapshotTime, read_metric_series, read_snapshot_times

if TYPE_CHECKING:
    from charter.outputs.views.targets import TargetsReport

# What `charter targets` reads of the strategy besides charter.yaml: tiers, teams and systems from
# the catalog, and the initiatives that name goals.
TARGET_FOLDERS = ("catalog", "roadmap")
# A target written wrong cannot be evaluated: `charter targets` stops on these, naming file and line.
BLOCKING_CODES = frozenset({"REF007", "TGT001", "TGT002", "TGT003"})


@dataclass(frozen=True, slots=True)
class TargetsQuery:
    as_of: date | None = None  # evaluate at the end of this day (UTC); None: now
    backtest: bool = False
    fail_on: Severity | None = None  # the gate: TGT005 at or above this severity
    plan: bool = False  # count initiatives the solved plan delivers as funding


@contextmanager
def open_targets_context(repo: Path | None, plan: bool = False) -> Iterator[Context]:
    """The Context `targets_report` needs, with the store open for the block; with `plan`, what
    solving the plan reads too."""
    from charter.services.plan import PLAN_FOLDERS  # the plan's solver: only for a report that solves it

    root = repository_root(repo)
    folders = tuple(dict.fromkeys((*TARGET_FOLDERS, *PLAN_FOLDERS))) if plan else TARGET_FOLDERS
    with opened_store(root, StoreNeed.REQUIRED) as store:
        yield load_context(root, store, folders)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC) + timedelta(days=1) - timedelta(microseconds=1)


def target_statuses(
    context: Context, as_of: date | None = None, planned: Mapping[str, str] | None = None
) -> list[TargetStatus]:
    """Every target of charter.yaml evaluated at the end of `as_of` (UTC; None: now) against the
    snapshots taken by then, in the file's order. Targets that cannot be evaluated as written (an
    unknown metric, a unit or scope that does not fit: `charter check` reports them) are left out.
    `planned` (`planned_quarters`) adds the initiatives a solved plan delivers to the funding.
    UsageError when `as_of` is before the first snapshot; StoreFailure when the store cannot be read."""
    return _evaluated(context, as_of, planned)[0]


def planned_quarters(context: Context) -> dict[str, str]:
    """The quarter `charter plan`'s optimal plan delivers each initiative in, by reference (seconds
    on a large organisation: the plan is solved exactly)."""
    from charter.services.plan import PlanQuery, plan_report  # the solver, HiGHS: loaded for this only

    report = plan_report(context, PlanQuery())
    return {item.initiative: item.delivered for item in report.initiatives if item.delivered}


def _evaluated(
    context: Context, as_of: date | None, planned: Mapping[str, str] | None
) -> tuple[list[TargetStatus], list[SnapshotTime], datetime]:
    """The statuses, the snapshots they read and the moment they are evaluated at."""
    store = context.required_store()
    until = end_of_day(as_of) if as_of is not None else context.clock()
    with reading_store(), store.engine.connect() as connection:
        every = read_snapshot_times(connection)
        if as_of is not None and every and until < every[0].taken_at:
            raise UsageError(
                f"--as-of {as_of.isoformat()} is before the first snapshot "
                f"({every[0].taken_at.date().isoformat()}): choose a day on or after it"
            )
        times = [item for item in every if item.taken_at <= until]
        return list(_evaluate_all(context, connection, times, until, planned)), times, until


def _evaluate_all(
    context: Context,
    connection: Connection,
    times: Sequence[SnapshotTime],
    until: datetime,
    planned: Mapping[str, str] | None,
) -> Iterator[TargetStatus]:
    estate = context.estate
    organization = estate.organization
    if organization is None:
        return
    funding = goal_funding(estate, planned)
    base = organization.location or Location("charter.yaml")
    series_cache: dict[tuple[str, str], dict[str, dict[int, float]]] = {}
    for goal_index, goal in enumerate(organization.spec.goals):
        for target_index, target in enumerate(goal.targets):
            metric = METRICS.get(target.metric)
            if metric is None:
                continue
            try:
                rule = TargetRule(
                    metric,
                    target.op,
                    parse_target_value(metric, target.value),
                    target.by,
                    None if target.baseline is None else parse_target_value(metric, target.baseline),
                    target.aggregate,
                )
            except TargetValueError:
                continue
            selection = select(estate, target.scope, context.organization_name)
            if selection.problem is None and selection.scope not in metric.scopes:
                continue
            snapshots = _snapshot_values(connection, metric, selection, times, series_cache)
            yield TargetStatus(
                goal=goal.id,
                target=target,
                metric=metric,
                rule=rule,
                selection=selection,
                evaluation=evaluate_target(rule, selection, snapshots, until),
                funding=funding.get(goal.id, ()),
                location=base.at("spec", "goals", goal_index, "targets", target_index),
            )


def _snapshot_values(
    connection: Connection,
    metric: Metric,
    selection: Selection,
    times: Sequence[SnapshotTime],
    cache: dict[tuple[str, str], dict[str, dict[int, float]]],
) -> list[SnapshotValues]:
    if not selection.entities:
        return [SnapshotValues(item.taken_at, {}) for item in times]
    stored = {entity: stored_scope(entity) for entity in selection.entities}
    scope_kind = next(iter(stored.values()))[0]
    key = (metric.name, scope_kind)
    if key not in cache:
        # Every scope of the kind: other targets on the same metric and kind read the same rows.
        cache[key] = read_metric_series(connection, metric.name, scope_kind)
    series = cache[key]
    # Each entity's row looked up once, not once per snapshot; the entities keep their order.
    rows = [(entity, row) for entity, (_kind, scope_ref) in stored.items() if (row := series.get(scope_ref))]
    return [
        SnapshotValues(item.taken_at, {entity: row[item.id] for entity, row in rows if item.id in row})
        for item in times
    ]


def targets_report(context: Context, query: TargetsQuery) -> GatedReport[TargetsReport]:
    """The report of every target at the query's day, and whether TGT005 meets the gate. InputError
    naming charter.yaml's line for a target that cannot be evaluated as written."""
    from charter.services.targets_view import targets_view

    estate = context.estate
    problems = [item for item in target_problems(estate) if item.code in BLOCKING_CODES]
    if problems:
        located = pinpoint(problems, context.root)
        lines = [f"{item.location or 'charter.yaml'}: {item.code} {item.message}. Fix: {item.hint}" for item in located]
        raise InputError("a target cannot be evaluated as written:\n  " + "\n  ".join(lines))
    planned = planned_quarters(context) if query.plan else None
    statuses, times, until = _evaluated(context, query.as_of, planned)
    found = [
        diagnostic
        for status in statuses
        if (
            diagnostic := deadline_diagnostic(
                status.goal, status.target, status.metric.unit.value, status.evaluation, until, status.location
            )
        )
        is not None
    ]
    # `spec.diagnostics` and suppressions apply as in `charter check`; problems with the settings
    # themselves are `charter check`'s to report.
    settled = [item for item in apply_settings(estate, found, until.date()) if item.code.startswith("TGT")]
    diagnostics = tuple(pinpoint(settled, context.root))
    view = targets_view(statuses, times, until, diagnostics, query.backtest)
    return GatedReport(view, diagnostics, gate_met(diagnostics, query.fail_on))
