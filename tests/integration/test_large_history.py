"""Lead times on large realistic histories (maintenance branches, back-ports, hundreds of release tags,
a two-component monorepo) agree with what plain `git rev-list` says: `charter sync` stores, for every
release-tag deployment, exactly the commits git reaches from its tag and from no earlier tag, with
deployment time - author time as lead seconds; `charter delivery`'s p50 and p90 are numpy's. Code
health on the same histories is `main`'s: the files `git ls-tree` lists at its head, with the lines
`git show` gives, and the commits `git rev-list main -- PATH` reaches, never the maintenance branches'."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from charter.analysis.codehealth.health import FileHealth
from charter.analysis.codehealth.patterns import DEFAULT_EXCLUDES, compile_path_globs
from charter.demo.history import HistoryFacts, HistorySpec, write_history
from charter.services.codehealth import code_health
from charter.services.context import load_context
from charter.store.database import open_store
from charter.store.schema import deployment_changes, deployments
from tests.conftest import charter_output
from tests.strategy import write_repo

DAY = 86400
START = datetime(2025, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 1, tzinfo=UTC)
MIDDLE_QUARTER = (date(2026, 3, 1), date(2026, 5, 31))

SINGLE_HORIZON_DAYS = 2
MONOREPO_HORIZON_DAYS = 3
SINGLE_PATTERN = r"v\d+\.\d+\.\d+"
MONOREPO_COMPONENTS = {"payments": r"payments/v\d+\.\d+\.\d+", "ledger": r"ledger/v\d+\.\d+\.\d+"}

LeadTimes = dict[str, dict[str, float]]
"""Deployment id -> {sha of a shipped commit: lead seconds}."""


# Plain git, the reference -------------------------------------------------------------------------


def git(clone: Path, *arguments: str, stdin: str | None = None) -> str:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    environment.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    done = subprocess.run(
        ["git", "-C", str(clone), *arguments], input=stdin, capture_output=True, text=True, env=environment
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@dataclass(frozen=True)
class ReleaseTag:
    deployment_id: str
    sha: str
    deployed_at: int
    """Unix seconds: the tagger date of an annotated tag, else the committer date of the tagged commit."""


TAG_FIELDS = ("refname:strip=2", "objecttype", "taggerdate:unix", "*objectname", "objectname", "committerdate:unix")
TAG_FORMAT = "%09".join(f"%({field})" for field in TAG_FIELDS)


def release_tags(clone: Path, component: str, pattern: str) -> list[ReleaseTag]:
    """The tags whose whole name matches `pattern`, in deployment order (time, ties by deployment id)."""
    tags = []
    for line in git(clone, "for-each-ref", f"--format={TAG_FORMAT}", "refs/tags").splitlines():
        name, kind, tagger_date, peeled, target, commit_date = line.split("\t")
        if not re.fullmatch(pattern, name):
            continue
        annotated = kind == "tag"
        deployment_id = f"tag:{component}/{name}"
        tags.append(
            ReleaseTag(deployment_id, peeled if annotated else target, int(tagger_date if annotated else commit_date))
        )
    return sorted(tags, key=lambda tag: (tag.deployed_at, tag.deployment_id))


def authored_commits(clone: Path, tip: str, earlier: list[str], path: str | None) -> dict[str, int]:
    """`git rev-list --no-merges TIP --not EARLIER... [-- PATH]`: sha -> author time. With a path,
    `--full-history` keeps every reachable commit that touches it (no history simplification)."""
    options = ["--full-history", "--", path] if path else []
    listing = git(
        clone,
        "rev-list",
        "--no-merges",
        "--no-commit-header",
        "--format=%H %at",
        "--stdin",
        *options,
        stdin="".join(f"{line}\n" for line in [tip, *(f"^{sha}" for sha in earlier)]),
    )
    return {sha: int(authored) for sha, authored in (line.split() for line in listing.splitlines())}


def git_lead_times(clone: Path, tags: list[ReleaseTag], horizon_days: int, path: str | None = None) -> LeadTimes:
    """Each tag ships the non-merge commits reachable from it and from no earlier tag; the first one
    only those authored within the horizon before it. Lead seconds never go below 0."""
    lead_times: LeadTimes = {}
    for index, tag in enumerate(tags):
        commits = authored_commits(clone, tag.sha, [earlier.sha for earlier in tags[:index]], path)
        oldest = tag.deployed_at - horizon_days * DAY if index == 0 else None
        lead_times[tag.deployment_id] = {
            sha: float(max(0, tag.deployed_at - authored))
            for sha, authored in commits.items()
            if oldest is None or authored >= oldest
        }
    return lead_times


def git_percentiles(tags: list[ReleaseTag], lead_times: LeadTimes, first: date, last: date) -> tuple[float, float]:
    """numpy's linear p50 and p90 of the lead times of the deployments finishing from `first` to `last`."""
    since = int(datetime.combine(first, time.min, UTC).timestamp())
    until = int(datetime.combine(last + timedelta(days=1), time.min, UTC).timestamp())
    leads = [
        lead for tag in tags if since <= tag.deployed_at < until for lead in lead_times[tag.deployment_id].values()
    ]
    p50, p90 = np.percentile(leads, [50, 90])
    return float(p50), float(p90)


