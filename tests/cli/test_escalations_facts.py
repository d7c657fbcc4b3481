"""The escalation rules that read store facts, end to end: ESC002 from imported Trivy findings, CISA
KEV and an OpenSSF Scorecard result; ESC004 from imported SLI counts and deployment records, on
SQLite and PostgreSQL. Each with a twin in which it is answered (or the data does not say so) that
does not raise it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_security_command import NETWORK, feeds, trivy
from tests.cli.test_slo_status_command import counts_csv
from tests.conftest import run_charter
from tests.escalations_strategy import escalations_json, open_items, raised
from tests.reliability_strategy import FILES as RELIABILITY_FILES
from tests.reliability_strategy import ORGANIZATION as RELIABILITY_ORGANIZATION
from tests.security_strategy import write_security_repo
from tests.strategy import write_repo

SQLITE = {"CHARTER_DATABASE_URL": ""}
ACCEPT_LOG4SHELL = """\
    ---
    status: accepted
    date: 2026-01-20
    expires: 2026-06-30
    findings: [CVE-2021-44228]
    ---
    # Carry Log4Shell on the shop until the June release, behind the WAF rule
    """


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "sqlite":
        return SQLITE
    return {"CHARTER_DATABASE_URL": request.getfixturevalue("postgres_url")}


def _imported(root: Path, *arguments: str, env: dict[str, str] = SQLITE) -> None:
    code, output = run_charter("import", *arguments, "--repo", str(root), env=env)[:2]
    assert code == 0, output


def security_repo(tmp_path: Path, *, answered: bool, env: dict[str, str] = SQLITE) -> Path:
    """The security tests' repository with Log4Shell (critical, in KEV) on the internet-facing tier-1
    shop since 2026-01-01 and the shop's Branch-Protection at 3 (minimum 8); answered: an accepted
    decision carries the finding, and Scorecard scores the shop's branch protection 9."""
    root = write_security_repo(tmp_path / "strategy")
    if answered:
        write_repo(root, {"decisions/0009-carry-log4shell.md": ACCEPT_LOG4SHELL}, organization=None)
    log4shell = [("CVE-2021-44228", "CRITICAL", NETWORK)]
    scan = trivy(tmp_path / "shop.json", "acme/shop:1.0", "2026-01-01T08:00:00Z", log4shell)
    _imported(root, "findings", str(scan), "--component", "shop", env=env)
    files = feeds(tmp_path / "feeds")
    if answered:
        card = json.loads(files["scorecard"].read_text())
        card["checks"][0]["score"] = 9
        files["scorecard"].write_text(json.dumps(card))
    for kind in ("kev", "scorecard"):
        _imported(root, kind, str(files[kind]), env=env)
    return root


def test_security_exposure_is_raised_for_kev_overdue_critical_and_access_gaps(
    tmp_path: Path, database: dict[str, str]
) -> None:
    data = escalations_json(
        security_repo(tmp_path, answered=False, env=database), "--as-of", "2026-03-01", env=database
    )
    assert raised(data) == [
        ("ESC002", "component:shop critical-past-sla"),
        ("ESC002", "component:shop kev:CVE-2021-44228"),
        ("ESC002", "repository:github.com/acme/shop scorecard:Branch-Protection"),
    ]
    items = {item["subject"]: item for item in open_items(data).values()}
    kev = items["component:shop kev:CVE-2021-44228"]
    assert kev["owner"] == "group:team-a"
    assert [(entry["kind"], entry["ref"]) for entry in kev["evidence"]] == [
        ("kev", "CVE-2021-44228"),
        ("finding", "CVE-2021-44228"),
    ]
    assert "exposed 59 days" in kev["message"]
    assert "is 45 days over" in items["component:shop critical-past-sla"]["message"]
    assert data["notEvaluated"] == [
        {"code": "ESC001", "reason": "no incidents are known (postmortems or imported)"},
        {"code": "ESC004", "reason": "no SLO has SLI data in the store"},
    ]


def test_security_exposure_answered_by_a_decision_and_a_new_scorecard_is_not_raised(tmp_path: Path) -> None:
    assert raised(escalations_json(security_repo(tmp_path, answered=True), "--as-of", "2026-03-01")) == []


def test_a_store_without_security_facts_raises_no_security_exposure(tmp_path: Path) -> None:
    root = write_security_repo(tmp_path / "strategy")
    data = escalations_json(root, "--as-of", "2026-03-01")
    assert raised(data) == []
    assert {item["code"] for item in data["notEvaluated"]} == {"ESC001", "ESC002", "ESC004"}


def deployments(path: Path, *records: tuple[str, str, str]) -> Path:
    lines = [
        json.dumps({"id": identifier, "component": "checkout", "environment": environment, "sha": "c" * 40,
                    "finished": finished})
        for identifier, environment, finished in records
    ]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        # Deployed to production the day before the availability budget ran out: raised.
        ([("d1", "production", "2026-09-30T12:00:00Z")], [("ESC004", "slo:checkout-availability")]),
        # Only to staging, or to production more than seven days before: the freeze held.
        ([("d1", "staging", "2026-09-30T12:00:00Z")], []),
        ([("d1", "production", "2026-09-20T12:00:00Z")], []),
    ],
)
def test_a_spent_error_budget_while_deploying_to_production(
    tmp_path: Path, records: list[tuple[str, str, str]], expected: list[tuple[str, str]], database: dict[str, str]
) -> None:
    (tmp_path / "org").mkdir()
    root = write_repo(tmp_path / "org", RELIABILITY_FILES, RELIABILITY_ORGANIZATION)
    _imported(root, "sli", str(counts_csv(tmp_path / "sli.csv")), env=database)
    _imported(root, "deployments", str(deployments(tmp_path / "deployments.jsonl", *records)), env=database)
    data = escalations_json(root, "--as-of", "2026-10-01", env=database)
    assert raised(data) == expected
    for item in open_items(data).values():
        assert item["owner"] == "group:team-a"
        assert [entry["kind"] for entry in item["evidence"]] == ["slo", "deployment"]
        # The day's window ends at 23:59:59.999999, before its last minute is whole: 1,770 bad of 143,900.
        assert "budget left -23.0%" in item["evidence"][0]["detail"]
