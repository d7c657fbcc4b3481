"""`charter security` end to end: Trivy reports imported with `charter import findings`, CISA's KEV
catalog, FIRST's EPSS scores and a Scorecard result imported from real files, then the report in
every format, the SEC gate and the trend from snapshots. On SQLite and PostgreSQL (through
CHARTER_DATABASE_URL)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from charter.cli.errors import CharterGroup
from charter.cli.imports import import_app
from charter.cli.security import security_command
from charter.services.context import load_context
from charter.services.security_metrics import security_metric_values
from charter.store.database import open_store
from tests.security_strategy import write_security_repo

NETWORK = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
PRIVILEGED = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"


def cli() -> typer.Typer:
    """The commands this test needs, registered as charter.cli.app does (errors become exit codes)."""
    app = typer.Typer(cls=CharterGroup)
    app.add_typer(import_app, name="import")
    app.command("security")(security_command)
    return app


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "sqlite":
        return {"CHARTER_DATABASE_URL": ""}
    return {"CHARTER_DATABASE_URL": request.getfixturevalue("postgres_url")}


def invoke(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli(), list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def trivy(path: Path, artifact: str, created: str, vulnerabilities: list[tuple[str, str, str | None]]) -> Path:
    items = [
        {
            "VulnerabilityID": cve,
            "PkgName": "libexample",
            "InstalledVersion": "1.0.0",
            "FixedVersion": "1.0.1",
            "Severity": severity,
            "CVSS": {"nvd": {"V3Vector": vector, "V3Score": 9.8}} if vector else {},
        }
        for cve, severity, vector in vulnerabilities
    ]
    report = {
        "SchemaVersion": 2,
        "CreatedAt": created,
        "ArtifactName": artifact,
        "ArtifactType": "container_image",
        "Results": [{"Target": f"{artifact} (debian 12)", "Class": "os-pkgs", "Vulnerabilities": items}],
    }
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def feeds(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    kev = folder / "kev.json"
    kev.write_text(
        json.dumps(
            {
                "title": "CISA Catalog of Known Exploited Vulnerabilities",
                "catalogVersion": "1",
                "vulnerabilities": [
                    {
                        "cveID": "CVE-2021-44228",
                        "vendorProject": "Apache",
                        "product": "Log4j2",
                        "vulnerabilityName": "Log4Shell",
                        "dateAdded": "2021-12-10",
                        "dueDate": "2021-12-24",
                        "knownRansomwareCampaignUse": "Known",
                    }
                ],
            }
        )
    )
    epss = folder / "epss.csv"
    epss.write_text(
        "#model_version:v2025.03.14,score_date:2026-03-01T00:00:00+0000\ncve,epss,percentile\n"
        "CVE-2024-0002,0.5,0.97\nCVE-2021-44228,0.97,0.99\n"
    )
    scorecard = folder / "shop-scorecard.json"
    scorecard.write_text(
        json.dumps(
            {
                "date": "2026-02-28T10:00:00Z",
                "repo": {"name": "github.com/acme/shop"},
                "score": 4.0,
                "checks": [{"name": "Branch-Protection", "score": 3, "reason": "not protected", "details": None}],
            }
        )
    )
    return {"kev": kev, "epss": epss, "scorecard": scorecard}


@pytest.fixture
def repo(tmp_path: Path, database: dict[str, str]) -> Path:
    root = write_security_repo(tmp_path / "strategy")
    scans = tmp_path / "scans"
    scans.mkdir()
    imports = [
        (
            "shop",
            trivy(
                scans / "shop.json", "acme/shop:1.0", "2026-01-01T08:00:00Z", [("CVE-2021-44228", "CRITICAL", NETWORK)]
            ),
        ),
        (
            "ledger",
            trivy(scans / "ledger.json", "acme/ledger:2.3", "2025-12-01T08:00:00Z", [("CVE-2024-0003", "HIGH", None)]),
        ),
        (
            "batch",
            trivy(scans / "batch-1.json", "acme/batch:7", "2025-10-01T08:00:00Z", [("CVE-2024-0004", "MEDIUM", None)]),
        ),
        (
            "batch",
            trivy(
                scans / "batch-2.json",
                "acme/batch:7",
                "2026-02-20T08:00:00Z",
                [("CVE-2024-0004", "MEDIUM", None), ("CVE-2024-0002", "HIGH", PRIVILEGED)],
            ),
        ),
    ]
    for component, path in imports:
        code, output = invoke(database, "import", "findings", str(path), "--repo", str(root), "--component", component)
        assert code == 0, output
    files = feeds(tmp_path / "feeds")
    for kind in ("kev", "epss", "scorecard"):
        code, output = invoke(database, "import", kind, str(files[kind]), "--repo", str(root))
        assert code == 0, output
    return root


def test_the_report_as_json(repo: Path, database: dict[str, str]) -> None:
    code, output = invoke(database, "security", "--repo", str(repo), "--as-of", "2026-03-01", "--format", "json")
    assert code == 0, output
    data = json.loads(output)
    assert data["total"]["open"] == 4 and data["total"]["overdue"] == 2 and data["total"]["kevExposed"] == 1
    assert {scope["scope"]: scope["byPriority"] for scope in data["scopes"]} == {
        "shop": {"act": 1, "attend": 0, "track*": 0, "track": 0},
        "ledger": {"act": 0, "attend": 0, "track*": 1, "track": 0},
        "batch": {"act": 0, "attend": 0, "track*": 2, "track": 0},
    }
    assert [
        (item["vulnerabilityId"], item["owner"], item["due"], item["daysOver"], item["ssvc"]["path"])
        for item in data["overdue"]
    ] == [
        ("CVE-2024-0003", "group:team-a", "2025-12-31", 60, "none → small → no → high ⇒ Track*"),
        ("CVE-2021-44228", "group:team-a", "2026-01-15", 45, "active → open → yes → very high ⇒ Act"),
    ]
    exposure = data["kevExposure"][0]
    assert (exposure["component"], exposure["exposedSince"], exposure["exposedDays"], exposure["knownRansomware"]) == (
        "shop",
        "2026-01-01",
        59,
        True,
    )
    assert [(gap["check"], gap["components"]) for gap in data["scorecardGaps"]] == [("Branch-Protection", ["shop"])]
    assert [item["code"] for item in data["diagnostics"]] == ["SEC001", "SEC002", "SEC002", "SEC003", "SEC005"]
    assert [(item["vulnerabilityId"], item["priority"], item["epss"]) for item in data["mostUrgent"]] == [
        ("CVE-2021-44228", "act", 0.97),
        ("CVE-2024-0004", "track*", None),
        ("CVE-2024-0003", "track*", None),
        ("CVE-2024-0002", "track*", 0.5),
    ]


def test_the_table_and_markdown_show_the_path_through_the_tree(repo: Path, database: dict[str, str]) -> None:
    code, table = invoke(database, "security", "--repo", str(repo), "--as-of", "2026-03-01")
    assert code == 0, table
    assert "Security as of 2026-03-01 by component" in table and "Past remediation SLA: 2" in table
    assert "active → open → yes → very high ⇒ Act" in table
    assert "Known exploited on internet-facing components: 1" in table
    code, markdown = invoke(
        database, "security", "--repo", str(repo), "--as-of", "2026-03-01", "-f", "markdown", "--limit", "1"
    )
    assert "## Past remediation SLA: 2 (the 1 most overdue)" in markdown
    assert "| CVE-2024-0003 (libexample) | high | ledger | group:team-a |" in markdown


def test_by_team_as_csv(repo: Path, database: dict[str, str]) -> None:
    code, output = invoke(
        database, "security", "--repo", str(repo), "--as-of", "2026-03-01", "--by", "team", "--format", "csv"
    )
    assert code == 0, output
    rows = {(row["scope"], row["metric"]): row["value"] for row in csv.DictReader(io.StringIO(output))}
    assert rows[("group:team-a", "overdue")] == "2" and rows[("group:team-a", "priority.act")] == "1"
    assert rows[("group:team-b", "open")] == "2" and rows[("group:team-b", "severity.medium")] == "1"


def test_fail_on_makes_the_sec_diagnostics_a_gate(repo: Path, database: dict[str, str]) -> None:
    code, _ = invoke(database, "security", "--repo", str(repo), "--as-of", "2026-03-01", "--fail-on", "error")
    assert code == 1
    # Before anything was due (Dec 1, 2025: only the batch finding, due Dec 30), nothing fails the gate.
    code, output = invoke(database, "security", "--repo", str(repo), "--as-of", "2025-12-01", "--fail-on", "warning")
    assert code == 0, output


def test_the_trend_comes_from_snapshots(repo: Path, database: dict[str, str]) -> None:
    url = database["CHARTER_DATABASE_URL"] or None
    with open_store(repo, url) as store:
        workspace = load_context(repo, store)
        with store.engine.connect() as connection:
            values = security_metric_values(workspace, connection, datetime(2026, 2, 1, tzinfo=UTC))
        store.write_snapshot(datetime(2026, 2, 1, tzinfo=UTC), None, values)
    by_key = {(item.metric, item.scope_ref): item.value for item in values}
    # Feb 1: the shop finding (due Jan 15) is late; the ledger one (due Dec 31) too, but decision 0005
    # excuses it through Feb 1; CVE-2024-0002 (first seen Feb 20) and the Scorecard result (Feb 28) are
    # not there yet.
    assert by_key[("security.findings.overdue", "acme")] == 1
    assert by_key[("security.findings.open_critical", "component:shop")] == 1
    assert by_key[("security.findings.open", "group:team-b")] == 1
    assert by_key[("security.access_control_gaps", "component:shop")] == 0
    with open_store(repo, url) as store, store.engine.connect() as connection:
        later = security_metric_values(load_context(repo, store), connection, datetime(2026, 3, 1, tzinfo=UTC))
    later_by_key = {(item.metric, item.scope_ref): item.value for item in later}
    assert later_by_key[("security.access_control_gaps", "component:shop")] == 1
    assert later_by_key[("security.access_control_gaps", "component:ledger")] == 0
    assert later_by_key[("security.findings.open", "group:team-b")] == 2
    code, output = invoke(database, "security", "--repo", str(repo), "--as-of", "2026-03-01", "-f", "json")
    assert json.loads(output)["trend"] == [
        {
            "takenAt": "2026-02-01T00:00:00+00:00",
            "values": {
                "security.findings.open_critical": 1.0,
                "security.findings.open_high": 1.0,
                "security.findings.overdue": 1.0,
                "security.kev_exposed": 1.0,
                "security.findings.priority_act": 1.0,
            },
        }
    ]


def test_an_empty_store_says_what_to_import(tmp_path: Path, database: dict[str, str]) -> None:
    root = write_security_repo(tmp_path)
    code, output = invoke(database, "security", "--repo", str(root))
    assert code == 0 and "No open findings" in output


def test_findings_closed_by_a_later_scan_or_suppressed_by_vex_are_not_counted(
    repo: Path, database: dict[str, str], tmp_path: Path
) -> None:
    # The ledger's next scan no longer reports CVE-2024-0003: closed.
    rescan = trivy(tmp_path / "ledger-2.json", "acme/ledger:2.3", "2026-02-15T08:00:00Z", [])
    code, output = invoke(database, "import", "findings", str(rescan), "--repo", str(repo), "--component", "ledger")
    assert code == 0, output
    # The batch job is not affected by CVE-2024-0002 (OpenVEX).
    vex = tmp_path / "batch.openvex.json"
    vex.write_text(
        json.dumps(
            {
                "@context": "https://openvex.dev/ns/v0.2.0",
                "@id": "https://example.test/vex/1",
                "author": "security@acme.example",
                "timestamp": "2026-02-21T00:00:00Z",
                "version": 1,
                "statements": [
                    {
                        "vulnerability": {"name": "CVE-2024-0002"},
                        "products": [{"@id": "pkg:oci/batch"}],
                        "status": "not_affected",
                        "justification": "vulnerable_code_not_in_execute_path",
                    }
                ],
            }
        )
    )
    code, output = invoke(database, "import", "findings", str(vex), "--repo", str(repo))
    assert code == 0, output
    code, output = invoke(database, "security", "--repo", str(repo), "--as-of", "2026-03-01", "--format", "json")
    data = json.loads(output)
    assert {scope["scope"]: scope["open"] for scope in data["scopes"]} == {"shop": 1, "batch": 1}
    assert [item["vulnerabilityId"] for item in data["overdue"]] == ["CVE-2021-44228"]


def test_a_store_that_cannot_be_read_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    root = write_security_repo(tmp_path)
    with open_store(root) as store, store.transaction() as connection:
        connection.exec_driver_sql("DROP TABLE findings")
    code, output = invoke({"CHARTER_DATABASE_URL": ""}, "security", "--repo", str(root))
    assert code == 1 and "the store cannot be read" in output and "findings" in output
