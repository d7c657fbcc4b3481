"""The last step of `charter sync`: a snapshot of the period's metrics and the escalations run, unless
nothing they read changed since the sync that took the latest snapshot, the same day.

What they read is the strategy (every file the loader read, by digest, and its commit), the facts in
the store (`store/snapshot_inputs.py`), the day (or the `--as-of` moment) and Charter's own code.
When all of it equals what the last sync recorded, and no snapshot was taken and no escalations run
recorded since, the snapshot would be the same: it is kept without importing or running a metric
provider, and the escalations it raised are stamped as seen again (what the ledger records when a
run raises the same ones). Within one day a snapshot stands for the day, as a `--as-of` day does;
any change to a fact or a file takes a new one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from charter.model.escalation_ledger import LedgerUpdate
from charter.services.context import Context
from charter.store.snapshot_inputs import (
    facts_digest,
    ledger_mark,
    read_sync_record,
    snapshots_mark,
    stamp_open_escalations,
    write_sync_record,
)
from charter.store.snapshots import read_snapshot_header

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from charter.model.metric_values import MetricValue
    from charter.model.risk_states import RiskState
    from charter.services.forked import Forked
    from charter.services.parsed_history import ParsedHistories


@dataclass(frozen=True, slots=True)
class SnapshotStep:
    """The snapshot holding the sync's values (`added` False: the one before held the same), the
    escalations ledger's update, and whether the inputs were unchanged, so nothing was measured."""

    snapshot_id: int
    added: bool
    escalations: LedgerUpdate
    unchanged_inputs: bool


def snapshot_and_escalations(
    context: Context,
    until: datetime,
    as_of_day: date | None,
    parsed: ParsedHistories | None = None,
    code_health: Forked[list[MetricValue]] | None = None,
) -> SnapshotStep:
    """Take the snapshot of the period ending `until` and record the escalations at `until` (the end
    of `as_of_day` when one was given), or keep the last ones when their inputs are unchanged.
    `parsed`: the histories the sync mined from the start, which code health reads instead of the
    store; `code_health`: the code health metric values at `until`, being measured already (its
    child is ended when the snapshot is kept)."""
    store = context.required_store()
    with store.engine.connect() as connection:
        inputs = _inputs(context, connection, until, as_of_day)
        record = _recorded(read_sync_record(connection, str(context.root)))
    if inputs is not None and record.get("inputs") == inputs:
        kept = _keep(context, record, inputs, until)
        if kept is not None:
            if code_health is not None:
                code_health.close()
            return kept
    from charter.services.escalations import record_escalations  # the providers and rules: only when measuring

    snapshot_id, added = _snapshot(context, until, parsed, code_health)
    escalations = record_escalations(context, until, as_of_day)
    if inputs is not None:
        with store.transaction() as connection:
            write_sync_record(connection, str(context.root), _record(connection, inputs, snapshot_id))
    return SnapshotStep(snapshot_id, added, escalations, unchanged_inputs=False)


def _keep(context: Context, record: dict[str, Any], inputs: str, until: datetime) -> SnapshotStep | None:
    """In one write transaction: when no snapshot was taken and no escalations run recorded since
    the last sync, and its snapshot is the latest taken at or before `until`, keep that snapshot,
    stamp the open escalations as seen at `until` and record this sync; else None (measure)."""
    with context.required_store().transaction() as connection:
        if record.get("snapshots") != list(snapshots_mark(connection)):
            return None
        if record.get("ledger") != ledger_mark(connection):
            return None
        latest = read_snapshot_header(connection, until=until)
        if latest is None or latest.id != record.get("snapshot"):
            return None
        written = _not_after(record, until)
        if written:
            stamp_open_escalations(connection, until)
        write_sync_record(connection, str(context.root), _record(connection, inputs, latest.id))
    unchanged = LedgerUpdate(frozenset(), frozenset(), written=written)
    return SnapshotStep(latest.id, added=False, escalations=unchanged, unchanged_inputs=True)


