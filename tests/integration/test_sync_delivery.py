"""`charter sync` then `charter delivery` on a real git repository whose lead times are worked out
by hand: release tags (annotated and lightweight), a merge commit, a maintenance branch, a squashed
pull request whose lead time starts at its first commit, and an incremental second sync."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter.cli.app import app
from tests.strategy import write_repo

DAY = 86400


def at(day: int) -> str:
    return f"@{int(datetime(2026, 10, day, tzinfo=UTC).timestamp())} +0000"


class Clone:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *arguments: str, day: int = 1) -> str:
        environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
        environment.update(
            GIT_CONFIG_GLOBAL=os.devnull,
            GIT_CONFIG_NOSYSTEM="1",
            GIT_AUTHOR_NAME="Ada",
            GIT_AUTHOR_EMAIL="ada@example.com",
            GIT_COMMITTER_NAME="Ada",
            GIT_COMMITTER_EMAIL="ada@example.com",
            GIT_AUTHOR_DATE=at(day),
            GIT_COMMITTER_DATE=at(day),
        )
        done = subprocess.run(["git", "-C", str(self.path), *arguments], capture_output=True, env=environment)
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode().strip()

    def commit(self, name: str, day: int) -> str:
        (self.path / name).write_text(f"{name}\n", encoding="utf-8")
        self.git("add", name, day=day)
        self.git("commit", "-q", "-m", name, day=day)
        return self.git("rev-parse", "HEAD")


STRATEGY = {
    "charter.yaml": """\
        apiVersion: charter.dev/v1
        kind: Organization
        metadata: {name: acme}
        spec:
          sources: {git: {roots: [../clones]}}
        """,
    "catalog/all.yaml": """\
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: team-a}
        spec: {type: team, children: []}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: payments
          annotations:
            charter.dev/repo: payments
            charter.dev/release-tags: 'v\\d+\\.\\d+\\.\\d+'
        spec: {type: service, lifecycle: production, owner: team-a}
        """,
}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The store on the repository's SQLite file, or on a fresh PostgreSQL database."""
    url = "" if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))
    monkeypatch.setenv("CHARTER_DATABASE_URL", url)
    return request.param


def run(*arguments: str) -> str:
    result = CliRunner().invoke(app, list(arguments))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def history(tmp_path: Path) -> dict[str, str]:
    clone = Clone(tmp_path / "clones" / "payments")
    shas = {"c1": clone.commit("c1", 1), "c2": clone.commit("c2", 2)}
    clone.git("tag", "-a", "v1.0.0", "-m", "1.0.0", day=3)  # annotated: deployed at its tagger date
    shas["c3"] = clone.commit("c3", 4)
    clone.git("checkout", "-q", "-b", "feature")
    shas["c4"] = clone.commit("c4", 5)
    clone.git("checkout", "-q", "main")
    shas["c5"] = clone.commit("c5", 6)
    clone.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature", day=7)
    clone.git("tag", "v1.1.0", day=8)  # lightweight: deployed at the merge's committer date, Oct 7
    clone.git("checkout", "-q", "-b", "release/1.0", "v1.0.0")
    shas["c6"] = clone.commit("c6", 8)
    clone.git("tag", "-a", "v1.0.1", "-m", "1.0.1", day=9)
    clone.git("checkout", "-q", "main")
    (tmp_path / "org").mkdir()
    write_repo(tmp_path / "org", STRATEGY)
    return shas


def delivery(repo: Path) -> dict[str, object]:
    output = run("delivery", "--repo", str(repo), "--since", "2026-10-01", "--until", "2026-10-14", "--format", "json")
    [scope] = json.loads(output)["scopes"]
    return scope


def test_lead_times_follow_ancestry_and_pull_requests(tmp_path: Path, history: dict[str, str], database: str) -> None:
    repo = tmp_path / "org"
    assert "7 commits added (1 mined from the start" in run("sync", "--repo", str(repo), "--quiet")
    scope = delivery(repo)
    # v1.0.0 (Oct 3) ships c1, c2: 2 and 1 days; v1.1.0 (Oct 7) ships c3, c4, c5 (not the merge):
    # 3, 2 and 1 days; v1.0.1 (Oct 9), cut from the maintenance branch, ships only c6: 1 day.
    assert scope["deployments"] == 3
    assert scope["changes"] == 6
    assert scope["leadTimeP50Seconds"] == 1.5 * DAY
    assert scope["leadTimeP90Seconds"] == 2.5 * DAY

    explained = json.loads(run("delivery", "--repo", str(repo), "--explain", "tag:payments/v1.1.0", "--format", "json"))
    assert {item["sha"] for item in explained["shipped"]} == {history["c3"], history["c4"], history["c5"]}
    assert explained["deployment"]["finished"] == "2026-10-07T00:00:00+00:00"

    pulls = tmp_path / "pulls.json"
    pulls.write_text(
        json.dumps(
            [
                {
                    "number": 7,
                    "created_at": "2026-09-30T00:00:00Z",
                    "merged_at": "2026-10-06T00:00:00Z",
                    "merge_commit_sha": history["c5"],
                    "first_commit_at": "2026-09-30T00:00:00Z",
                    "base": {"repo": {"name": "payments"}},
                }
            ]
        ),
        encoding="utf-8",
    )
    run("import", "pulls", "--repo", str(repo), str(pulls))
    second = run("sync", "--repo", str(repo), "--quiet")
    assert "0 commits added" in second and "1 unchanged" in second
    scope = delivery(repo)
    # c5 now starts at its pull request's first commit, Sep 30: 7 days. Leads 1,1,2,2,3,7 days.
    assert scope["leadTimeP50Seconds"] == 2 * DAY
    assert scope["leadTimeP90Seconds"] == 5 * DAY


