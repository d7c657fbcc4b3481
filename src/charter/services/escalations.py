"""`escalations`: raise every escalation at a moment (analysis/escalations over the gathered facts),
settle them with `spec.diagnostics` and the suppressions `charter check` honours, record the run in
the ledger (one write transaction), and report them by the owner who must act; `ack` records who
acknowledged one, when and why; and the time to acknowledge and to resolve from the ledger."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from charter.analysis.escalations.codes import CODES
from charter.analysis.escalations.escalation import Escalation, EscalationRun
from charter.analysis.escalations.response import ResponseTimes, response_times
from charter.analysis.escalations.rules import raise_escalations
from charter.load.repository import pinpoint
from charter.model.diagnostics import Severity
from charter.model.errors import UsageError
from charter.model.escalation_ledger import LedgerEntry, LedgerUpdate, RaisedEscalation
from charter.outputs.interface import DiagnosticReport
from charter.services.context import Context, StoreNeed, load_context, opened_store, repository_root
from charter.services.escalation_facts import gather_facts
from charter.services.escalation_settle import SettledEscalation, settle
from charter.services.gate import gate_met
from charter.services.security import end_of_day
from charter.services.store_reads import reading_store
from charter.services.webhooks import emit_ledger_update
from charter.store.escalations import acknowledge, read_ledger, record_run

if TYPE_CHECKING:
    from charter.outputs.views import escalations as view


@contextmanager
def open_escalations_context(repo: Path | None) -> Iterator[Context]:
    """The whole strategy with the store open for the block: the ledger lives in the store."""
    root = repository_root(repo)
    with opened_store(root, StoreNeed.REQUIRED) as store:
        yield load_context(root, store)


@dataclass(frozen=True, slots=True)
class EscalationsQuery:
    as_of: date | None = None  # evaluate at the end of this day (UTC); None: now
    fail_on: Severity | None = None  # the gate: an open escalation at or above this severity
    record: bool = True  # False: a dry run, the ledger is read and left as it is


@dataclass(frozen=True, slots=True)
class EscalationsOutcome:
    """The report, the open escalations as diagnostics (for SARIF and JUnit), and the gate."""

    view: view.EscalationsReport
    diagnostics: DiagnosticReport
    gate_met: bool


def escalations_report(context: Context, query: EscalationsQuery) -> EscalationsOutcome:
    """Raise, settle and record the escalations at the query's moment, and report them."""
    from charter.services.escalation_views import escalations_view

    store = context.required_store()
    as_of = end_of_day(query.as_of) if query.as_of is not None else context.clock()
    run, settled = _raised(context, as_of, query.as_of)
    raised = [item.raised for item in settled]
    if query.record:
        with store.transaction() as connection:
            update = record_run(connection, as_of, raised)
            opened = [item for item in raised if item.id in update.new]
            emit_ledger_update(connection, opened, sorted(update.resolved), as_of)  # webhooks out
    else:
        update = LedgerUpdate(frozenset(), frozenset(), written=False)
    with reading_store(), store.engine.connect() as connection:
        ledger = read_ledger(connection)
    if not update.written:  # what this run would have found new
        update = LedgerUpdate(_unrecorded(raised, ledger), update.resolved, written=False)
    report = escalations_view(settled, run.not_evaluated, ledger, update, as_of)
    open_items = [item.diagnostic() for item in settled if item.suppressed_reason is None]
    diagnostics = DiagnosticReport(
        tuple(sorted(open_items, key=lambda item: (item.code, item.entity or ""))),
        context.root,
        fail_on=query.fail_on or Severity.OFF,
        rules={rule.code: rule for rule in CODES},
    )
    return EscalationsOutcome(report, diagnostics, gate_met(open_items, query.fail_on))


def record_escalations(context: Context, as_of: datetime, as_of_day: date | None = None) -> LedgerUpdate:
    """Raise and settle the escalations at `as_of` and record the run in the ledger (what opened and
    what resolved): `charter sync` does it with every snapshot, so the ledger follows the facts
    whether or not anyone runs `charter escalations`."""
    _run, settled = _raised(context, as_of, as_of_day)
    raised = [item.raised for item in settled]
    with context.required_store().transaction() as connection:
        update = record_run(connection, as_of, raised)
        opened = [item for item in raised if item.id in update.new]
        emit_ledger_update(connection, opened, sorted(update.resolved), as_of)  # webhooks out
        return update


def _raised(context: Context, as_of: datetime, as_of_day: date | None) -> tuple[EscalationRun, list[SettledEscalation]]:
    with reading_store(), context.required_store().engine.connect() as connection:
        facts = gather_facts(context, connection, as_of, as_of_day)
        run = raise_escalations(context.estate, facts)
    return run, settle(context.estate, _pinpointed(run.escalations, context.root), as_of.date())


def _pinpointed(escalations: tuple[Escalation, ...], root: Path) -> tuple[Escalation, ...]:
    """The escalations with the exact line of the node each points at (analysis knows the document's)."""
    located = pinpoint([item.diagnostic() for item in escalations], root)
    return tuple(replace(item, location=found.location) for item, found in zip(escalations, located, strict=True))


def _unrecorded(raised: list[RaisedEscalation], ledger: dict[str, LedgerEntry]) -> frozenset[str]:
    return frozenset(item.id for item in raised if item.id not in ledger or ledger[item.id].resolved_at is not None)


def acknowledge_escalation(context: Context, escalation: str, reason: str, by: str | None = None) -> LedgerEntry:
    """Record that `by` (default: the git user, else $USER) acknowledged the escalation now, and
    why. UsageError when the reason is empty or the ledger has no such id."""
    if not reason.strip():
        raise UsageError("--reason: say why it is acknowledged (what is being done, or who is on it)")
    store = context.required_store()
    who = by or acknowledging_user(context.root)
    with store.transaction() as connection:
        entry = acknowledge(connection, escalation, who, reason.strip(), context.clock())
    if entry is None:
        raise UsageError(
            f"no escalation {escalation!r} in the ledger; `charter escalations` lists the ids (like ESC001-1a2b3c4d5e)"
        )
    return entry


def acknowledging_user(root: Path) -> str:
    """Who acknowledges: git's `user.name` (with `user.email`) in the repository, else $USER."""
    name = _git_config(root, "user.name")
    if name:
        email = _git_config(root, "user.email")
        return f"{name} <{email}>" if email else name
    return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def _git_config(root: Path, key: str) -> str | None:
    try:
        found = subprocess.run(
            ["git", "config", "--get", key], cwd=root, capture_output=True, text=True, check=False, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return found.stdout.strip() or None if found.returncode == 0 else None


def escalation_response_times(
    context: Context, since: datetime | None = None, until: datetime | None = None
) -> ResponseTimes:
    """Time to acknowledge and to resolve of the escalations first seen in [since, until), from the
    ledger (for `charter review`)."""
    store = context.required_store()
    with reading_store(), store.engine.connect() as connection:
        return response_times(read_ledger(connection).values(), since, until)
