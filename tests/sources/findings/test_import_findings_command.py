"""`charter import findings`: summaries, mapping from the catalog's annotations, options, exit
codes, and each file its own transaction. On SQLite and PostgreSQL (through CHARTER_DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.services.findings import read_findings
from charter.store.database import open_store
from tests.conftest import run_charter
from tests.sources.findings.documents import (
    IMAGE,
    PIP_AUDIT_CURRENT,
    sarif_code_log,
    sarif_result,
    trivy_report,
    trivy_vulnerability,
    write_json,
)
from tests.strategy import write_repo

CATALOG = {
    "catalog/teams.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: payments-team}
        spec: {type: team, children: []}
        """,
    "catalog/checkout.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: checkout
          annotations:
            charter.dev/images: "registry.example/acme/checkout:*, registry.example/acme/checkout-worker:*"
            charter.dev/repo: https://github.com/acme/checkout
        spec: {type: service, lifecycle: production, owner: payments-team}
        """,
    "catalog/payments.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: payments
          annotations:
            charter.dev/purl: pkg:pypi/acme-payments
        spec: {type: service, lifecycle: production, owner: payments-team}
        """,
}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "sqlite":
        return {"CHARTER_DATABASE_URL": ""}
    return {"CHARTER_DATABASE_URL": request.getfixturevalue("postgres_url")}


@pytest.fixture
def strategy(tmp_path: Path) -> Path:
    (tmp_path / "strategy").mkdir()
    return write_repo(tmp_path / "strategy", CATALOG)


def components(strategy: Path, env: dict[str, str]) -> list[tuple[str, str]]:
    """(vulnerability or rule, component; "" when unmapped) of every open finding."""
    with open_store(strategy, env["CHARTER_DATABASE_URL"] or None) as store, store.engine.connect() as connection:
        found = read_findings(connection)
    return sorted((finding.vulnerability_id or finding.rule_id or "", finding.component or "") for finding in found)


def test_findings_map_to_components_by_image_and_repository(
    strategy: Path, database: dict[str, str], tmp_path: Path
) -> None:
    trivy = write_json(tmp_path / "trivy.json", trivy_report([trivy_vulnerability("CVE-2023-0001", "libssl3", "3.1")]))
    codeql = write_json(tmp_path / "codeql.sarif", sarif_code_log([sarif_result("py/sql-injection", 0, "a.py", 1)]))
    code, output = run_charter("import", "findings", str(trivy), str(codeql), "--repo", str(strategy), env=database)[:2]
    assert (code, output) == (
        0,
        f"{trivy}: imported 1 findings (1 new, 0 closed), 0 skipped\n"
        f"{codeql}: imported 1 findings (1 new, 0 closed), 0 skipped\n",
    )
    assert components(strategy, database) == [
        ("CVE-2023-0001", "component:default/checkout"),
        ("py/sql-injection", "component:default/checkout"),
    ]


def test_repo_name_scanned_at_and_unmapped_warning(strategy: Path, database: dict[str, str], tmp_path: Path) -> None:
    path = write_json(tmp_path / "pip-audit.json", PIP_AUDIT_CURRENT)
    code, output = run_charter(
        "import", "findings", str(path), "--repo", str(strategy), "--scanned-at", "2026-05-01T00:00:00Z", env=database
    )[:2]
    assert code == 0
    assert "IMP035" in output and "1 of 1 findings of pip-audit on 'pip-audit.json' map to no component" in output
    assert f"{path}: imported 1 findings (1 new, 0 closed, 1 unmapped), 0 skipped" in output

    code, output = run_charter(
        "import",
        "findings",
        str(path),
        "--repo",
        str(strategy),
        "--repository",
        "checkout",
        "--scanned-at",
        "2026-05-02",
        env=database,
    )[:2]
    assert (code, output) == (0, f"{path}: imported 1 findings (1 new, 0 closed), 0 skipped\n")
    assert components(strategy, database) == [
        ("CVE-2019-1010083", ""),  # the first import, of target pip-audit.json, unmapped
        ("CVE-2019-1010083", "component:default/checkout"),
    ]


def test_a_bad_file_fails_alone(strategy: Path, database: dict[str, str], tmp_path: Path) -> None:
    log = sarif_code_log([sarif_result("py/sql-injection", 0, "a.py", 1)])
    log["version"] = "2.0.0"
    bad = write_json(tmp_path / "old.sarif", log)
    good = write_json(tmp_path / "trivy.json", trivy_report([trivy_vulnerability("CVE-2023-0001", "libssl3", "3.1")]))
    code, output = run_charter("import", "findings", str(bad), str(good), "--repo", str(strategy), env=database)[:2]
    assert code == 1
    assert "IMP031" in output and "$.version: SARIF version '2.0.0': only 2.1.0 is read" in output
    assert f"{bad}: nothing imported (1 error)" in output
    assert f"{good}: imported 1 findings (1 new, 0 closed), 0 skipped" in output
    assert components(strategy, database) == [("CVE-2023-0001", "component:default/checkout")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--component", "group:payments-team"), "--component: 'group:payments-team' names a group, not a component"),
        (("--component", "ledger"), "--component: 'ledger' is not a component of the catalog"),
        (("--scanned-at", "yesterday"), "--scanned-at 'yesterday' is not an ISO 8601 time"),
        (("--input-format", "nessus"), "Invalid value for '--input-format'"),
    ],
)
def test_wrong_usage_exits_2(strategy: Path, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    path = write_json(tmp_path / "trivy.json", trivy_report([]))
    code, output = run_charter(
        "import", "findings", str(path), "--repo", str(strategy), *args, env={"CHARTER_DATABASE_URL": ""}
    )[:2]
    assert code == 2
    assert message in output


def test_forced_component(strategy: Path, tmp_path: Path) -> None:
    report = trivy_report([trivy_vulnerability("CVE-2023-0001", "libssl3", "3.1")])
    report["ArtifactName"] = IMAGE.replace("checkout", "elsewhere")
    path = write_json(tmp_path / "trivy.json", report)
    env = {"CHARTER_DATABASE_URL": ""}
    assert (
        run_charter(
            "import", "findings", str(path), "--repo", str(strategy), "--component", "Payments", env=env
        ).exit_code
        == 0
    )
    assert components(strategy, env) == [("CVE-2023-0001", "component:default/payments")]
