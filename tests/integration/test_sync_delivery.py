"""`charter sync` then `charter delivery` on a real git repository whose lead times are worked out
by hand: release tags (annotated and lightweight), a merge commit, a maintenance branch, a squashed
pull request whose lead time starts at its first commit, and an incremental second sync."""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import charter_output, run_charter
from tests.realworld.test_requests_history import BUNDLE, CATALOG, ORGANIZATION
from tests.strategy import write_repo

DAY = 86400


def at(day: int) -> str:
    return f"@{int(datetime(2026, 10, day, tzinfo=UTC).timestamp())} +0000"


class Clone:
    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        if create:
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
    output = charter_output(
        "delivery", "--repo", str(repo), "--since", "2026-10-01", "--until", "2026-10-14", "--format", "json"
    )
    [scope] = json.loads(output)["scopes"]
    return scope


def test_lead_times_follow_ancestry_and_pull_requests(tmp_path: Path, history: dict[str, str], database: str) -> None:
    repo = tmp_path / "org"
    assert "7 commits added (1 mined from the start" in charter_output("sync", "--repo", str(repo), "--quiet")
    scope = delivery(repo)
    # v1.0.0 (Oct 3) ships c1, c2: 2 and 1 days; v1.1.0 (Oct 7) ships c3, c4, c5 (not the merge):
    # 3, 2 and 1 days; v1.0.1 (Oct 9), cut from the maintenance branch, ships only c6: 1 day.
    assert scope["deployments"] == 3
    assert scope["changes"] == 6
    assert scope["leadTimeP50Seconds"] == 1.5 * DAY
    assert scope["leadTimeP90Seconds"] == 2.5 * DAY

    explained = json.loads(
        charter_output("delivery", "--repo", str(repo), "--explain", "tag:payments/v1.1.0", "--format", "json")
    )
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
    charter_output("import", "pulls", "--repo", str(repo), str(pulls))
    second = charter_output("sync", "--repo", str(repo), "--quiet")
    assert "0 commits added" in second and "1 unchanged" in second
    scope = delivery(repo)
    # c5 now starts at its pull request's first commit, Sep 30: 7 days. Leads 1,1,2,2,3,7 days.
    assert scope["leadTimeP50Seconds"] == 2 * DAY
    assert scope["leadTimeP90Seconds"] == 5 * DAY


def test_two_release_tags_on_one_commit_are_one_deployment_with_a_note(tmp_path: Path, history: dict[str, str]) -> None:
    repo = tmp_path / "org"
    clone = Clone(tmp_path / "clones" / "payments", create=False)
    clone.git("tag", "-a", "rel-v1.1.0", "-m", "1.1.0 again", "v1.1.0", day=10)  # the merge, tagged a second time
    catalog = repo / "catalog" / "all.yaml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("'v\\d+", "'(rel-)?v\\d+"),
        encoding="utf-8",
    )

    result = run_charter("sync", "--repo", str(repo), "--quiet")

    assert result.exit_code == 0, result.output
    assert "3 deployments from release tags" in result.output
    assert "GIT009" in result.output and "`v1.1.0` (also `rel-v1.1.0`)" in result.output
    scope = delivery(repo)
    assert scope["deployments"] == 3 and scope["changes"] == 6  # rel-v1.1.0 is not a fourth that ships nothing
    assert scope["deploymentFrequencyPerDay"] == 3 / 14  # Oct 1 to Oct 14


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
    - id: few-failures
      level: gold
      check: metric
      with: {metric: delivery.change_failure_rate, op: "<=", value: 0.15}
