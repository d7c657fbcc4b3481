"""`charter import deployments|pulls`: summaries, exit codes, diagnostics naming file and line, and
each file its own transaction. On SQLite and PostgreSQL (through CHARTER_DATABASE_URL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charter.model.delivery import DeploymentStatus
from charter.store.database import open_store
from charter.store.deployments import read_deployments, read_pull_requests
from tests.conftest import run_charter
from tests.strategy import write_repo

SHA = "a" * 40
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
        metadata: {name: checkout}
        spec: {type: service, lifecycle: production, owner: payments-team}
        """,
}
POLICY = """\
apiVersion: charter.dev/v1
kind: Organization
metadata: {name: acme}
spec:
  policies: {productionEnvironments: ["prod(uction)?", "live"]}
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The environment that points the store at SQLite (the repository's file) or PostgreSQL."""
    if request.param == "sqlite":
        return {"CHARTER_DATABASE_URL": ""}
    return {"CHARTER_DATABASE_URL": request.getfixturevalue("postgres_url")}


@pytest.fixture
def strategy(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "strategy", {**CATALOG, "charter.yaml": POLICY})


def write_lines(path: Path, *records: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def record(**changes: object) -> dict[str, object]:
    return {"component": "checkout", "environment": "production", "sha": SHA, "finished": "2024-05-01T10:00:00Z",
            **changes}  # fmt: skip


def stored_ids(strategy: Path, env: dict[str, str]) -> list[str]:
    with open_store(strategy, env["CHARTER_DATABASE_URL"] or None) as store, store.engine.connect() as connection:
        return [deployment.id for deployment in read_deployments(connection)]


def test_import_deployments_prints_a_summary_and_stores_them(
    strategy: Path, database: dict[str, str], tmp_path: Path
) -> None:
    path = write_lines(
        tmp_path / "deploys.jsonl",
        record(id="d1"),
        record(id="d2", environment="live"),
        record(id="d3", environment="staging", status="failure"),
    )
    code, output = run_charter("import", "deployments", str(path), "--repo", str(strategy), env=database)[:2]
    assert (code, output) == (0, f"{path}: imported 3 deployments (2 production), 0 skipped\n")
    assert stored_ids(strategy, database) == ["d1", "d2", "d3"]
    assert run_charter("import", "deployments", str(path), "--repo", str(strategy), env=database).exit_code == 0
    with open_store(strategy, database["CHARTER_DATABASE_URL"] or None) as store, store.engine.connect() as connection:
        assert [(d.id, d.status) for d in read_deployments(connection)] == [
            ("d1", DeploymentStatus.SUCCESS), ("d2", DeploymentStatus.SUCCESS), ("d3", DeploymentStatus.FAILURE),
        ]  # fmt: skip


def test_a_bad_file_writes_nothing_and_the_others_are_still_imported(
    strategy: Path, database: dict[str, str], tmp_path: Path
) -> None:
    bad = write_lines(tmp_path / "bad.jsonl", record(id="b1"), record(id="b2", finished="last week"))
    good = write_lines(tmp_path / "good.jsonl", record(id="g1"))
    code, output = run_charter("import", "deployments", str(bad), str(good), "--repo", str(strategy), env=database)[:2]
    assert code == 1
    assert f"{bad}:2:1" in output and "IMP002" in output and "`finished` is not an ISO 8601 time" in output
    assert f"{bad}: nothing imported (1 error)" in output
    assert f"{good}: imported 1 deployments (1 production), 0 skipped" in output
    assert stored_ids(strategy, database) == ["g1"]


def test_a_component_missing_from_the_catalog_is_a_warning(
    strategy: Path, database: dict[str, str], tmp_path: Path
) -> None:
    path = write_lines(tmp_path / "d.jsonl", record(id="d1", component="ledger"))
    code, output = run_charter("import", "deployments", str(path), "--repo", str(strategy), env=database)[:2]
    assert code == 0 and "IMP004" in output and "'ledger' is not in the catalog" in output
    assert stored_ids(strategy, database) == ["d1"]


def test_github_export_with_format_and_component_options(
    strategy: Path, database: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "export.txt"
    statuses = [{"state": "success", "created_at": "2024-05-01T10:10:00Z"}]
    path.write_text(
        json.dumps([{"id": 42, "sha": SHA, "environment": "production", "created_at": "2024-05-01T10:00:00Z",
                     "payload": {}, "statuses": statuses}]),
        encoding="utf-8",
    )  # fmt: skip
    code, output = run_charter(
        "import",
        "deployments",
        str(path),
        "--input-format",
        "github",
        "--component",
        "checkout",
        "--repo",
        str(strategy),
        env=database,
    )[:2]
    assert (code, output) == (0, f"{path}: imported 1 deployments (1 production), 0 skipped\n")
    assert stored_ids(strategy, database) == ["github:42"]


def test_import_pulls(strategy: Path, database: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "pulls.json"
    pulls = [
        {"number": 1, "created_at": "2024-05-01T09:00:00Z", "merged_at": "2024-05-01T12:00:00Z",
         "merge_commit_sha": SHA, "first_commit_at": "2024-04-30T09:00:00Z"},
        {"number": 2, "created_at": "2024-05-01T09:00:00Z", "merged_at": None, "merge_commit_sha": None},
    ]  # fmt: skip
    path.write_text(json.dumps(pulls), encoding="utf-8")
    code, output = run_charter(
        "import", "pulls", str(path), "--repository", "checkout", "--repo", str(strategy), env=database
    )[:2]
    assert (code, output) == (0, f"{path}: imported 1 pull requests, 1 skipped\n")
    with open_store(strategy, database["CHARTER_DATABASE_URL"] or None) as store, store.engine.connect() as connection:
        assert [p.number for p in read_pull_requests(connection, "checkout")] == [1]


def test_usage_errors_exit_2(strategy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"CHARTER_DATABASE_URL": ""}
    path = write_lines(tmp_path / "d.jsonl", record())
    assert (
        run_charter("import", "deployments", str(path), "--input-format", "yaml", "--repo", str(strategy), env=env)[:2][
            0
        ]
        == 2
    )
    assert run_charter("import", "deployments", "--repo", str(strategy), env=env).exit_code == 2
    monkeypatch.chdir(tmp_path)
    code, output = run_charter("import", "pulls", str(path), env=env)[:2]
    assert code == 2 and "no charter.yaml" in output


def test_unreadable_file_is_a_diagnostic_not_a_traceback(strategy: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    code, output = run_charter(
        "import", "deployments", str(missing), "--repo", str(strategy), env={"CHARTER_DATABASE_URL": ""}
    )[:2]
    assert code == 1 and "IMP001" in output and "No such file or directory" in output


def test_fail_on_sets_which_diagnostics_exit_1(strategy: Path, database: dict[str, str], tmp_path: Path) -> None:
    warned = write_lines(tmp_path / "warned.jsonl", record(id="w1", component="ledger"))
    bad = write_lines(tmp_path / "bad.jsonl", record(id="b1", finished="last week"))

    def exit_code(path: Path, fail_on: str) -> int:
        arguments = ("import", "deployments", str(path), "--repo", str(strategy), "--fail-on", fail_on)
        return run_charter(*arguments, env=database).exit_code

    assert (exit_code(warned, "error"), exit_code(warned, "warning"), exit_code(warned, "never")) == (0, 1, 0)
    assert (exit_code(bad, "error"), exit_code(bad, "never")) == (1, 0)


@pytest.mark.parametrize("component", ["ledger", "group:payments-team"])
def test_a_component_option_naming_no_component_is_a_usage_error(
    strategy: Path, tmp_path: Path, component: str
) -> None:
    path = write_lines(tmp_path / "d.jsonl", {k: v for k, v in record(id="d1").items() if k != "component"})
    env = {"CHARTER_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}

    result = run_charter("import", "deployments", str(path), "--component", component, "--repo", str(strategy), env=env)

    assert result.exit_code == 2
    assert result.stderr == f"error: --component: {component!r} is not a component of the catalog\n"
    assert stored_ids(strategy, env) == []