# What Charter stored and reports ------------------------------------------------------------------


def charter_deployment_times(org: Path, component: str) -> dict[str, int]:
    with open_store(org) as store, store.engine.connect() as connection:
        rows = connection.execute(
            select(deployments.c.id, deployments.c.finished).where(deployments.c.component == component)
        ).all()
    return {deployment_id: int(finished.timestamp()) for deployment_id, finished in rows}


def charter_lead_times(org: Path, component: str) -> LeadTimes:
    lead_times: LeadTimes = {deployment_id: {} for deployment_id in charter_deployment_times(org, component)}
    with open_store(org) as store, store.engine.connect() as connection:
        rows = connection.execute(
            select(deployment_changes.c.deployment_id, deployment_changes.c.sha, deployment_changes.c.lead_seconds)
            .join(deployments, deployments.c.id == deployment_changes.c.deployment_id)
            .where(deployments.c.component == component)
        ).all()
    for deployment_id, sha, lead_seconds in rows:
        lead_times[deployment_id][sha] = lead_seconds
    return lead_times


def delivery_scopes(org: Path, first: date, last: date, by: str) -> dict[str, dict[str, object]]:
    arguments = ["--since", first.isoformat(), "--until", last.isoformat(), "--by", by, "--format", "json"]
    report = json.loads(charter_output("delivery", "--repo", str(org), *arguments))
    return {scope["scope"]: scope for scope in report["scopes"]}


def deployment_days(tags: list[ReleaseTag]) -> tuple[date, date]:
    days = [datetime.fromtimestamp(tag.deployed_at, UTC).date() for tag in tags]
    return min(days), max(days)


# The histories ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Synced:
    org: Path
    clone: Path
    facts: HistoryFacts


def strategy(org: Path, horizon_days: int, components: dict[str, dict[str, str]]) -> None:
    entities = [
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n"
    ]
    for name, component_annotations in components.items():
        lines = "".join(f"    {key}: '{value}'\n" for key, value in component_annotations.items())
        entities.append(
            f"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  annotations:\n{lines}"
            "spec: {type: service, lifecycle: production, owner: team-a}\n"
        )
    organization = (
        "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\nspec:\n"
        f"  sources: {{git: {{roots: [../clones]}}}}\n  policies: {{historyHorizonDays: {horizon_days}}}\n"
    )
    write_repo(org, {"charter.yaml": organization, "catalog/all.yaml": "---\n".join(entities)})


def sync(org: Path) -> None:
    assert "deployments from release tags" in charter_output("sync", "--repo", str(org), "--quiet")


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Synced:
    """One service: ~4,000 commits, a release every 10 mainline commits, 6 maintenance branches."""
    root = tmp_path_factory.mktemp("single")
    spec = HistorySpec(commits=4000, seed=7, start=START, end=END, release_every=10, maintenance_branches=6)
    facts = write_history(root / "clones" / "payments", spec)
    components = {"payments": {"charter.dev/repo": "payments", "charter.dev/release-tags": SINGLE_PATTERN}}
    strategy(root / "org", SINGLE_HORIZON_DAYS, components)
    sync(root / "org")
    return Synced(root / "org", facts.path, facts)


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory: pytest.TempPathFactory) -> Synced:
    """Two components in one repository, each releasing from its own folder with its own tags."""
    root = tmp_path_factory.mktemp("monorepo")
    spec = HistorySpec(
        commits=3000,
        seed=8,
        start=START,
        end=END,
        release_every=10,
        maintenance_branches=3,
        path_prefixes=tuple(MONOREPO_COMPONENTS),
        tag_pattern="{name}/v{major}.{minor}.{patch}",
        branch_pattern="release/{name}/{major}.{minor}",
    )
    facts = write_history(root / "clones" / "mono", spec)
    components = {
        name: {"charter.dev/repo": "mono", "charter.dev/path": name, "charter.dev/release-tags": pattern}
        for name, pattern in MONOREPO_COMPONENTS.items()
    }
    strategy(root / "org", MONOREPO_HORIZON_DAYS, components)
    sync(root / "org")
    return Synced(root / "org", facts.path, facts)


