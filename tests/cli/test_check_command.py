"""`charter check` and friends from the command line: exit codes, formats, baselines, the cache,
and `--repo` discovery."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import run_charter
from tests.strategy import write_repo

runner = CliRunner()

FLAWED = {
    "catalog/team.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: payments}\n"
    "spec: {type: team, children: []}\n",
    "catalog/svc.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n"
    "  annotations: {charter.dev/tier: '1', charter.dev/on-call: x}\n"
    "spec: {type: service, lifecycle: production, owner: payments}\n",
}


@pytest.fixture
def initialised(tmp_path: Path) -> Path:
    code, output = run_charter("init", str(tmp_path / "strategy"))[:2]
    assert code == 0, output
    return tmp_path / "strategy"


def test_init_creates_a_repository_that_passes(initialised: Path) -> None:
    code, output = run_charter("check", "--repo", str(initialised))[:2]
    assert (code, output.strip().splitlines()[-1]) == (0, "0 errors, 0 warnings, 0 info")
    assert (initialised / "schemas" / "risk.schema.json").is_file()


def test_check_finds_the_repository_upward(initialised: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(initialised / "catalog")
    assert run_charter("check").exit_code == 0


def test_no_repository_is_exit_2_with_a_plain_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = run_charter("check")[:2]
    assert code == 2 and "no charter.yaml" in output and "Traceback" not in output
    code, output = run_charter("check", "--repo", str(tmp_path))[:2]
    assert code == 2 and "not a strategy repository" in output


def test_exit_codes_follow_fail_on(tmp_path: Path) -> None:
    write_repo(tmp_path, FLAWED)
    assert run_charter("check", "--repo", str(tmp_path)).exit_code == 1  # REL001 error
    assert run_charter("check", "--repo", str(tmp_path), "--ignore", "REL001").exit_code == 0  # REL003 left: a warning
    assert run_charter("check", "--repo", str(tmp_path), "--select", "REL003").exit_code == 0
    assert run_charter("check", "--repo", str(tmp_path), "--select", "REL003", "--fail-on", "warning").exit_code == 1
    assert run_charter("check", "--repo", str(tmp_path), "--fail-on", "never").exit_code == 0
    assert run_charter("check", "--repo", str(tmp_path), "--format", "yaml").exit_code == 2


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--select", "XYZ9"], "--select XYZ9 names no diagnostic code; `charter rules` lists every code"),
        (["--select", "REL001,OWN02"], "--select OWN02 names no diagnostic code; did you mean OWN002 or OWN003"),
        (["--ignore", "RLE"], "--ignore RLE names no diagnostic code; did you mean REL"),
    ],
)
def test_a_selector_that_names_no_code_is_a_usage_error_with_the_closest_codes(
    tmp_path: Path, options: list[str], expected: str
) -> None:
    write_repo(tmp_path, FLAWED)
    code, output = run_charter("check", "--repo", str(tmp_path), *options)[:2]
    assert code == 2
    assert expected in " ".join(output.split())


def test_json_output_names_code_file_and_line(tmp_path: Path) -> None:
    write_repo(tmp_path, FLAWED)
    out = tmp_path / "report.json"
    code, _ = run_charter("check", "--repo", str(tmp_path), "--format", "json", "--output", str(out))[:2]
    assert code == 1
    found = {(d["code"], d["path"], d["line"]) for d in json.loads(out.read_text())["diagnostics"]}
    assert found == {("REL001", "catalog/svc.yaml", 1), ("REL003", "catalog/svc.yaml", 5)}


def test_baseline_reports_only_new_diagnostics(tmp_path: Path) -> None:
    write_repo(tmp_path, FLAWED)
    baseline = tmp_path / "baseline.json"
    assert (
        run_charter("check", "--repo", str(tmp_path), "--write-baseline", str(baseline)).exit_code == 0
    )  # it did its job
    assert run_charter("check", "--repo", str(tmp_path), "--baseline", str(baseline)).exit_code == 0
    write_repo(tmp_path, {"catalog/other.yaml": FLAWED["catalog/svc.yaml"].replace("name: svc", "name: other")})
    code, output = run_charter("check", "--repo", str(tmp_path), "--baseline", str(baseline), "--format", "json")[:2]
    assert code == 1
    assert {d["entity"] for d in json.loads(output)["diagnostics"]} == {"component:other"}
    baseline.write_text("{not json")
    code, output = run_charter("check", "--repo", str(tmp_path), "--baseline", str(baseline))[:2]
    assert code == 2 and "baseline" in output


def _cached_rows(root: Path) -> int:
    with closing(sqlite3.connect(root / ".charter" / "cache.sqlite")) as connection:
        return int(connection.execute("SELECT count(*) FROM parse_cache").fetchone()[0])


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_second_check_reads_the_parse_cache(tmp_path: Path, dialect: str, request: pytest.FixtureRequest) -> None:
    """The parse cache is the repository's own, whichever database holds the facts."""
    url = f"sqlite:///{tmp_path / 'c.db'}" if dialect == "sqlite" else request.getfixturevalue("postgres_url")
    (tmp_path / "repo").mkdir()
    repo = write_repo(tmp_path / "repo", FLAWED)
    env = {"CHARTER_DATABASE_URL": url}
    first = run_charter("check", "--repo", str(repo), "--format", "json", env=env)[:2]
    assert _cached_rows(repo) == 3  # charter.yaml and the two catalog files
    # A changed file is parsed again; the answer follows the file, not the cache.
    (repo / "catalog" / "svc.yaml").write_text(FLAWED["catalog/svc.yaml"].replace("'1'", "'3'"))
    second = run_charter("check", "--repo", str(repo), "--format", "json", env=env)[:2]
    assert first[0] == 1 and second[0] == 0
    assert _cached_rows(repo) == 4
    assert not (tmp_path / "c.db").exists()  # and the store was never opened


def test_check_prints_one_line_per_diagnostic_by_default_and_annotations_on_request(tmp_path: Path) -> None:
    write_repo(tmp_path, FLAWED)
    default = run_charter("check", "--repo", str(tmp_path), "--select", "REL001")
    assert default.exit_code == 1
    first, hint = default.stdout.splitlines()[:2]
    assert first.startswith("catalog/svc.yaml:1:1: REL001 tier-1 service component:svc has no SLO")
    assert hint.startswith("    hint: ")
    assert default.stdout.splitlines()[-1] == "Found 1 error, 0 warnings, 0 info in 1 file."
    github = run_charter(
        "check", "--repo", str(tmp_path), "--select", "REL001", "-f", "github", env={"GITHUB_WORKSPACE": str(tmp_path)}
    )
    assert github.stdout.startswith("::error file=catalog/svc.yaml,line=1,col=1,title=REL001 ")
    gitlab = run_charter("check", "--repo", str(tmp_path), "--select", "REL001", "-f", "gitlab")
    assert [issue["check_name"] for issue in json.loads(gitlab.stdout)] == ["REL001"]
    assert gitlab.exit_code == 1
