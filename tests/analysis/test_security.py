"""Security posture from findings and facts, on a strategy read from files: SSVC priority and SLA of
each open finding, counts per component and team, overdue with owner, KEV exposure, Scorecard gaps,
and the SEC diagnostics. Expected values worked out by hand in the comments."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from charter.analysis.checks.governance_security import security_diagnostics
from charter.analysis.metrics import Scope
from charter.analysis.security.components import component_contexts
from charter.analysis.security.posture import (
    SecurityAssessment,
    SecurityFacts,
    SecurityPolicy,
    assess_security,
)
from charter.analysis.security.remediation import finding_exceptions
from charter.analysis.security.ssvc import Exposure, HumanImpact
from charter.load.repository import load_strategy_repo
from charter.model.finding import Finding
from charter.model.security_facts import EpssScore, KevEntry, ScorecardCheck
from tests.security_strategy import write_security_repo

AS_OF = datetime(2026, 3, 1, 23, 59, tzinfo=UTC)
VECTOR_NETWORK = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
VECTOR_PRIVILEGED = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"


def seen(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 8, tzinfo=UTC)


def finding(cve: str | None, component: str | None, severity: str, first: datetime, **extra: object) -> Finding:
    return Finding(
        key=f"{cve}|pkg|{component}",
        scanner="Trivy",
        target=f"{component}:1",
        severity=severity,  # type: ignore[arg-type]
        vulnerability_id=cve,
        package="pkg",
        component=f"component:default/{component}" if component else None,
        first_seen=first,
        **extra,  # type: ignore[arg-type]
    )


FINDINGS = [
    # Act: active (KEV) -> open (internet-facing) -> yes (AV:N/AC:L/PR:N/UI:N) -> very high (tier 1).
    # Due Jan 15 by the KEV rule (seen Jan 1 + 14; critical would be Jan 16): 16 + 28 + 1 = 45 days over.
    finding("CVE-2021-44228", "shop", "critical", seen(2026, 1, 1), cvss_vector=VECTOR_NETWORK),
    # Track*: poc (EPSS 0.5) -> controlled -> no (PR:L) -> medium (tier 3). Due Mar 22: not late.
    finding("CVE-2024-0002", "batch", "high", seen(2026, 2, 20), cvss_vector=VECTOR_PRIVILEGED),
    # Track*: none -> small (annotated) -> no (vector unreadable) -> high (tier 2). Due Dec 31: 60 days
    # over, and the decision naming it expired on Feb 1.
    finding("CVE-2024-0003", "ledger", "high", seen(2025, 12, 1), cvss_vector="CVSS:3.1/AV:N"),
    # Medium, due Dec 30 (Oct 1 + 90), 61 days over, but the accepted risk names it until Jun 30.
    finding("CVE-2024-0004", "batch", "medium", seen(2025, 10, 1)),
    # Mapped to no component: controlled and medium by default -> none/controlled/no/medium: Track*.
    finding("CVE-2024-0005", None, "low", seen(2026, 2, 25)),
    # Closed: not counted.
    finding("CVE-2024-0006", "shop", "critical", seen(2025, 1, 1), closed_at=seen(2025, 2, 1)),
]
FACTS = SecurityFacts(
    kev={"CVE-2021-44228": KevEntry("CVE-2021-44228", "Apache", "Log4j2", "Log4Shell", date(2021, 12, 10))},
    epss={"CVE-2024-0002": EpssScore("CVE-2024-0002", 0.5, 0.97)},
    scorecard=[
        ScorecardCheck("github.com/acme/shop", "Branch-Protection", 3, "branch protection not enabled", AS_OF),
        ScorecardCheck("github.com/acme/shop", "Code-Review", 2, "no reviews", AS_OF),  # no minimum set
        ScorecardCheck("github.com/acme/batch", "SAST", 0, "no SAST", AS_OF),
        ScorecardCheck("github.com/acme/batch", "Branch-Protection", None, "inconclusive", AS_OF),
        ScorecardCheck("github.com/acme/other", "SAST", 0, "no SAST", AS_OF),
    ],
)


@pytest.fixture(scope="module")
def assessment(tmp_path_factory: pytest.TempPathFactory) -> SecurityAssessment:
    root: Path = write_security_repo(tmp_path_factory.mktemp("security"))
    estate = load_strategy_repo(root)
    policy = SecurityPolicy(epss_threshold=0.1, scorecard_minimum={"Branch-Protection": 8, "SAST": 5})
    contexts = component_contexts(estate, policy.critical_tiers)
    exceptions = finding_exceptions(estate.decisions.values(), estate.risks)
    return assess_security(FINDINGS, FACTS, contexts, policy, exceptions, AS_OF)


def test_components_carry_exposure_impact_team_and_repository(assessment: SecurityAssessment) -> None:
    shop, ledger, batch = (assessment.contexts[name] for name in ("shop", "ledger", "batch"))
    assert (shop.exposure, shop.human_impact, shop.team, shop.repository) == (
        Exposure.OPEN,
        HumanImpact.VERY_HIGH,
        "group:team-a",
        "shop",
    )
    assert (ledger.exposure, ledger.human_impact, ledger.repository) == (Exposure.SMALL, HumanImpact.HIGH, None)
    assert (batch.exposure, batch.human_impact) == (Exposure.CONTROLLED, HumanImpact.MEDIUM)


def _summary(assessment: SecurityAssessment, scope: Scope) -> dict[str | None, tuple[object, ...]]:
    return {
        counts.scope: (dict(counts.by_severity), dict(counts.by_priority), counts.overdue, counts.kev_exposed)
        for counts in assessment.by(scope)
    }


def test_counts_by_component_and_by_team(assessment: SecurityAssessment) -> None:
    assert _summary(assessment, Scope.COMPONENT) == {
        "shop": ({"critical": 1}, {"act": 1}, 1, 1),
        "ledger": ({"high": 1}, {"track*": 1}, 1, 0),
        "batch": ({"high": 1, "medium": 1}, {"track*": 2}, 0, 0),
        None: ({"low": 1}, {"track*": 1}, 0, 0),
    }
    assert list(_summary(assessment, Scope.TEAM)) == ["group:team-a", "group:team-b", None]
    assert _summary(assessment, Scope.TEAM)["group:team-a"] == (
        {"critical": 1, "high": 1},
        {"act": 1, "track*": 1},
        2,
        1,
    )
    total = assessment.total
    assert (total.open, total.overdue, total.kev_exposed, total.excepted) == (5, 2, 1, 1)


def test_overdue_findings_most_days_over_first_with_owner_and_path(assessment: SecurityAssessment) -> None:
    assert [
        (
            item.finding.vulnerability_id,
            item.team,
            item.remediation.due,
            item.remediation.days_over,
            item.remediation.rule,
            item.decision.path,
        )
        for item in assessment.overdue()
    ] == [
        ("CVE-2024-0003", "group:team-a", date(2025, 12, 31), 60, "high", "none → small → no → high ⇒ Track*"),
        ("CVE-2021-44228", "group:team-a", date(2026, 1, 15), 45, "kev", "active → open → yes → very high ⇒ Act"),
    ]


def test_kev_exposure_on_internet_facing_components(assessment: SecurityAssessment) -> None:
    assert [(item.assessed.component, item.since, item.days) for item in assessment.kev_exposures] == [
        ("shop", date(2026, 1, 1), 59)  # Jan 1 to Mar 1
    ]


def test_scorecard_gaps_are_classified_and_mapped(assessment: SecurityAssessment) -> None:
    assert [
        (gap.check.repository, gap.check.check, gap.kind.value, gap.components) for gap in assessment.gaps.gaps
    ] == [
        ("github.com/acme/shop", "Branch-Protection", "access-control", ("shop",)),
        ("github.com/acme/batch", "SAST", "supply-chain", ("batch",)),
        ("github.com/acme/other", "SAST", "supply-chain", ()),
    ]
    assert assessment.gaps.unmapped_repositories == ("github.com/acme/other",)


def test_sec_diagnostics(assessment: SecurityAssessment) -> None:
    found = [(item.code, item.entity, item.message) for item in security_diagnostics(assessment)]
    assert [(code, entity) for code, entity, _ in found] == [
        ("SEC001", "component:shop"),
        ("SEC002", "component:ledger"),
        ("SEC002", "component:shop"),
        ("SEC003", "component:shop"),
        ("SEC004", None),
        ("SEC005", "component:ledger"),
    ]
    assert found[0][2] == (
        "CVE-2021-44228 (Apache Log4j2, in KEV since 2021-12-10) is open on internet-facing tier-1 component "
        "shop, exposed 59 days (SSVC active → open → yes → very high ⇒ Act)"
    )
    assert found[1][2] == (
        "component ledger, owned by group:team-a: 1 critical or high finding past the remediation SLA; the "
        "oldest, CVE-2024-0003, is 60 days over (due 2025-12-31)"
    )
    assert "Branch-Protection is 3, below the minimum 8" in found[3][2]
    assert found[4][2] == (
        "CVSS vector 'CVSS:3.1/AV:N' of 1 finding does not parse: base metric AC, PR, UI, S, C, I, A missing "
        "from a CVSS 3.1 vector"
    )
    assert found[5][2] == "CVE-2024-0003 on ledger: the exception of decision:0005 expired on 2026-02-01"


def test_most_urgent_first_by_priority_then_days_over(assessment: SecurityAssessment) -> None:
    assert [(item.finding.vulnerability_id, item.decision.priority.value) for item in assessment.most_urgent()] == [
        ("CVE-2021-44228", "act"),
        ("CVE-2024-0004", "track*"),  # 61 days over, excused by the accepted risk
        ("CVE-2024-0003", "track*"),  # 60
        ("CVE-2024-0002", "track*"),  # not due yet; batch sorts before unmapped
        ("CVE-2024-0005", "track*"),
    ]
    assert len(assessment.most_urgent(2)) == 2
