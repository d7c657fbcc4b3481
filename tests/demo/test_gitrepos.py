"""`charter demo` with git: clones of some components' repositories (bare and non-bare, one monorepo)
spanning the year before the reference date, annotations that map components to them, deployment
records on real commits at different cadences, and incidents blamed on real deployments with the
rollbacks and hotfixes that recovered from them. Deterministic, and invisible to `charter check`."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from charter.analysis.component_sources import component_sources
from charter.demo.generate import GenerationSummary, generate_organization
from charter.demo.gitrepos import repository_count
from charter.demo.profiles import SMALL
from charter.load.repository import load_strategy_repo
from charter.model.estate import Estate

REFERENCE = datetime.combine(SMALL.reference_date, datetime.min.time(), UTC)


def git(repo: Path, *arguments: str, stdin: str | None = None) -> str:
    environment = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", *arguments], cwd=repo, env=environment, input=stdin, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    return generate_organization(tmp_path_factory.mktemp("demo") / "acme", SMALL, git=True)


@pytest.fixture(scope="module")
def estate(demo: GenerationSummary) -> Estate:
    return load_strategy_repo(demo.destination)


@pytest.fixture(scope="module")
def records(demo: GenerationSummary) -> list[dict[str, Any]]:
    assert demo.deployments is not None
    return [json.loads(line) for line in demo.deployments.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def clones(demo: GenerationSummary, estate: Estate) -> dict[str, Path]:
    """Component name -> its clone."""
    by_repository = {path.name.removesuffix(".git"): path for path in demo.clones}
    sources, problems = component_sources(estate)
    assert problems == []
    return {
        source.component: by_repository[source.repository] for source in sources if source.repository in by_repository
    }


def test_clones_are_valid_repositories_a_couple_bare(demo: GenerationSummary) -> None:
    assert len(demo.clones) == repository_count(SMALL) == 12
    assert all(path.parent == demo.destination / "clones" for path in demo.clones)
    bare = [path for path in demo.clones if git(path, "rev-parse", "--is-bare-repository").strip() == "true"]
    assert bare == [path for path in demo.clones if path.name.endswith(".git")] and len(bare) == 2
    for path in demo.clones:
        done = subprocess.run(["git", "fsck", "--no-progress"], cwd=path, capture_output=True, check=False)
        assert (done.returncode, done.stdout) == (0, b""), path
        assert 100 <= int(git(path, "rev-list", "--all", "--count")) <= 2200


def test_histories_span_the_year_before_the_reference_date(demo: GenerationSummary) -> None:
    for path in demo.clones:
        dates = [int(value) for value in git(path, "log", "--all", "--format=%ct").split()]
        assert (
            REFERENCE - timedelta(days=365) <= datetime.fromtimestamp(min(dates), UTC) < REFERENCE - timedelta(days=360)
        )
        assert REFERENCE - timedelta(days=5) < datetime.fromtimestamp(max(dates), UTC) < REFERENCE


def test_charter_yaml_names_the_clones_folder(estate: Estate) -> None:
    assert estate.organization is not None
    assert estate.organization.spec.sources.git.roots == ["clones"]


def test_every_clone_is_mapped_and_one_monorepo_holds_two_components(
    demo: GenerationSummary, estate: Estate, clones: dict[str, Path]
) -> None:
    assert set(clones.values()) == set(demo.clones)
    per_clone = Counter(clones.values())
    assert sorted(per_clone.values()) == [1] * 11 + [2]
    monorepo = next(path for path, count in per_clone.items() if count == 2)
    sources = [source for source in component_sources(estate)[0] if clones.get(source.component) == monorepo]
    for source in sources:
        assert source.path_prefix is not None
        assert git(monorepo, "ls-tree", "--name-only", "main", source.path_prefix + "/").strip()
        assert source.release_tags is not None
        tags = git(monorepo, "tag").split()
        mine = [tag for tag in tags if source.release_tag(tag)]
        assert mine and all(tag.startswith(source.path_prefix.rsplit("/", 1)[-1] + "/v") for tag in mine)


def test_release_tag_patterns_match_tags_and_only_imported_components_have_records(
    estate: Estate, clones: dict[str, Path], records: list[dict[str, Any]]
) -> None:
    sources = {source.component: source for source in component_sources(estate)[0] if source.component in clones}
    tag_based = {name for name, source in sources.items() if source.release_tags is not None}
    imported = set(sources) - tag_based
    assert tag_based and imported
    for name in tag_based:
        assert any(sources[name].release_tag(tag) for tag in git(clones[name], "tag").split()), name
    scheduled = {record["component"] for record in records if "rollbackOf" not in record and "hotfixFor" not in record}
    assert scheduled == imported


def test_deployment_records_ship_real_commits_of_their_component(
    clones: dict[str, Path], records: list[dict[str, Any]]
) -> None:
    by_component: dict[str, list[str]] = {}
    for record in records:
        by_component.setdefault(record["component"], []).append(record["sha"])
        assert set(record) >= {"id", "component", "environment", "sha", "started", "finished", "status"}
        assert record["started"] <= record["finished"]
    for component, shas in by_component.items():
        answer = git(clones[component], "cat-file", "--batch-check", stdin="".join(f"{sha}\n" for sha in shas))
        assert all(line.endswith(" commit " + line.split()[-1]) for line in answer.splitlines()), component
    assert {record["environment"] for record in records} == {"production", "staging"}
    assert Counter(record["status"] for record in records).keys() == {"success", "failure"}
    assert len({record["id"] for record in records}) == len(records)


def test_teams_deploy_at_different_cadences(records: list[dict[str, Any]]) -> None:
    production = Counter(
        record["component"]
        for record in records
        if record["environment"] == "production" and record["status"] == "success" and "incident" not in record
    )
    assert max(production.values()) >= 150  # about daily
    assert min(production.values()) <= 40  # about monthly or less
    for record in records:
        started = datetime.fromisoformat(record["started"])
        if "incident" not in record and record["environment"] == "production":
            assert started.weekday() < 5 and 8 <= started.hour < 21, record["id"]


def _front_matter(path: Path) -> dict[str, Any]:
    from charter.load.yaml12 import parse_yaml_documents

    text = path.read_text(encoding="utf-8")
    data = parse_yaml_documents(text[4:].split("\n---\n", 1)[0])[0].data
    assert isinstance(data, dict)
    return data


def test_incidents_blame_real_deployments_and_record_the_recovery(
    demo: GenerationSummary, clones: dict[str, Path], records: list[dict[str, Any]]
) -> None:
    ids = {record["id"]: record for record in records}
    incidents = [_front_matter(path) for path in sorted((demo.destination / "incidents").glob("*.md"))]
    named = {incident["id"]: incident for incident in incidents}
    links = Counter()
    for incident in incidents:
        caused = incident.get("causedBy") or {}
        component = incident["services"][0]
        started = datetime.fromisoformat(incident["started"])
        if "deployment" in caused:
            deployment = caused["deployment"]
            if deployment.startswith("tag:"):
                tag = deployment.removeprefix(f"tag:{component}/")
                assert git(clones[component], "tag", "--list", tag).strip() == tag
            else:
                assert ids[deployment]["component"] == component
                assert datetime.fromisoformat(ids[deployment]["finished"]) < started
            links["deployment"] += 1
        elif "change" in caused:
            assert git(clones[component], "cat-file", "-t", caused["change"]).strip() == "commit"
            links["change"] += 1
    recoveries = [record for record in records if "incident" in record]
    assert recoveries and links["deployment"] >= 1 and links["change"] >= 1
    kinds = Counter("rollbackOf" if "rollbackOf" in record else "hotfixFor" for record in recoveries)
    assert kinds.keys() == {"rollbackOf", "hotfixFor"}
    for record in recoveries:
        incident = named[record["incident"]]
        # A deployment ships a code change or (in the story of the shown quarters) a configuration change.
        assert incident["cause"] in ("change", "config") and incident["services"] == [record["component"]]
        assert record["environment"] == "production" and record["status"] == "success"
        recovered = record.get("rollbackOf") or record.get("hotfixFor")
        assert recovered in ids or recovered.startswith(f"tag:{record['component']}/")
        assert datetime.fromisoformat(record["started"]) > datetime.fromisoformat(incident["started"])


def test_loader_reads_neither_clones_nor_facts(demo: GenerationSummary, estate: Estate) -> None:
    assert estate.inputs is not None
    assert not [path for path in estate.inputs.files if path.startswith(("clones/", "facts/"))]
    assert [d for d in estate.load_diagnostics if not d.code.startswith("SCH")] == []
    assert "/clones/" in (demo.destination / ".gitignore").read_text(encoding="utf-8")


def test_the_strategy_repository_holds_the_last_quarters_history(demo: GenerationSummary, estate: Estate) -> None:
    root = demo.destination
    assert git(root, "status", "--porcelain") == ""  # the files as generated are the last commit
    log = [line.split(" ", 1) for line in git(root, "log", "--format=%cI %s").splitlines()]
    days = [datetime.fromisoformat(moment) for moment, _ in log]
    assert days == sorted(days, reverse=True) and len(days) >= 6
    assert days[-1] < REFERENCE - timedelta(weeks=26) and days[0] < REFERENCE  # before the demo's first snapshot
    subjects = " / ".join(subject for _, subject in log)
    for story in ("Raise the residual likelihood of", "Open risk", "Deliver", "Close risk", "Move"):
        assert story in subjects
    first = git(root, "rev-list", "--max-parents=0", "HEAD").strip()
    documents = [
        document
        for path in demo.files
        if path.startswith("roadmap/")
        for document in yaml.safe_load_all(git(root, "show", f"{first}:{path}"))
    ]
    then = {item["metadata"]["name"] for item in documents if item["spec"].get("committed") == {"quarter": "2026Q3"}}
    now = {item.metadata.name: item.spec for item in estate.initiatives}
    assert any(now[name].status == "done" for name in then)  # delivered
    assert any(now[name].committed and now[name].committed.quarter == "2026Q4" for name in then)  # moved on


def test_same_seed_same_clones_and_records(tmp_path: Path, demo: GenerationSummary) -> None:
    again = generate_organization(tmp_path / "acme", SMALL, git=True)
    assert again.files == demo.files
    for relative in demo.files:
        assert (again.destination / relative).read_bytes() == (demo.destination / relative).read_bytes(), relative
    for first, second in zip(demo.clones, again.clones, strict=True):
        assert first.name == second.name
        assert git(first, "for-each-ref") == git(second, "for-each-ref")
    assert git(again.destination, "log", "--format=%H") == git(demo.destination, "log", "--format=%H")


def test_without_git_the_organisation_is_unchanged_but_for_the_mappings(
    tmp_path: Path, demo: GenerationSummary
) -> None:
    plain = generate_organization(tmp_path / "plain", SMALL)
    assert plain.clones == () and plain.deployments is None
    assert not (tmp_path / "plain" / "clones").exists()
    assert plain.flaws == demo.flaws and {**plain.counts, "Incident": 0} == {**demo.counts, "Incident": 0}
    # With deployments, the story's failed deployments add incidents, numbered after the others.
    assert plain.counts["Incident"] == SMALL.incidents < demo.counts["Incident"]
    # Incidents move to follow the deployments they are blamed on; everything else but the mappings stays.
    kept = [relative for relative in plain.files if not relative.startswith("incidents/")]
    differing = [
        relative
        for relative in kept
        if (tmp_path / "plain" / relative).read_bytes() != (demo.destination / relative).read_bytes()
    ]
    assert differing
    assert all(re.match(r"(charter\.yaml|catalog/systems/|external-catalog/|README\.md)", p) for p in differing)
    incidents = [path for path in plain.files if path.startswith("incidents/")]
    first = [path for path in demo.files if re.match(r"incidents/.*-inc-(\d+)\.md", path)
             and int(path[-7:-3]) <= SMALL.incidents]  # fmt: skip
    assert len(incidents) == len(first) == SMALL.incidents