"""


def test_sync_records_a_snapshot_the_scorecard_reads(tmp_path: Path, history: dict[str, str]) -> None:
    from charter.store.database import open_store

    repo = tmp_path / "org"
    (repo / "standards").mkdir()
    (repo / "standards" / "delivery.yaml").write_text(STANDARD, encoding="utf-8")
    charter_output("sync", "--repo", str(repo), "--quiet", "--as-of", "2026-10-13")
    with open_store(repo) as store:
        snapshot = store.latest_snapshot()
    assert snapshot is not None
    values = {(item.metric, item.scope_ref): item.value for item in snapshot.values}
    assert values[("delivery.lead_time_for_changes.p50", "component:payments")] == 1.5 * DAY
    assert values[("delivery.deployment_frequency.per_day", "group:team-a")] == 3 / 90
    assert values[("code_health.bus_factor", "component:payments")] == 1

    [card] = json.loads(charter_output("scorecard", "--repo", str(repo), "--format", "json"))["scorecards"]
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

    result = run_charter("sync", "--repo", str(tmp_path / "org"), "--quiet")

    assert result.exit_code == 1
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
    charter_output("sync", "--repo", str(repo), "--quiet")

    [payments] = json.loads(
        charter_output("codehealth", "--repo", str(repo), "--as-of", "2026-10-14", "--format", "json")
    )["components"]
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

    csv_lines = charter_output(
        "delivery", "--repo", str(repo), "--since", "2026-10-01", "--until", "2026-10-13", "--format", "csv"
    ).splitlines()
    assert csv_lines[0] == "scope,metric,value,band"
    assert f"acme,delivery.lead_time_for_changes.p50,{1.5 * DAY},high" in csv_lines
    markdown = charter_output(
        "delivery", "--repo", str(repo), "--since", "2026-10-01", "--until", "2026-10-13", "--format", "markdown"
    )
    assert markdown.startswith("# Delivery 2026-10-01 to 2026-10-13 by org") and "| acme | 3 |" in markdown


SEARCH = """\
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: search}
spec: {type: service, lifecycle: production, owner: team-a}
"""


def test_a_scorecard_rule_that_is_unknown_says_why(tmp_path: Path, history: dict[str, str]) -> None:
    repo = tmp_path / "org"
    (repo / "standards").mkdir()
    (repo / "standards" / "delivery.yaml").write_text(STANDARD, encoding="utf-8")
    with (repo / "catalog" / "all.yaml").open("a", encoding="utf-8") as catalog:
        catalog.write(SEARCH)

    [card] = json.loads(charter_output("scorecard", "--repo", str(repo), "--format", "json"))["scorecards"]
    before = {entity["entity"]: entity for entity in card["entities"]}
    assert before["component:payments"]["unknownBecause"]["lead-time-2d"] == (
        "no snapshot records metrics yet: run `charter sync`"
    )

    charter_output("sync", "--repo", str(repo), "--quiet", "--as-of", "2026-10-13")
    [card] = json.loads(charter_output("scorecard", "--repo", str(repo), "--format", "json"))["scorecards"]
    entities = {entity["entity"]: entity for entity in card["entities"]}
    payments, search = entities["component:payments"], entities["component:search"]
    assert payments["rules"] == {
        "has-owner": "pass",
        "lead-time-2d": "pass",
        "lead-time-1d": "fail",
        "few-failures": "unknown",
    }
    assert payments["unknownBecause"] == {
        "few-failures": "no deployment that an incident record covers in the 90 days before the snapshot of 2026-10-13"
    }
    no_deployment = "no deployment in the 90 days before the snapshot of 2026-10-13"
    assert search["unknownBecause"] == {
        "lead-time-2d": no_deployment,
        "lead-time-1d": no_deployment,
        "few-failures": no_deployment,
    }
    markdown = charter_output("scorecard", "--repo", str(repo), "--format", "markdown")
    assert (
        "lead-time-2d (silver) is unknown for component:search: no deployment in the 90 days before the snapshot "
        "of 2026-10-13." in markdown
    )


RISK = """\
apiVersion: charter.dev/v1
kind: Risk
metadata: {name: single-region}
spec:
  title: One region
  category: reliability
  owner: group:team-a
  likelihood: "3"
  impact: "4"
  treatment: mitigate
  status: open
  reviewBy: "2027-06-30"