STANDARD = """\
apiVersion: charter.dev/v1
kind: Standard
metadata: {name: delivery}
spec:
  appliesTo: {kind: Component}
  levels: [bronze, silver, gold]
  rules:
    - {id: has-owner, level: bronze, check: owner.exists}
    - id: lead-time-2d
      level: silver
      check: metric
      with: {metric: delivery.lead_time_for_changes.p50, op: "<=", value: 2d}
    - id: lead-time-1d
      level: gold
      check: metric
      with: {metric: delivery.lead_time_for_changes.p50, op: "<=", value: 1d}
"""


def test_sync_records_a_snapshot_the_scorecard_reads(tmp_path: Path, history: dict[str, str]) -> None:
    from charter.store.database import open_store

    repo = tmp_path / "org"
    (repo / "standards").mkdir()
    (repo / "standards" / "delivery.yaml").write_text(STANDARD, encoding="utf-8")
    run("sync", "--repo", str(repo), "--quiet", "--as-of", "2026-10-13")
    with open_store(repo) as store:
        snapshot = store.latest_snapshot()
    assert snapshot is not None
    values = {(item.metric, item.scope_ref): item.value for item in snapshot.values}
    assert values[("delivery.lead_time_for_changes.p50", "component:payments")] == 1.5 * DAY
    assert values[("delivery.deployment_frequency.per_day", "group:team-a")] == 3 / 90
    assert values[("code_health.bus_factor", "component:payments")] == 1

    [card] = json.loads(run("scorecard", "--repo", str(repo), "--format", "json"))["scorecards"]
    [payments] = card["entities"]
    assert payments["level"] == "silver"  # 1.5 days: within 2 days, not within 1
    assert payments["failing"] == ["lead-time-1d"]


def test_a_broken_clone_is_reported_and_the_others_are_still_mined(
    tmp_path: Path, history: dict[str, str], database: str
) -> None:
    from sqlalchemy import select

    from charter.store.database import open_store
    from charter.store.schema import commits, git_repositories

    shallow = tmp_path / "clones" / "shallow"
    done = subprocess.run(
        ["git", "clone", "-q", "--depth", "1", (tmp_path / "clones" / "payments").as_uri(), str(shallow)],
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    organization = (tmp_path / "org" / "charter.yaml").read_text(encoding="utf-8")
    (tmp_path / "org" / "charter.yaml").write_text(
        organization.replace("roots: [../clones]", "roots: [../clones, ../nowhere]"), encoding="utf-8"
    )

    result = CliRunner().invoke(app, ["sync", "--repo", str(tmp_path / "org"), "--quiet"])

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "GIT002" in result.output and "shallow" in result.output  # names the repository
    assert "GIT001" in result.output and "charter.yaml:5" in result.output  # the root that is not a folder
    with (
        open_store(tmp_path / "org", os.environ["CHARTER_DATABASE_URL"] or None) as store,
        store.engine.connect() as connection,
    ):
        mined = set(connection.execute(select(git_repositories.c.name)).scalars())
        repositories = set(connection.execute(select(commits.c.repository)).scalars())
    assert mined == repositories == {"payments"}  # the shallow clone wrote nothing


def test_codehealth_and_the_other_delivery_formats_read_the_synced_history(
    tmp_path: Path, history: dict[str, str]
) -> None:
    repo = tmp_path / "org"
    run("sync", "--repo", str(repo), "--quiet")

    [payments] = json.loads(run("codehealth", "--repo", str(repo), "--as-of", "2026-10-14", "--format", "json"))[
        "components"
    ]
    assert payments["component"] == "payments" and payments["team"] == "group:team-a"
    # c1..c5 on main, one line each, all by Ada; c6 is only on the maintenance branch release/1.0.
    assert (payments["branch"], payments["files"]) == ("main", 5)
    assert payments["knowledge"] == {
        "basis": "recent",
        "authors": 1,
        "topAuthor": "ada@example.com",
        "topAuthorShare": 1.0,
        "busFactor": 1,
    }
    assert payments["churn"] == 5

    csv_lines = run(
        "delivery", "--repo", str(repo), "--since", "2026-10-01", "--until", "2026-10-13", "--format", "csv"
    ).splitlines()
    assert csv_lines[0] == "scope,metric,value,band"
    assert f"acme,delivery.lead_time_for_changes.p50,{1.5 * DAY},high" in csv_lines
    markdown = run(
        "delivery", "--repo", str(repo), "--since", "2026-10-01", "--until", "2026-10-13", "--format", "markdown"
    )
    assert markdown.startswith("# Delivery 2026-10-01 to 2026-10-13 by org") and "| acme | 3 |" in markdown