def _inputs(context: Context, connection: Connection, until: datetime, as_of_day: date | None) -> str | None:
    """The digest of everything the snapshot and the escalations read; None when the strategy's
    inputs are unknown (a load that did not record them), and nothing may be kept."""
    from charter.services.cached_check import code_stamp

    loaded = context.estate.inputs
    if loaded is None:
        return None
    moment = until.isoformat() if as_of_day is not None else f"{until.date().isoformat()}, now"
    payload = {
        "strategy": loaded.as_json(),
        "commit": context.estate.commit,
        "facts": facts_digest(connection),
        "moment": moment,
        "code": code_stamp(),
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def _recorded(text: str | None) -> dict[str, Any]:
    try:
        found = json.loads(text) if text else {}
    except ValueError:  # written by another Charter: nothing is kept on its word
        return {}
    return found if isinstance(found, dict) else {}


def _not_after(record: dict[str, Any], until: datetime) -> bool:
    """Whether the ledger's latest run is not later than `until` (a run before it records nothing)."""
    latest = record.get("ledger")
    return latest is None or datetime.fromisoformat(latest) <= until


def _record(connection: Connection, inputs: str, snapshot_id: int) -> str:
    """What the next sync compares: the inputs, the snapshot kept for them, and the marks of the
    snapshots and the ledger after this sync wrote."""
    return json.dumps(
        {
            "inputs": inputs,
            "snapshot": snapshot_id,
            "snapshots": list(snapshots_mark(connection)),
            "ledger": ledger_mark(connection),
        }
    )


def _snapshot(
    context: Context,
    as_of: datetime,
    parsed: ParsedHistories | None = None,
    code_health: Forked[list[MetricValue]] | None = None,
) -> tuple[int, bool]:
    """The metrics of the period ending `as_of` and the register as of its day (in a git repository,
    the risk files as the last commit by then had them, as `charter snapshot` reads them), in a
    snapshot taken at `as_of` (to the second), unless the one before holds the same: (its id,
    whether it is new)."""
    from charter.services.codehealth import parsed_code_histories
    from charter.services.metrics.shared import SeriesFacts
    from charter.services.snapshot import SNAPSHOT_PERIOD, record_snapshot, snapshot_values
    from charter.services.target_events import emit_target_changes, target_events_wanted, target_states
    from charter.services.webhooks import emit_snapshot_created

    store = context.required_store()
    series: SeriesFacts | None = None
    if code_health is not None:
        series = SeriesFacts(code_health={as_of: code_health.result()})
    elif parsed is not None and (histories := parsed_code_histories(context, parsed)):
        series = SeriesFacts(code_history=histories)
    values = snapshot_values(context, since=as_of - SNAPSHOT_PERIOD, until=as_of, series=series)
    register = _register_at(context, as_of)
    before = target_states(context) if target_events_wanted(context) else None  # webhooks out
    with store.transaction() as connection:
        taken_at = as_of.replace(microsecond=0)
        recorded = record_snapshot(connection, taken_at, context.estate.commit, values, register)
        if recorded.added:  # told to webhook subscribers in the same transaction (services/webhooks.py)
            emit_snapshot_created(connection, recorded.snapshot_id, taken_at, context.estate.commit)
    if before is not None and recorded.added:
        emit_target_changes(context, before, taken_at)
    return recorded.snapshot_id, recorded.added


def _register_at(context: Context, as_of: datetime) -> list[RiskState]:
    """The register a snapshot at `as_of` records: the files as they are for a snapshot of today (what
    the history would answer too, without walking it), else as the strategy's commit of that day had
    them."""
    from charter.analysis.risk.register import build_register, register_states
    from charter.services.risk_history import RegistersOverTime

    if as_of.date() >= context.clock().date():
        return register_states(build_register(context.estate, as_of.date()))
    return RegistersOverTime(context).states_at(as_of)