def backports(clone: Path) -> Iterator[tuple[str, str]]:
    """(back-port, original) pairs: commits whose message says they were cherry-picked."""
    listing = git(clone, "log", "--all", "--no-merges", "--format=%H %B%x00")
    for record in listing.split("\0"):
        found = re.search(r"^\s*([0-9a-f]{40}) .*\(cherry picked from commit ([0-9a-f]{40})\)", record, re.DOTALL)
        if found:
            yield found.group(1), found.group(2)


# The tests ----------------------------------------------------------------------------------------


def test_the_generated_history_is_large_and_realistic(single: Synced) -> None:
    tags = release_tags(single.clone, "payments", SINGLE_PATTERN)
    maintenance = {release.branch for release in single.facts.releases if release.branch != "main"}
    annotated = {release.annotated for release in single.facts.releases}
    assert single.facts.commits == 4000
    assert len(tags) >= 200
    assert len(maintenance) >= 3
    assert annotated == {True, False}
    assert int(git(single.clone, "rev-list", "--all", "--merges", "--count")) > 100
    picked = list(backports(single.clone))
    assert len(picked) >= 3
    tag_shas = {tag.sha for tag in tags}
    assert any(backport in tag_shas for backport, _ in picked)  # a patch release ships a back-port


def test_every_release_tag_ships_what_git_rev_list_reaches(single: Synced) -> None:
    tags = release_tags(single.clone, "payments", SINGLE_PATTERN)
    expected = git_lead_times(single.clone, tags, SINGLE_HORIZON_DAYS)

    assert charter_deployment_times(single.org, "payments") == {tag.deployment_id: tag.deployed_at for tag in tags}
    actual = charter_lead_times(single.org, "payments")
    assert actual.keys() == expected.keys()
    for deployment_id, commits in expected.items():
        assert actual[deployment_id] == commits, deployment_id


def test_the_first_release_counts_only_commits_inside_the_horizon(single: Synced) -> None:
    first = release_tags(single.clone, "payments", SINGLE_PATTERN)[0]
    reachable = authored_commits(single.clone, first.sha, [], None)
    counted = charter_lead_times(single.org, "payments")[first.deployment_id]
    oldest = first.deployed_at - SINGLE_HORIZON_DAYS * DAY
    assert 0 < len(counted) < len(reachable)
    assert counted.keys() == {sha for sha, authored in reachable.items() if authored >= oldest}


def test_a_patch_release_ships_its_back_port_not_the_original(single: Synced) -> None:
    tags = release_tags(single.clone, "payments", SINGLE_PATTERN)
    by_sha = {tag.sha: tag for tag in tags}
    backport, original = next(pair for pair in backports(single.clone) if pair[0] in by_sha)
    release = by_sha[backport]
    expected = git_lead_times(single.clone, tags, SINGLE_HORIZON_DAYS)[release.deployment_id]

    explained = json.loads(
        charter_output("delivery", "--repo", str(single.org), "--explain", release.deployment_id, "--format", "json")
    )
    shipped = {item["sha"]: item["leadTimeSeconds"] for item in explained["shipped"]}
    assert shipped == expected
    assert backport in shipped and original not in shipped
    assert explained["deployment"]["finished"] == datetime.fromtimestamp(release.deployed_at, UTC).isoformat()


@pytest.mark.parametrize("period", ["whole history", "middle quarter"])
def test_delivery_percentiles_are_numpys_over_git_lead_times(single: Synced, period: str) -> None:
    tags = release_tags(single.clone, "payments", SINGLE_PATTERN)
    first, last = deployment_days(tags) if period == "whole history" else MIDDLE_QUARTER
    lead_times = git_lead_times(single.clone, tags, SINGLE_HORIZON_DAYS)
    in_period = [tag for tag in tags if first <= datetime.fromtimestamp(tag.deployed_at, UTC).date() <= last]

    [scope] = delivery_scopes(single.org, first, last, "org").values()
    p50, p90 = git_percentiles(tags, lead_times, first, last)
    assert scope["deployments"] == len(in_period)
    assert scope["changes"] == sum(len(lead_times[tag.deployment_id]) for tag in in_period)
    # Both interpolate linearly; rel=1e-12 only absorbs the last bit of a float's rounding.
    assert scope["leadTimeP50Seconds"] == pytest.approx(p50, rel=1e-12)
    assert scope["leadTimeP90Seconds"] == pytest.approx(p90, rel=1e-12)


