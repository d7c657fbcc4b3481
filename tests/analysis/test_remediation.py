"""Remediation SLAs: due dates by severity from first seen, the KEV deadline, days over, and the
exceptions that decisions and accepted risks grant. Every date below is worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from charter.analysis.security.remediation import FindingException, finding_exceptions, remediation
from charter.model.decision import Decision
from charter.model.finding import Finding
from charter.model.kinds import Risk
from charter.model.organization import RemediationSla

SLA = RemediationSla()  # critical 15, high 30, medium 90, low 180, kev 14
SEEN = datetime(2026, 1, 10, 22, 30, tzinfo=UTC)


def finding(severity: str = "high", vulnerability: str | None = "CVE-2024-0001", **extra: object) -> Finding:
    return Finding(
        key=f"{vulnerability}|pkg|component:default/shop",
        scanner="Trivy",
        target="shop:1.0",
        severity=severity,  # type: ignore[arg-type]
        vulnerability_id=vulnerability,
        first_seen=SEEN,
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("severity", "due"),
    [
        ("critical", date(2026, 1, 25)),  # Jan 10 + 15
        ("high", date(2026, 2, 9)),  # Jan 10 + 30 = Feb 9
        ("medium", date(2026, 4, 10)),  # Jan 10 + 90: 21 left in Jan, 28 Feb, 31 Mar -> Apr 10
        ("low", date(2026, 7, 9)),  # Jan 10 + 180: Apr 10 + 90: 20 Apr, 31 May, 30 Jun -> Jul 9
    ],
)
def test_due_date_by_severity_from_the_day_first_seen(severity: str, due: date) -> None:
    found = remediation(finding(severity), SLA, datetime(2026, 1, 11, tzinfo=UTC))
    assert found.due == due and found.rule == severity and found.days_over == 0 and not found.overdue


def test_days_over_count_whole_days_after_the_due_day() -> None:
    # High, due Feb 9: on Feb 9 itself not late, on Feb 10 one day, on Mar 1 twenty (19 of Feb + 1).
    assert remediation(finding(), SLA, datetime(2026, 2, 9, 23, 59, tzinfo=UTC)).days_over == 0
    assert remediation(finding(), SLA, datetime(2026, 2, 10, 0, 1, tzinfo=UTC)).days_over == 1
    late = remediation(finding(), SLA, datetime(2026, 3, 1, tzinfo=UTC))
    assert late.days_over == 20 and late.overdue


def test_findings_of_no_severity_have_no_sla() -> None:
    found = remediation(finding("unknown"), SLA, datetime(2027, 1, 1, tzinfo=UTC))
    assert found.due is None and found.days_over == 0 and not found.overdue


def test_known_exploited_findings_take_the_kev_deadline_from_the_later_of_seen_and_listed() -> None:
    as_of = datetime(2026, 3, 1, tzinfo=UTC)
    # Listed before it was seen: Jan 10 + 14 = Jan 24, earlier than the high deadline (Feb 9).
    early = remediation(finding(), SLA, as_of, kev_added=date(2025, 6, 1))
    assert (early.due, early.rule, early.sla_days, early.days_over) == (date(2026, 1, 24), "kev", 14, 36)
    # Listed Feb 1: Feb 1 + 14 = Feb 15 is later than Feb 9, so the high deadline holds.
    late = remediation(finding(), SLA, as_of, kev_added=date(2026, 2, 1))
    assert (late.due, late.rule) == (date(2026, 2, 9), "high")
    # A low finding listed Jan 20: Jan 20 + 14 = Feb 3, long before the low deadline.
    low = remediation(finding("low"), SLA, as_of, kev_added=date(2026, 1, 20))
    assert (low.due, low.rule, low.days_over) == (date(2026, 2, 3), "kev", 26)


def test_an_active_exception_excuses_an_overdue_finding_and_an_expired_one_does_not() -> None:
    as_of = datetime(2026, 3, 1, tzinfo=UTC)
    active = FindingException("decision:0012", date(2026, 3, 1))
    excused = remediation(finding(), SLA, as_of, exceptions=(active,))
    assert excused.days_over == 20 and not excused.overdue and excused.exception == active
    expired = FindingException("decision:0012", date(2026, 2, 28))
    counted = remediation(finding(), SLA, as_of, exceptions=(expired,))
    assert counted.overdue and counted.exception is None and counted.expired_exception == expired


def _risk(name: str, treatment: str, findings: list[str], review_by: str | None, status: str = "accepted") -> Risk:
    spec: dict[str, object] = {
        "title": name,
        "category": "security",
        "likelihood": 2,
        "impact": 3,
        "treatment": treatment,
        "status": status,
        "findings": findings,
    }
    if review_by:
        spec["reviewBy"] = review_by
    return Risk.model_validate(
        {"apiVersion": "charter.dev/v1", "kind": "Risk", "metadata": {"name": name}, "spec": spec}
    )


def test_exceptions_come_from_accepted_decisions_and_accepted_risks_naming_the_finding() -> None:
    decisions = [
        Decision(
            "0012",
            "Accept log4j on batch",
            status="accepted",
            mentions=("finding:cve-2024-0001",),
            expires=date(2026, 6, 30),
        ),
        Decision("0013", "Proposed only", status="proposed", mentions=("finding:CVE-2024-0001",)),
        Decision("0014", "About a risk", status="accepted", mentions=("risk:legacy",)),
    ]
    risks = [
        _risk("legacy-tls", "accept", ["GHSA-aaaa-bbbb-cccc"], "2026-12-31"),
        _risk("mitigated", "mitigate", ["CVE-2024-0001"], None),
        _risk("closed-one", "accept", ["CVE-2024-0001"], None, status="closed"),
    ]
    exceptions = finding_exceptions(decisions, risks)
    named = finding(aliases=("GHSA-aaaa-bbbb-cccc",))
    assert exceptions.of(named) == (
        FindingException("decision:0012", date(2026, 6, 30)),
        FindingException("risk:legacy-tls", date(2026, 12, 31)),
    )
    assert exceptions.of(finding(vulnerability="CVE-2099-0001")) == ()
    # A finding with no vulnerability id is named by its key.
    code = Finding(key="sarif|rule-1|src/app.py:3", scanner="CodeQL", target="repo", severity="high")
    by_key = finding_exceptions([Decision("0020", "x", status="accepted", mentions=(f"finding:{code.key}",))], [])
    assert by_key.of(code) == (FindingException("decision:0020", None),)
