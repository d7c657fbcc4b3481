"""Governance rules of migrations: a migration needs a way back, a definition of done and a way to
watch it (MIG001-MIG003), and what it names must exist (MIG004)."""

from __future__ import annotations

from collections.abc import Iterator

from charter.analysis.checks.context import CheckContext
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.estate import Estate

CODES = Codes(
    Rule(
        "MIG001",
        "Migration without rollback plan",
        Severity.ERROR,
        rationale="A migration with no way back turns every surprise into an outage.",
        fix="Set `spec.migration.rollbackPlan` to a document in the repository.",
        example="""\
# roadmap/move-db.yaml
spec:
  type: migration
  migration:
    successCriteria: [all reads served by the new cluster]
    observability: [slo:orders-availability]      # no rollbackPlan
""",
    ),
    Rule(
        "MIG002",
        "Migration without success criteria",
        Severity.ERROR,
        rationale="Without success criteria nobody can say when the migration is done.",
        fix="List measurable `spec.migration.successCriteria`.",
        example="""\
# roadmap/move-db.yaml
spec:
  type: migration
  migration:
    rollbackPlan: docs/rollback.md
    observability: [slo:orders-availability]      # no successCriteria
""",
    ),
    Rule(
        "MIG003",
        "Migration without observability",
        Severity.ERROR,
        rationale="A migration must be watched: name the SLOs, dashboards or documents that show its effect.",
        fix="List `spec.migration.observability` entries (`slo:NAME`, a repo path or a URL).",
        example="""\
# roadmap/move-db.yaml
spec:
  type: migration
  migration:
    rollbackPlan: docs/rollback.md
    successCriteria: [all reads served by the new cluster]
    observability: []
""",
    ),
    Rule(
        "MIG004",
        "Migration names something that does not exist",
        Severity.ERROR,
        rationale="A rollback plan or observability entry that points at nothing gives false assurance.",
        fix="Create the file or SLO, or correct the entry.",
        example="""\
# roadmap/move-db.yaml
spec:
  migration:
    rollbackPlan: docs/rollback.md      # the repository has no docs/rollback.md
    observability: [slo:orders-latency] # and no SLO of that name
""",
    ),
)
diagnostic = CODES.diagnostic


def _is_url(text: str) -> bool:
    return "://" in text


def check_migrations(estate: Estate, context: CheckContext) -> Iterator[Diagnostic]:
    slo_names = set(estate.slos) | {slo.declared_name for slo in estate.slos.values() if slo.declared_name}
    for initiative in estate.initiatives:
        spec = initiative.spec
        if spec.type != "migration":
            continue
        name = initiative.ref.short
        plan = spec.migration

        def at(*pointer: str | int, base: Location | None = initiative.location) -> Location | None:
            return base.at("spec", "migration", *pointer) if base else None

        if plan is None or not (plan.rollback_plan or "").strip():
            yield diagnostic("MIG001", f"migration {name} has no rollback plan", at("rollbackPlan"), entity=name)
        elif not _is_url(plan.rollback_plan or "") and not context.path_exists(plan.rollback_plan or ""):
            yield diagnostic(
                "MIG004",
                f"rollback plan {plan.rollback_plan!r} of {name} does not exist in the repository",
                at("rollbackPlan"),
                entity=name,
            )
        if plan is None or not [item for item in plan.success_criteria if item.strip()]:
            yield diagnostic("MIG002", f"migration {name} has no success criteria", at("successCriteria"), entity=name)
        if plan is None or not [item for item in plan.observability if item.strip()]:
            yield diagnostic("MIG003", f"migration {name} has no observability", at("observability"), entity=name)
            continue
        for index, entry in enumerate(plan.observability):
            entry = entry.strip()
            if entry.lower().startswith("slo:"):
                if entry[4:] not in slo_names:
                    yield diagnostic(
                        "MIG004",
                        f"observability entry {entry!r} of {name} names no loaded SLO",
                        at("observability", index),
                        entity=name,
                    )
            elif entry and not _is_url(entry) and not context.path_exists(entry):
                yield diagnostic(
                    "MIG004",
                    f"observability entry {entry!r} of {name} is neither a URL nor a path in the repository",
                    at("observability", index),
                    entity=name,
                )