"""


def test_sync_as_of_stamps_its_snapshot_and_a_resync_that_changed_nothing_adds_none(
    tmp_path: Path, history: dict[str, str], database: str
) -> None:
    from charter.store.database import open_store

    repo = tmp_path / "org"
    (repo / "risks").mkdir()
    (repo / "risks" / "region.yaml").write_text(RISK, encoding="utf-8")

    assert "snapshot 1\n" in charter_output("sync", "--repo", str(repo), "--quiet", "--as-of", "2026-10-13")
    register = json.loads(charter_output("risks", "--repo", str(repo), "--as-of", "2026-10-13", "--format", "json"))
    # Found right away: the snapshot is taken at the end of the --as-of day, not the wall clock's now.
    assert register["sinceLastSnapshot"]["snapshot"] == 1
    assert register["sinceLastSnapshot"]["takenAt"] == "2026-10-13T23:59:59+00:00"

    again = charter_output("sync", "--repo", str(repo), "--quiet", "--as-of", "2026-10-13")
    assert "snapshot 1 kept (nothing changed since it was taken)" in again
    (repo / "risks" / "region.yaml").write_text(RISK.replace("status: open", "status: closed"), encoding="utf-8")
    assert "snapshot 2\n" in charter_output(
        "sync", "--repo", str(repo), "--quiet", "--as-of", "2026-10-13"
    )  # the register moved
    with open_store(repo, os.environ["CHARTER_DATABASE_URL"] or None) as store:
        latest = store.latest_snapshot()
    assert latest is not None and latest.id == 2
    assert latest.taken_at == datetime(2026, 10, 13, 23, 59, 59, tzinfo=UTC)


# The real history of psf/requests (BUNDLE, ../shared/repos): its release tags as git itself gives them.
def git_release_tags(clone: Path, pattern: str) -> dict[str, tuple[str, datetime]]:
    """Release tag name (`pattern` matches it whole) -> (the commit it names, its deployment time:
    the tagger date of an annotated tag, else the commit's committer date), from `git for-each-ref`."""
    listed = subprocess.run(
        [
            "git", "-C", str(clone), "for-each-ref", "refs/tags/v*",
            "--format=%(refname:strip=2) %(objecttype) %(objectname) %(*objectname) %(taggerdate:unix)",
        ],
        capture_output=True, text=True, check=True,
    ).stdout.split("\n")  # fmt: skip
    tags = {}
    for line in filter(None, listed):
        name, kind, sha, peeled, *tagged = line.split(" ")
        if not re.fullmatch(pattern, name):
            continue
        commit = peeled if kind == "tag" else sha
        if kind == "tag" and tagged and tagged[0]:
            moment = int(tagged[0])
        else:
            shown = subprocess.run(["git", "-C", str(clone), "show", "-s", "--format=%ct", commit], capture_output=True)
            moment = int(shown.stdout)
        tags[name] = (commit, datetime.fromtimestamp(moment, UTC))
    return tags


@pytest.mark.skipif(not BUNDLE.is_file(), reason="../shared/repos/requests.bundle is not present")
def test_requests_release_tags_are_the_deployments_git_says(tmp_path: Path) -> None:
    from charter.store.database import open_store
    from charter.store.deployments import read_deployments

    clone = tmp_path / "clones" / "requests"
    subprocess.run(["git", "clone", "-q", "--bare", str(BUNDLE), str(clone)], check=True, capture_output=True)
    (tmp_path / "org").mkdir()
    repo = write_repo(tmp_path / "org", {"catalog/all.yaml": CATALOG}, organization=ORGANIZATION)
    on_sqlite = {"CHARTER_DATABASE_URL": ""}
    result = run_charter("sync", "--repo", str(repo), "--quiet", env=on_sqlite)
    assert result.exit_code == 0, result.output

    tags = git_release_tags(clone, r"v\d+\.\d+\.\d+")  # the catalog's charter.dev/release-tags
    by_commit: dict[str, list[tuple[datetime, str]]] = {}
    for name, (commit, moment) in tags.items():
        by_commit.setdefault(commit, []).append((moment, name))
    expected = {(f"tag:requests/{min(named)[1]}", commit, min(named)[0]) for commit, named in by_commit.items()}
    with open_store(repo) as store, store.engine.connect() as connection:
        stored = {(item.id, item.commit_sha, item.finished) for item in read_deployments(connection)}
    assert len(tags) > len(by_commit)  # requests tags one commit twice
    assert stored == expected
    doubled = [sorted(named) for named in by_commit.values() if len(named) > 1]
    for (_, counted), *others in doubled:
        assert f"`{counted}` (also {', '.join(f'`{name}`' for _, name in others)})" in result.output
