"""`controls`: coverage of every compliance obligation, with its requirements resolved from the OSCAL
profile a ControlSet names or listed by the user; and the control rules (CTL001-CTL003) with the
OSCAL lists, which `charter check` runs without them (it reads only the strategy files), so a
requirement the profile has and no ControlSet states is a diagnostic here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from charter.analysis.checks.governance import CheckContext
from charter.analysis.checks.governance_controls import control_gaps
from charter.analysis.checks.suppression import apply_settings
from charter.analysis.security.controls import STATUSES, ObligationCoverage, RequirementView, control_coverage
from charter.load.files import repo_path_exists
from charter.load.oscal import control_set_requirements
from charter.load.repository import pinpoint
from charter.model.diagnostics import Severity
from charter.model.errors import NotFound
from charter.outputs.views import controls as view
from charter.services.context import Context
from charter.services.gate import GatedReport, gate_met


@dataclass(frozen=True, slots=True)
class ControlsQuery:
    obligation: str | None = None  # only this obligation (soc2, nist-800-53-moderate, ...)
    as_of: date | None = None  # the day reviews are judged on; None: today
    fail_on: Severity | None = None  # the gate: a CTL diagnostic at or above this severity


def controls_report(context: Context, query: ControlsQuery) -> GatedReport[view.ControlsReport]:
    """Coverage of every obligation (or the one asked for; NotFound when there is no such
    obligation), the CTL diagnostics settled by charter.yaml, and whether one meets the gate."""
    root = context.root
    today = query.as_of if query.as_of is not None else context.clock().astimezone().date()
    resolved, problems = control_set_requirements(root, context.estate)

    def path_exists(relative: str) -> bool:
        return repo_path_exists(root, relative)

    report = control_coverage(context.estate, resolved, today, path_exists, only=query.obligation)
    if query.obligation is not None and not report.obligations:
        known = control_coverage(context.estate, resolved, today, path_exists).obligations
        names = ", ".join(item.obligation for item in known) or "none"
        raise NotFound(f"no obligation {query.obligation!r} in charter.yaml or controls/ (known: {names})")
    gaps = control_gaps(context.estate, CheckContext(today, path_exists), resolved)
    # `spec.diagnostics` and `charter.dev/ignore` apply as in `charter check`, which reports problems
    # with the suppressions themselves.
    settled = [
        item for item in apply_settings(context.estate, [*problems, *gaps], today) if item.code.startswith("CTL")
    ]
    diagnostics = tuple(pinpoint(settled, root))
    coverage = view.ControlsReport(
        as_of=report.as_of,
        statuses=list(STATUSES),
        obligations=[_obligation_view(item) for item in report.obligations],
    )
    return GatedReport(coverage, diagnostics, gate_met(diagnostics, query.fail_on))


def _requirement_view(item: RequirementView) -> view.RequirementCoverage:
    return view.RequirementCoverage(
        id=item.id,
        title=item.title,
        status=item.status,
        control_set=item.control_set,
        owner=item.owner,
        reason=item.reason,
        review_by=item.review_by,
        stale=item.stale,
        evidence=list(item.evidence),
        evidence_missing=list(item.evidence_missing),
        evidence_urls=list(item.evidence_urls),
        mitigates=list(item.mitigates),
        in_profile=item.in_profile,
        gap=item.is_gap,
    )


def _obligation_view(obligation: ObligationCoverage) -> view.ObligationCoverage:
    return view.ObligationCoverage(
        obligation=obligation.obligation,
        required=obligation.required,
        control_sets=list(obligation.control_sets),
        source=obligation.source,
        counts=obligation.counts,
        applicable=obligation.applicable,
        coverage=obligation.coverage,
        gaps=[item.id for item in obligation.gaps],
        evidence_missing=[item.id for item in obligation.evidence_missing],
        stale=[item.id for item in obligation.stale],
        beyond_profile=[item.id for item in obligation.beyond_profile],
        requirements=[_requirement_view(item) for item in obligation.requirements],
    )
