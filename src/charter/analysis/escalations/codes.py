"""The escalation codes `charter escalations` raises, declared once: title, default severity,
rationale, fix and an example. `spec.diagnostics` in charter.yaml raises, lowers or turns one off,
and `charter.dev/ignore` or `spec.ignore` suppress one with a reason and an optional expiry, as for
`charter check`."""

from __future__ import annotations

from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Severity

CODES = Codes(
    Rule(
        "ESC001",
        "Repeated incidents with no funded fix",
        Severity.ERROR,
        rationale=(
            "Two or more incidents on one service within `policies.repeatIncidentWindowDays` are systemic reliability "
            "debt; when no committed or in-progress initiative affects the service (or mitigates a risk that names "
            "it), nobody has been given time to pay it down."
        ),
        fix=(
            "Commit an initiative whose `affects` names the component (or its system), or one that mitigates a risk "
            "whose `affects` names it."
        ),
        example="""\
# incidents/2026-10-02-checkout.md and incidents/2026-10-20-checkout.md: services: [checkout]
# roadmap/: no committed or in-progress initiative with affects: [component:checkout]
""",
    ),
    Rule(
        "ESC002",
        "Material security exposure",
        Severity.ERROR,
        rationale=(
            "A known-exploited finding on an internet-facing tier-1 component, a critical finding past its SLA, an "
            "access-control check below the Scorecard minimum on a tier-1 repository, or a required control not "
            "implemented past its review date is exposure the organisation has not chosen to carry."
        ),
        fix=(
            "Fix or mitigate it now; if it is to be carried, record that choice (an accepted decision naming the "
            "finding, or a suppression with a reason and an expiry)."
        ),
        example="""\
# facts/kev.json lists CVE-2021-44228, open on catalog/payments.yaml (tier 1, internet-facing)
""",
    ),
    Rule(
        "ESC003",
        "Over-committed team-quarter with no recorded tradeoff",
        Severity.ERROR,
        rationale=(
            "Roadmap commitments beyond a team's available capacity will slip; without an accepted decision record "
            "naming the quarter and what it defers, nobody has chosen what gives."
        ),
        fix=(
            "Record the tradeoff: an accepted decision record with front matter `quarter: 2027Q1` and `defers: "
            "[initiative:NAME]` whose deferrals bring the quarter within capacity; or move commitments, or add "
            "capacity."
        ),
        example="""\
# roadmap/capacity.yaml: {quarter: 2027Q1, teams: {payments: 40}, reserve: {unplanned: 0.2}}  # 32 available
# roadmap/payments.yaml: 24 + 16 team-weeks committed to 2027Q1, and no decision defers any of it
""",
    ),
    Rule(
        "ESC004",
        "Error budget exhausted while deploying",
        Severity.ERROR,
        rationale=(
            "An exhausted error budget means the service is less reliable than agreed; production deployments that "
            "go on regardless spend reliability the users no longer have."
        ),
        fix="Freeze feature deployments of the component until the budget recovers, except reliability fixes.",
        example="""\
# slos/checkout-availability.yaml: budget remaining -40% on 2026-11-01, and
# facts/deployments.jsonl: checkout deployed to production on 2026-10-30
""",
    ),
    Rule(
        "ESC005",
        "Risk above appetite with no funded mitigation",
        Severity.ERROR,
        rationale=(
            "A risk whose current residual level exceeds its category's appetite must be mitigated or knowingly "
            "accepted; with no committed or in-progress mitigation and no accepted decision, it is neither."
        ),
        fix="Commit an initiative that mitigates the risk, or record an accepted, unexpired decision naming it.",
        example="""\
# risks/single-region.yaml: residual {likelihood: 4, impact: 5} (critical), reliability appetite medium,
# mitigatedBy: [initiative:multi-region-db], which is only proposed
""",
    ),
    Rule(
        "ESC006",
        "Migration in progress without rollback, success criteria or observability",
        Severity.ERROR,
        rationale="A migration under way with no way back, no definition of done or no way to watch it is an outage "
        "waiting for a bad day.",
        fix="Add `spec.migration.rollbackPlan`, `successCriteria` and `observability` to the initiative.",
        example="""\
# roadmap/move-db.yaml
spec:
  type: migration
  status: in-progress
  migration: {successCriteria: [all reads served by the new cluster]}   # no rollbackPlan, no observability
""",
    ),
    Rule(
        "ESC007",
        "Critical component or system without an owning group",
        Severity.ERROR,
        rationale=(
            "A tier-1 or tier-2 component or system must be owned by a Group, so that someone is accountable when it "
            "breaks and ownership survives people leaving."
        ),
        fix="Set `spec.owner` to a Group that exists in the catalog.",
        example="""\
# catalog/payments.yaml: charter.dev/tier: "1", owner: user:jane (a person)
""",
    ),
    Rule(
        "ESC008",
        "Target off track with no funded initiative",
        Severity.WARNING,
        rationale=(
            "A target the snapshots say is off track will be missed unless someone works on it; when no committed "
            "or in-progress initiative names its goal, nobody has been given the time."
        ),
        fix="Commit an initiative whose `goals` name the target's goal, or change the target and record why.",
        example="""\
# charter.yaml: goal faster-delivery, target delivery.lead_time_for_changes.p50 <= 1d by 2027-06-30,
# projected to be reached in 2028; roadmap/: no committed or in-progress initiative with goals: [faster-delivery]
""",
    ),
)
