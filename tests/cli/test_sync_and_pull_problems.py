"""What `charter sync` and `charter import sli --from-prometheus` report instead of failing: a
release-tag pattern that matches none of the clone's tags (GIT005), a Prometheus source that is not
configured (IMP017), and an SLO whose indicator cannot be pulled per minute (IMP016)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from charter.cli.app import app
from tests.conftest import run_charter
from tests.strategy import write_repo

runner = CliRunner()

TEAM = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n"
COMPONENT = (
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n  annotations:\n"
    "    charter.dev/repo: payments\n    charter.dev/release-tags: 'release-\\d+'\n"
    "spec: {type: service, lifecycle: production, owner: team-a}\n"
)
THRESHOLD_SLO = """\
apiVersion: openslo/v1
kind: SLO
metadata: {name: payments-latency}
spec:
  service: payments
  indicator:
    metadata: {name: payments-latency-sli}
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec: {query: 'histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket[5m])) by (le))'}
  timeWindow: [{duration: 28d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.99, op: lte, value: 0.3}]
"""


def _organization(sources: str) -> str:
    return f"apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {{name: acme}}\nspec:\n  sources: {sources}\n"


def _git(path: Path, *arguments: str) -> None:
    identity = ["-c", "user.name=Ada", "-c", "user.email=ada@example.com"]
    clean = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-C", str(path), *identity, *arguments], check=True, capture_output=True, env=clean)


def _strategy_with_one_clone(tmp_path: Path) -> Path:
    """A strategy repository whose component `payments` lives in a clone with one commit, tagged v1.0.0."""
    clone = tmp_path / "clones" / "payments"
    clone.mkdir(parents=True)
    _git(clone, "init", "-q", "-b", "main")
    (clone / "app.py").write_text("print('hi')\n")
    _git(clone, "add", "app.py")
    _git(clone, "commit", "-q", "-m", "first")
    _git(clone, "tag", "v1.0.0")
    repo = tmp_path / "strategy"
    repo.mkdir()
    return write_repo(
        repo,
        {"catalog/all.yaml": TEAM + "---\n" + COMPONENT},
        organization=_organization("{git: {roots: [../clones]}}"),
    )


def test_a_release_tag_pattern_that_matches_no_tag_is_reported(tmp_path: Path) -> None:
    repo = _strategy_with_one_clone(tmp_path)
    env = {"CHARTER_DATABASE_URL": f"sqlite:///{tmp_path / 'charter.db'}"}
    result = runner.invoke(app, ["sync", "--repo", str(repo)], env=env)
    assert "GIT005" in result.output and "Traceback" not in result.output


def test_pulling_without_a_prometheus_source_is_reported(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/team.yaml": TEAM})
    env = {"CHARTER_DATABASE_URL": f"sqlite:///{tmp_path / 'charter.db'}"}
    result = runner.invoke(app, ["import", "sli", "--from-prometheus", "--repo", str(tmp_path)], env=env)
    assert "IMP017" in result.output and "Traceback" not in result.output


def test_an_slo_prometheus_cannot_count_per_minute_is_reported(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {"catalog/team.yaml": TEAM, "catalog/payments.yaml": COMPONENT, "slos/payments.yaml": THRESHOLD_SLO},
        organization=_organization("{prometheus: {url: 'http://127.0.0.1:9'}}"),
    )
    env = {"CHARTER_DATABASE_URL": f"sqlite:///{tmp_path / 'charter.db'}"}
    result = runner.invoke(app, ["import", "sli", "--from-prometheus", "--repo", str(tmp_path)], env=env)
    assert "IMP016" in result.output and "Traceback" not in result.output


def test_sync_prints_its_summary_on_stdout_and_says_how_to_give_it_facts(tmp_path: Path) -> None:
    from tests.conftest import run_charter

    write_repo(tmp_path, {"catalog/team.yaml": TEAM})
    result = run_charter("sync", "--repo", str(tmp_path), "--quiet")
    assert result.exit_code == 0, result.output
    assert "`spec.sources.git.roots`" in result.stdout and "charter import" in result.stdout
    assert "deployments from release tags" in result.stdout
    assert "deployments from release tags" not in result.stderr


def test_an_unreachable_dask_scheduler_is_one_line_exit_2_and_nothing_written(tmp_path: Path) -> None:
    repo = _strategy_with_one_clone(tmp_path)
    database = tmp_path / "charter.db"

    result = run_charter(
        "sync",
        "--repo",
        str(repo),
        "--executor",
        "tcp://127.0.0.1:9",
        env={"CHARTER_DATABASE_URL": f"sqlite:///{database}"},
    )

    assert result.exit_code == 2
    assert result.stderr.lstrip().startswith("error: --executor tcp://127.0.0.1:9: cannot reach the Dask scheduler (")
    assert result.stderr.endswith("start it, or leave --executor out to mine on this machine's threads\n")
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM snapshots").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM commits").fetchone() == (0,)