def test_monorepo_components_ship_the_commits_touching_their_folder(monorepo: Synced) -> None:
    for component, pattern in MONOREPO_COMPONENTS.items():
        tags = release_tags(monorepo.clone, component, pattern)
        assert len(tags) >= 80
        assert any(release.branch != "main" and release.line == component for release in monorepo.facts.releases)
        expected = git_lead_times(monorepo.clone, tags, MONOREPO_HORIZON_DAYS, path=component)

        assert charter_deployment_times(monorepo.org, component) == {tag.deployment_id: tag.deployed_at for tag in tags}
        actual = charter_lead_times(monorepo.org, component)
        assert actual.keys() == expected.keys()
        for deployment_id, commits in expected.items():
            assert actual[deployment_id] == commits, deployment_id
        # Each component's own first release is cut by the horizon, not the repository's first.
        first = tags[0]
        assert 0 < len(expected[first.deployment_id]) < len(authored_commits(monorepo.clone, first.sha, [], component))


def test_monorepo_percentiles_per_component_are_numpys(monorepo: Synced) -> None:
    first, last = MIDDLE_QUARTER
    scopes = delivery_scopes(monorepo.org, first, last, "component")
    assert scopes.keys() == set(MONOREPO_COMPONENTS)
    for component, pattern in MONOREPO_COMPONENTS.items():
        tags = release_tags(monorepo.clone, component, pattern)
        lead_times = git_lead_times(monorepo.clone, tags, MONOREPO_HORIZON_DAYS, path=component)
        p50, p90 = git_percentiles(tags, lead_times, first, last)
        assert scopes[component]["leadTimeP50Seconds"] == pytest.approx(p50, rel=1e-12)
        assert scopes[component]["leadTimeP90Seconds"] == pytest.approx(p90, rel=1e-12)


# Code health on the default branch ---------------------------------------------------------------


def git_head_lines(clone: Path, prefix: str | None) -> dict[str, int | None]:
    """`git ls-tree -r main` (under `prefix`), each blob with its lines as git counts them (a last line
    without a newline counts; None when it holds a NUL byte, as git calls it binary)."""
    listing: dict[str, int | None] = {}
    for entry in git(clone, "ls-tree", "-r", "-z", "main", *([f"{prefix}/"] if prefix else [])).split("\0"):
        if not entry:
            continue
        described, path = entry.split("\t", 1)
        if described.split()[1] != "blob":
            continue
        content = subprocess.run(
            ["git", "-C", str(clone), "show", f"main:{path}"], capture_output=True, check=True
        ).stdout
        binary = b"\0" in content[:8000]  # as git tells binary files
        listing[path] = None if binary else content.count(b"\n") + (0 if content.endswith(b"\n") or not content else 1)
    return listing


def renamed_on_main(clone: Path) -> set[str]:
    """Every path a rename on main's history left or reached."""
    names = git(clone, "log", "main", "--no-merges", "-M", "--diff-filter=R", "--name-status", "--format=")
    return {path for line in names.splitlines() if line.startswith("R") for path in line.split("\t")[1:]}


def code_health_files(org: Path, component: str) -> dict[str, FileHealth]:
    with open_store(org) as store:
        [item] = code_health(load_context(org, store), END, component)
    return {file.path: file for file in item.health.files}


@pytest.mark.parametrize(
    ("history", "component", "prefix"), [("single", "payments", None), ("monorepo", "ledger", "ledger")]
)
def test_code_health_is_mains_files_sizes_and_history(
    history: str, component: str, prefix: str | None, request: pytest.FixtureRequest
) -> None:
    synced: Synced = request.getfixturevalue(history)
    files = code_health_files(synced.org, component)
    is_excluded = compile_path_globs(DEFAULT_EXCLUDES)
    at_head = {path: lines for path, lines in git_head_lines(synced.clone, prefix).items() if not is_excluded(path)}

    assert {path: file.lines for path, file in files.items()} == at_head
    # The maintenance branches' back-ports and patch releases (tagged) never reached main.
    maintenance = {release.branch for release in synced.facts.releases if release.branch != "main"}
    assert maintenance and int(git(synced.clone, "rev-list", "--count", "--all", "--not", "main")) > 0
    renamed = renamed_on_main(synced.clone)
    compared = [path for path in files if path not in renamed]
    assert len(compared) > 10
    for path in compared:
        reached = git(synced.clone, "rev-list", "--count", "--no-merges", "--full-history", "main", "--", path)
        assert files[path].commits == int(reached), path
