"""`risks`: the risk register with the changes since the register the last snapshot recorded, its
export as an OSCAL POA&M with the store's open findings, and what `charter sync` records of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.engine import Connection

from charter.analysis.risk.register import RegisterEntry, RiskRegister, build_register, register_states
from charter.model.estate import Estate
from charter.model.finding import Finding
from charter.model.risk_states import PreviousRegister
from charter.outputs.views import risks as view
from charter.outputs.views.poam import PoamDocument
from charter.services.context import Context
from charter.services.findings import read_findings
from charter.services.poam import poam_document
from charter.services.store_reads import reading_store
from charter.store.risk_register import read_previous_register, write_risk_states

# What the register and control coverage read: a few thousand documents, not the whole catalog.
REGISTER_FOLDERS = ("risks", "roadmap", "decisions", "controls")


@dataclass(frozen=True, slots=True)
class RisksQuery:
    as_of: date | None = None  # the day reviews and acceptances are judged on; None: today


def risk_register_report(context: Context, query: RisksQuery) -> view.RiskRegisterReport:
    """The register as of the query's day, with the changes since the last snapshot's register
    (taken at or before that day, when one is given)."""
    today = _today(context, query)
    previous = None
    if context.store is not None:
        until = datetime.combine(today, time.max, UTC) if query.as_of is not None else None
        with reading_store(), context.store.engine.connect() as connection:
            previous = read_previous_register(connection, until)
    return register_view(build_register(context.estate, today, previous))


def poam_export(context: Context, query: RisksQuery) -> PoamDocument:
    """The register's open risks and the store's open findings as an OSCAL POA&M; InputError when
    there is neither."""
    findings: list[Finding] = []
    if context.store is not None:
        with reading_store(), context.store.engine.connect() as connection:
            findings = read_findings(connection, open_only=True)
    register = build_register(context.estate, _today(context, query))
    organization = context.estate.organization
    name = organization.metadata.name if organization else context.root.name
    return poam_document(register, findings, organization=name, exported_at=context.clock())


def record_register(connection: Connection, snapshot_id: int, estate: Estate, today: date) -> int:
    """What `charter sync` calls after writing a snapshot, in its transaction: the register of
    `estate` as of `today` stored with the snapshot. Returns how many risks."""
    return write_risk_states(connection, snapshot_id, register_states(build_register(estate, today)))


def _today(context: Context, query: RisksQuery) -> date:
    """The query's day, else today where Charter runs."""
    return query.as_of if query.as_of is not None else context.clock().astimezone().date()


# The view ----------------------------------------------------------------------------------------


def acceptance_text(entry: RegisterEntry) -> str:
    """Why a risk above appetite is acceptable, or that it is not; empty when not above appetite."""
    if not entry.above_appetite:
        return ""
    found = entry.acceptance
    if found is None:
        return "not acceptable: no accepted decision, no mitigation committed before review"
    if found.decision is not None:
        return f"accepted by decision {found.decision}"
    initiative = found.initiative.short if found.initiative else "?"
    return f"mitigation {initiative} committed to {found.quarter}"


def _entry_view(entry: RegisterEntry) -> view.RegisterEntry:
    spec = entry.risk.spec
    target = spec.target_residual
    levels = entry.levels
    return view.RegisterEntry(
        risk=entry.name,
        title=spec.title,
        category=spec.category,
        owner=spec.owner,
        treatment=spec.treatment,
        status=spec.status,
        inherent=view.RiskLevel(likelihood=spec.likelihood, impact=spec.impact, level=levels.inherent),
        residual=view.RiskLevel(
            likelihood=entry.residual.likelihood, impact=entry.residual.impact, level=levels.residual
        ),
        target_residual=(
            view.RiskLevel(likelihood=target.likelihood, impact=target.impact, level=levels.target)
            if target and levels.target
            else None
        ),
        appetite=entry.appetite,
        above_appetite=entry.above_appetite,
        acceptable=(not entry.unacceptable) if entry.above_appetite else None,
        acceptance=acceptance_text(entry) or None,
        review_by=spec.review_by,
        review_overdue=entry.review_overdue,
        mitigated_by=[
            view.Mitigation(initiative=item.initiative, committed=item.quarter) for item in entry.mitigations
        ],
    )


def _changes_view(register: RiskRegister) -> view.RegisterChanges | None:
    changes = register.changes
    if changes is None:
        return None
    since: PreviousRegister = changes.since
    return view.RegisterChanges(
        snapshot=since.snapshot_id,
        taken_at=since.taken_at,
        new=list(changes.new),
        closed=list(changes.closed),
        level_changes=[view.LevelChange(risk=name, previous=old, to=new) for name, old, new in changes.level_changes],
    )


def register_view(register: RiskRegister) -> view.RiskRegisterReport:
    return view.RiskRegisterReport(
        as_of=register.as_of,
        levels=list(register.levels),
        risks=[_entry_view(entry) for entry in register.entries],
        heat_map=[
            view.HeatCell(likelihood=cell.likelihood, impact=cell.impact, level=cell.level, count=cell.count)
            for row in register.heat_map
            for cell in row
        ],
        overdue_reviews=[entry.name for entry in register.overdue],
        above_appetite=[
            view.AboveAppetite(risk=entry.name, acceptable=not entry.unacceptable, why=acceptance_text(entry))
            for entry in register.above_appetite
        ],
        mitigation_not_committed=[entry.name for entry in register.uncommitted],
        no_owner=[entry.name for entry in register.no_owner],
        no_treatment=[entry.name for entry in register.no_treatment],
        since_last_snapshot=_changes_view(register),
    )
