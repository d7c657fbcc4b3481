"""The sample organisation generator behind `charter demo`: deterministic, sized by its profile,
readable by the loader without schema errors, and flawed exactly where it says it is."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from pathlib import Path

import pytest

from charter.demo.generate import GenerationSummary, generate_organization
from charter.demo.profiles import LARGE, PROFILES, SMALL, SizeProfile
from charter.load.repository import load_strategy_repo
from charter.load.yaml12 import parse_yaml_documents
from charter.model.estate import Estate

# Profile field behind each counted kind (the rest are fixed: one Organization, one Location).
KIND_FIELDS = {
    "User": "users",
    "System": "systems",
    "Component": "components",
    "API": "apis",
    "Resource": "resources",
    "Standard": "standards",
    "SLO": "slos",
    "Risk": "risks",
    "Initiative": "initiatives",
    "Capacity": "capacities",
    "Decision": "decisions",
    "Incident": "incidents",
    "RadarEntry": "radar_entries",
    "Domain": "domains",
}

# A tenth of `large`: the same shape, fast enough for a unit test.
LARGE_SCALED = dataclasses.replace(
    LARGE,
    teams=30,
    users=150,
    departments=3,
    domains=6,
    systems=40,
    components=500,
    apis=80,
    resources=60,
    slos=580,
    risks=300,
    initiatives=100,
    decisions=65,
    incidents=100,
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    return generate_organization(tmp_path_factory.mktemp("small") / "acme", SMALL)


@pytest.fixture(scope="module")
def small_estate(small: GenerationSummary) -> Estate:
    return load_strategy_repo(small.destination)


def _assert_counts(summary: GenerationSummary, profile: SizeProfile) -> None:
    for kind, field in KIND_FIELDS.items():
        assert summary.counts[kind] == getattr(profile, field), kind
    assert summary.counts["Group"] == 1 + profile.departments + profile.teams
    assert summary.counts["Organization"] == 1


def test_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first = generate_organization(tmp_path / "one", SMALL, seed=11)
    second = generate_organization(tmp_path / "two", SMALL, seed=11)
    assert first.files == second.files
    written = sorted(
        path.relative_to(tmp_path / "one").as_posix() for path in (tmp_path / "one").rglob("*") if path.is_file()
    )
    assert written == sorted(first.files)
    for relative in first.files:
        assert (tmp_path / "one" / relative).read_bytes() == (tmp_path / "two" / relative).read_bytes(), relative
    assert first.flaws == second.flaws


def test_another_seed_writes_another_organisation(tmp_path: Path) -> None:
    first = generate_organization(tmp_path / "one", SMALL, seed=1)
    second = generate_organization(tmp_path / "two", SMALL, seed=2)
    assert first.counts == second.counts
    assert first.flaws != second.flaws


def test_small_counts_match_the_profile(small: GenerationSummary) -> None:
    _assert_counts(small, SMALL)
    assert (SMALL.teams, SMALL.users, SMALL.systems, SMALL.components, SMALL.apis, SMALL.resources) == (
        10,
        40,
        6,
        60,
        12,
        10,
    )
    assert 60 <= SMALL.slos <= 80 and SMALL.risks == 25 and SMALL.initiatives == 15
    assert (SMALL.standards, SMALL.capacities, SMALL.decisions, SMALL.incidents) == (3, 2, 8, 12)
    assert "README.md" in small.files and "radar/radar.csv" in small.files


def test_counts_can_be_overridden(tmp_path: Path) -> None:
    profile = SizeProfile(
        teams=4,
        users=9,
        departments=2,
        domains=2,
        systems=3,
        components=17,
        apis=5,
        resources=4,
        standards=2,
        slos=9,
        risks=11,
        initiatives=7,
        capacities=3,
        decisions=6,
        incidents=5,
        radar_entries=40,
        control_requirements=5,
    )
    summary = generate_organization(tmp_path / "custom", profile)
    _assert_counts(summary, profile)
    estate = load_strategy_repo(tmp_path / "custom")
    assert sum(1 for ref in estate.entities if ref.kind == "component") == 17
    assert len(estate.slos) == 9 and len(estate.decisions) == 6 and len(estate.incidents) == 5


def test_large_profile_is_the_designed_scale() -> None:
    assert PROFILES["large"] is LARGE
    assert (LARGE.teams, LARGE.users, LARGE.systems, LARGE.components, LARGE.apis, LARGE.resources) == (
        300,
        1500,
        400,
        5000,
        800,
        600,
    )
    assert (LARGE.risks, LARGE.initiatives) == (3000, 1000)
    ratio = LARGE.components / SMALL.components
    for field in ("slos", "decisions", "incidents"):
        assert 0.75 < getattr(LARGE, field) / (getattr(SMALL, field) * ratio) < 1.25, field


def test_large_shape_scaled_down_has_its_counts_and_proportional_flaws(tmp_path: Path) -> None:
    summary = generate_organization(tmp_path / "large", LARGE_SCALED)
    _assert_counts(summary, LARGE_SCALED)
    assert len(summary.flaws["REL001"]) == LARGE_SCALED.flaw_count("components") > 2 * 8
    assert len(summary.flaws["RSK004"]) == LARGE_SCALED.flaw_count("risks") == 24
    estate = load_strategy_repo(tmp_path / "large")
    assert sum(1 for ref in estate.entities if ref.kind == "component") == 500


def test_every_generated_file_parses(small: GenerationSummary) -> None:
    for relative in small.files:
        text = (small.destination / relative).read_text(encoding="utf-8")
        if relative.endswith(".yaml"):
            assert parse_yaml_documents(text), relative
        elif relative.startswith(("decisions/", "incidents/")) and text.startswith("---\n"):
            front_matter = text[4:].split("\n---\n", 1)[0]
            documents = parse_yaml_documents(front_matter)
            assert len(documents) == 1 and isinstance(documents[0].data, dict), relative


def test_small_org_loads_without_schema_errors(small: GenerationSummary, small_estate: Estate) -> None:
    schema = [
        d for d in small_estate.load_diagnostics if d.code.startswith("SCH") and d.code not in ("SCH009", "SCH011")
    ]
    assert schema == []
    assert [d for d in small_estate.load_diagnostics if not d.code.startswith("SCH")] == []
    kinds: dict[str, int] = defaultdict(int)
    for ref in small_estate.entities:
        kinds[ref.kind] += 1
    assert kinds["component"] == SMALL.components
    assert kinds["group"] == small.counts["Group"]  # the org chart comes in through the Location
    assert kinds["system"] == SMALL.systems
    assert kinds["risk"] == SMALL.risks and kinds["initiative"] == SMALL.initiatives
    assert len(small_estate.slos) == SMALL.slos
    assert len(small_estate.decisions) == SMALL.decisions
    assert len(small_estate.incidents) == SMALL.incidents
    assert len(small_estate.radar) == SMALL.radar_entries


def test_only_the_planted_owners_dangle(small: GenerationSummary, small_estate: Estate) -> None:
    assert sorted(d.source.short for d in small_estate.dangling) == sorted(small.flaws["OWN003"])


@pytest.mark.parametrize(
    ("profile", "git"),
    [(SMALL, False), (SMALL, True), (LARGE_SCALED, False)],
    ids=["small", "small-with-git", "large-scaled"],
)
def test_check_finds_exactly_the_planted_flaws(profile: SizeProfile, git: bool, tmp_path: Path) -> None:
    governance = pytest.importorskip("charter.analysis.checks.governance")
    suppression = pytest.importorskip("charter.analysis.checks.suppression")
    summary = generate_organization(tmp_path / "org", profile, seed=3, git=git)
    assert bool(summary.clones) == git
    estate = load_strategy_repo(tmp_path / "org")
    context = governance.CheckContext(
        today=profile.reference_date, path_exists=lambda path: (summary.destination / path).exists()
    )
    capacity = pytest.importorskip("charter.analysis.checks.capacity")
    rules = (*governance.GOVERNANCE_RULES, *capacity.RULES)
    found = [item for rule in rules for item in rule(estate, context)]
    found = suppression.apply_settings(estate, found, profile.reference_date)
    reported: dict[str, set[str]] = defaultdict(set)
    for item in found:
        reported[item.code].add(item.entity)
    assert {code: set(entities) for code, entities in summary.flaws.items()} == dict(reported)
    look_alikes = {entity for entities in summary.acceptable.values() for entity in entities}
    assert look_alikes
    assert look_alikes.isdisjoint(set().union(*reported.values()))


def test_generation_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        generate_organization(tmp_path, SMALL)


def test_profile_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError, match="components"):
        SizeProfile(components=-1)
    with pytest.raises(ValueError, match="teams"):
        SizeProfile(teams=1)
