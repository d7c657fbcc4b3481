"""`charter check` and friends from the command line: exit codes, formats, baselines, the cache,
and `--repo` discovery."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter.cli.app import app
from charter.store.database import open_store
from tests.strategy import write_repo

runner = CliRunner()

FLAWED = {
    "catalog/team.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: payments}\n"
    "spec: {type: team, children: []}\n",
    "catalog/svc.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n"
    "  annotations: {charter.dev/tier: '1', charter.dev/on-call: x}\n"
    "spec: {type: service, lifecycle: production, owner: payments}\n",
}


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.output


@pytest.fixture
def initialised(tmp_path: Path) -> Path:
    code, output = invoke("init", str(tmp_path / "strategy"))
    assert code == 0, output
    return tmp_path / "strategy"


def test_init_creates_a_repository_that_passes(initialised: Path) -> None:
    code, output = invoke("check", "--repo", str(initialised))
    assert (code, output.strip().splitlines()[-1]) == (0, "0 errors, 0 warnings, 0 info")
    assert (initialised / "schemas" / "risk.schema.json").is_file()


def test_check_finds_the_repository_upward(initialised: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(initialised / "catalog")
    assert invoke("check")[0] == 0


def test_no_repository_is_exit_2_with_a_plain_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = invoke("check")
    assert code == 2 and "no charter.yaml" in output and "Traceback" not in output
    code, output = invoke("check", "--repo", str(tmp_path))
    assert code == 2 and "not a strategy repository" in output


def test_exit_codes_follow_fail_on(tmp_path: Path) -> None:
    write_repo(tmp_path, FLAWED)
    assert invoke("check", "--repo", str(tmp_path))[0] == 1  # REL001 error
    assert invoke("check", "--repo", str(tmp_path), "--ignore", "REL001")[0] == 0  # REL003 left: a warning
    assert invoke("check", "--repo", str(tmp_path), "--select", "REL003")[0] == 0
    assert invoke("check", "--repo", str(tmp_path), "--select", "REL003", "--fail-on", "warning")[0] == 1
    assert invoke("check", "--repo", str(tmp_path), "--fail-on", "never")[0] == 0
    assert invoke("check", "--repo", str(tmp_path), "--format", "yaml")[0] == 2


def test_json_output_names_code_file_and_line(tmp_path: Path) -> None:
    write_repo(tmp_path, FLAWED)
    out = tmp_path / "report.json"
    code, _ = invoke("check", "--repo", str(tmp_path), "--format", "json", "--output", str(out))
    assert code == 1
    found = {(d["code"], d["path"], d["line"]) for d in json.loads(out.read_text())["diagnostics"]}
    assert found == {("REL001", "catalog/svc.yaml", 1), ("REL003", "catalog/svc.yaml", 5)}


def test_baseline_reports_only_new_diagnostics(tmp_path: Path) -> None:
    write_repo(tmp_path, FLAWED)
    baseline = tmp_path / "baseline.json"
    assert invoke("check", "--repo", str(tmp_path), "--write-baseline", str(baseline))[0] == 1
    assert invoke("check", "--repo", str(tmp_path), "--baseline", str(baseline))[0] == 0
    write_repo(tmp_path, {"catalog/other.yaml": FLAWED["catalog/svc.yaml"].replace("name: svc", "name: other")})
    code, output = invoke("check", "--repo", str(tmp_path), "--baseline", str(baseline), "--format", "json")
    assert code == 1
    assert {d["entity"] for d in json.loads(output)["diagnostics"]} == {"component:other"}
    baseline.write_text("{not json")
    code, output = invoke("check", "--repo", str(tmp_path), "--baseline", str(baseline))
    assert code == 2 and "baseline" in output


def _cached_rows(url: str, root: Path) -> int:
    from sqlalchemy import func, select

    from charter.store.schema import parse_cache

    with open_store(root, url) as store, store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(parse_cache)).scalar_one())


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_second_check_reads_the_parse_cache(tmp_path: Path, dialect: str, request: pytest.FixtureRequest) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}" if dialect == "sqlite" else request.getfixturevalue("postgres_url")
    (tmp_path / "repo").mkdir()
    repo = write_repo(tmp_path / "repo", FLAWED)
    env = {"CHARTER_DATABASE_URL": url}
    first = invoke("check", "--repo", str(repo), "--format", "json", env=env)
    assert _cached_rows(url, repo) == 3  # charter.yaml and the two catalog files
    # A changed file is parsed again; the answer follows the file, not the cache.
    (repo / "catalog" / "svc.yaml").write_text(FLAWED["catalog/svc.yaml"].replace("'1'", "'3'"))
    second = invoke("check", "--repo", str(repo), "--format", "json", env=env)
    assert first[0] == 1 and second[0] == 0
    assert _cached_rows(url, repo) == 4
