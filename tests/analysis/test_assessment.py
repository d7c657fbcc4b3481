"""The assessment's scores and roll-ups on a small estate, computed by hand: team-a holds A (tier 1,
weight 4, a service) and B (tier 3, weight 1, a library); team-b holds C (no tier, weight 1, a website).
Unknown evidence lowers the confidence and never the score; evidence older than its time-to-live is
unknown; a group pools its components' checks by tier weight rather than averaging their scores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from charter.analysis.assessment.catalogue import CHECKS, Area, Evidence
from charter.analysis.assessment.evaluate import JUDGES, Status
from charter.analysis.assessment.facts import ComponentFacts, StandardsOutcome
from charter.analysis.assessment.scoring import (
    assess_component,
    group_scopes,
    next_steps,
    organization_scope,
)
from charter.analysis.assessment.settings import assessment_weights
from charter.analysis.metrics import METRICS, Domain
from charter.model.organization import AssessmentSettings
from charter.model.refs import parse_ref

AS_OF = datetime(2026, 10, 12, tzinfo=UTC)
SECURITY_OF_A = {
    "security.kev_exposed": 0.0,
    "security.findings.overdue": 1.0,
    "security.findings.open_critical": 0.0,
    "security.findings.priority_act": 0.0,
    "security.access_control_gaps": 0.0,
}


def component_a(scanned_days_ago: float = 5) -> ComponentFacts:
    """Tier 1 service: owned by a group, an on-call, no runbook, 1 of 2 standard rules passed, no SLO; a scan
    `scanned_days_ago` found one overdue finding; no Scorecard, no deployment, no incident record."""
    return ComponentFacts(
        ref=parse_ref("component:a"),
        tier=1,
        team="group:team-a",
        system="system:shop",
        component_type="service",
        owner="group:team-a",
        owner_is_group=True,
        on_call="pagerduty:a",
        runbook=None,
        slos=(),
        standards=StandardsOutcome(passed=1, failed=1),
        metrics=SECURITY_OF_A,
        evidence={Evidence.SCANS: AS_OF - timedelta(days=scanned_days_ago)},
    )


COMPONENT_B = ComponentFacts(
    ref=parse_ref("component:b"),
    tier=3,
    team="group:team-a",
    system="system:shop",
    component_type="library",
    owner="user:bob",
    owner_is_group=False,
    on_call=None,
    runbook="https://wiki/b",
    slos=(),
    standards=StandardsOutcome(),
)
COMPONENT_C = ComponentFacts(
    ref=parse_ref("component:c"),
    tier=None,
    team="group:team-b",
    system=None,
    component_type="website",
    owner="group:team-b",
    owner_is_group=True,
    on_call="pagerduty:c",
    runbook="https://wiki/c",
    slos=(),
    standards=StandardsOutcome(),
)
DEFAULTS = assessment_weights(None)


def test_a_component_scores_its_known_checks_and_its_confidence_is_the_known_weight_share() -> None:
    a = assess_component(component_a(), DEFAULTS, AS_OF)
    readiness = a.tallies[Area.READINESS]
    # owner 3×1 + on-call 2×1 + runbook 2×0 + standards 2×0.5 = 6 of 9
    assert (readiness.earned, readiness.known, readiness.applicable) == (6, 9, 9)
    assert readiness.score == pytest.approx(100 * 6 / 9)
    assert readiness.confidence == 1
    security = a.tallies[Area.SECURITY]
    # KEV 3×1 + overdue 2×0 + critical 2×1 + act 1×1 = 6 of 8 known; access control (2) unknown: no Scorecard
    assert security.score == pytest.approx(75)
    assert security.confidence == pytest.approx(8 / 10)
    # No deployment recorded: every delivery check unknown, so no score and no confidence, never a zero
    assert a.tallies[Area.DELIVERY].score is None
    assert a.tallies[Area.DELIVERY].confidence == 0
    # Reliability: no SLO fails (2×0), the error budget is not applicable, the four incident checks are unknown
    assert a.tallies[Area.RELIABILITY].score == 0
    assert a.tallies[Area.RELIABILITY].confidence == pytest.approx(2 / 6)


def test_unknown_is_kept_apart_from_failed_and_from_not_applicable() -> None:
    a = {result.check.id: result for result in assess_component(component_a(), DEFAULTS, AS_OF).results}
    assert a["security.no-overdue-findings"].status is Status.FAILED
    assert a["security.no-overdue-findings"].value == 0
    assert a["security.access-control"].status is Status.UNKNOWN
    assert a["security.access-control"].value is None
    assert a["reliability.error-budget"].status is Status.NOT_APPLICABLE
    assert a["reliability.no-sev1"].status is Status.UNKNOWN  # the organisation records no incident at all
    b = {result.check.id: result for result in assess_component(COMPONENT_B, DEFAULTS, AS_OF).results}
    assert b["delivery.lead-time"].status is Status.NOT_APPLICABLE  # a library is not deployed
    assert b["readiness.standards"].status is Status.NOT_APPLICABLE  # no standard applies
    assert b["security.no-kev-exposed"].status is Status.UNKNOWN  # never scanned: unknown, not passed


def test_evidence_older_than_its_time_to_live_is_unknown() -> None:
    fresh = assess_component(component_a(scanned_days_ago=29), DEFAULTS, AS_OF).tallies[Area.SECURITY]
    stale = assess_component(component_a(scanned_days_ago=31), DEFAULTS, AS_OF).tallies[Area.SECURITY]
    assert fresh.score == pytest.approx(75)
    assert (stale.score, stale.confidence) == (None, 0)  # the default security time-to-live is 30 days
    longer = assessment_weights(AssessmentSettings.model_validate({"timeToLive": {"security": "60d"}}))
    kept = assess_component(component_a(scanned_days_ago=31), longer, AS_OF).tallies[Area.SECURITY]
    assert kept.score == pytest.approx(75)
    reason = next(
        result.evidence
        for result in assess_component(component_a(scanned_days_ago=31), DEFAULTS, AS_OF).results
        if result.check.id == "security.no-kev-exposed"
    )
    assert reason == "scans last 2026-09-11, older than 30 days"


def test_a_team_pools_its_components_checks_by_tier_weight_never_averaging_their_scores() -> None:
    assessed = [assess_component(facts, DEFAULTS, AS_OF) for facts in (component_a(), COMPONENT_B, COMPONENT_C)]
    team_a, team_b = group_scopes(assessed, "team", lambda facts: facts.team)
    assert (team_a.scope, team_b.scope) == ("group:team-a", "group:team-b")
    # B's readiness: owner 0 + on-call 0 + runbook 2 of 7 (standards not applicable) = 28.57; A's 66.67.
    # team-a = 100 × (4×6 + 1×2) / (4×9 + 1×7) = 60.47: neither the mean of the scores (47.62) nor their
    # tier-weighted mean (59.05)
    assert team_a.tallies[Area.READINESS].score == pytest.approx(100 * 26 / 43)
    # Security: B is unknown, so the team's score is A's, and only the confidence drops: 4×8 / (4×10 + 1×10)
    assert team_a.tallies[Area.SECURITY].score == pytest.approx(75)
    assert team_a.tallies[Area.SECURITY].confidence == pytest.approx(32 / 50)
    organization = organization_scope(assessed, "Acme")
    # C: 3 + 2 + 2 = 7 of 7, weight 1. Organisation = 100 × (24 + 2 + 7) / (36 + 7 + 7) = 66
    assert organization.tallies[Area.READINESS].score == pytest.approx(66)
    systems = group_scopes(assessed, "system", lambda facts: facts.system)
    assert [scope.scope for scope in systems] == ["system:shop"]  # C is in no system


def test_tier_weights_come_from_the_settings() -> None:
    equal = assessment_weights(AssessmentSettings.model_validate({"tierWeights": {1: 1}}))
    assessed = [assess_component(facts, equal, AS_OF) for facts in (component_a(), COMPONENT_B)]
    (team_a,) = group_scopes(assessed, "team", lambda facts: facts.team)
    assert team_a.tallies[Area.READINESS].score == pytest.approx(100 * (6 + 2) / (9 + 7))


def test_the_next_steps_are_the_failing_checks_that_raise_the_team_scores_most() -> None:
    assessed = [assess_component(facts, DEFAULTS, AS_OF) for facts in (component_a(), COMPONENT_B)]
    (team_a,) = group_scopes(assessed, "team", lambda facts: facts.team)
    steps = [
        (step.component.facts.ref.name, step.result.check.id, round(step.gain, 2)) for step in next_steps(team_a, 5)
    ]
    assert steps == [
        ("a", "reliability.slo-defined", 100.0),  # 4×2×1 / (4×2): the only known reliability check
        ("a", "security.no-overdue-findings", 25.0),  # 4×2×1 / (4×8)
        ("a", "readiness.runbook", round(100 * 8 / 43, 2)),  # 4×2×1 / 43
        ("a", "readiness.standards", round(100 * 4 / 43, 2)),  # 4×2×(1 − 0.5) / 43
        ("b", "readiness.owner", round(100 * 3 / 43, 2)),  # 1×3×1 / 43
    ]


def test_a_weight_of_zero_leaves_a_check_out() -> None:
    settings = AssessmentSettings.model_validate({"weights": {"readiness.runbook": 0, "readiness.owner": 6}})
    a = assess_component(component_a(), assessment_weights(settings), AS_OF)
    assert "readiness.runbook" not in {result.check.id for result in a.results}
    # owner 6×1 + on-call 2×1 + standards 2×0.5 = 9 of 10
    assert a.tallies[Area.READINESS].score == pytest.approx(90)


def test_every_area_has_checks_and_registry_metrics() -> None:
    assert {check.area for check in CHECKS} == set(Area)
    registered = {metric.name for metric in METRICS.values() if metric.domain is Domain.ASSESSMENT}
    expected = {f"assessment.{area.value}.{what}" for area in Area for what in ("score", "confidence")}
    assert registered == expected | {"assessment.method_version"}


def test_delivery_scores_the_dora_bands_and_a_service_with_no_failure_has_no_recovery_to_judge() -> None:
    def delivery(deployed_days_ago: float) -> ComponentFacts:
        return ComponentFacts(
            ref=parse_ref("component:d"), tier=2, team=None, system=None, component_type="service",
            owner=None, owner_is_group=False, on_call=None, runbook=None, slos=(), standards=StandardsOutcome(),
            metrics={
                "delivery.deployment_days_per_week": 7.0,  # elite: 1
                "delivery.deployment_days_per_month": 30.0,
                "delivery.lead_time_for_changes.p50": 2 * 86400.0,  # high (under a week): 2/3
                "delivery.change_failure_rate": 0.0,  # elite: 1
                "delivery.failed_deployment_recovery_time.p50": None,  # nothing failed: not applicable
            },
            evidence={Evidence.DEPLOYMENTS: AS_OF - timedelta(days=deployed_days_ago)},
        )  # fmt: skip

    recent = assess_component(delivery(1), DEFAULTS, AS_OF)
    assert recent.tallies[Area.DELIVERY].score == pytest.approx(100 * (1 + 2 / 3 + 1) / 3)
    assert recent.tallies[Area.DELIVERY].confidence == 1
    statuses = {result.check.id: result.status for result in recent.results if result.check.area is Area.DELIVERY}
    assert statuses["delivery.recovery-time"] is Status.NOT_APPLICABLE
    assert statuses["delivery.lead-time"] is Status.FAILED  # partly: high earns 2/3
    # No production deployment in the 90 days of delivery's time-to-live: unknown
    assert assess_component(delivery(91), DEFAULTS, AS_OF).tallies[Area.DELIVERY].score is None


def test_every_check_has_a_judge() -> None:
    assert set(JUDGES) == {check.id for check in CHECKS}
