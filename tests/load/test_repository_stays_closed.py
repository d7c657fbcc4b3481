"""The repository stays closed: a symlink (to a file or a folder) leading out of the repository and
the `sources.catalog` roots is refused with SCH014; a Location's glob is checked for containment on
its fixed part before anything is listed, and its walk is bounded (REF009)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import charter.load.patterns as patterns
from charter.load.patterns import expand_pattern
from charter.load.repository import load_strategy_repo
from tests.conftest import run_charter
from tests.strategy import write_repo

CANARY = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: canary}
spec: {type: service, lifecycle: production, owner: group:team-a}
"""
TEAM = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n"


def location(*targets: str) -> str:
    listed = ", ".join(f'"{target}"' for target in targets)
    return (
        f"apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {{name: here}}\nspec: {{targets: [{listed}]}}\n"
    )


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the repository holding a component nobody reviewed with the strategy."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "canary.yaml").write_text(CANARY, encoding="utf-8")
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    return write_repo(root, {"catalog/team.yaml": TEAM})


def test_a_symlinked_file_leading_outside_is_refused(repo: Path, outside: Path) -> None:
    os.symlink(outside / "canary.yaml", repo / "catalog" / "canary.yaml")

    estate = load_strategy_repo(repo)

    [refused] = estate.load_diagnostics
    assert (refused.code, refused.location and refused.location.path) == ("SCH014", "catalog/canary.yaml")
    assert str(outside / "canary.yaml") in refused.message
    assert "component:canary" not in {ref.short for ref in estate.entities}


def test_a_symlinked_folder_leading_outside_is_refused(repo: Path, outside: Path) -> None:
    os.symlink(outside, repo / "catalog" / "shared")

    estate = load_strategy_repo(repo)

    assert [(item.code, item.location and item.location.path) for item in estate.load_diagnostics] == [
        ("SCH014", "catalog/shared")
    ]
    assert "component:canary" not in {ref.short for ref in estate.entities}


def test_a_symlinked_charter_yaml_leading_outside_is_not_read(repo: Path, outside: Path) -> None:
    (outside / "charter.yaml").write_text((repo / "charter.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (repo / "charter.yaml").unlink()
    os.symlink(outside / "charter.yaml", repo / "charter.yaml")

    estate = load_strategy_repo(repo)

    assert estate.organization is None
    assert "SCH014" in {item.code for item in estate.load_diagnostics}


def test_symlinks_inside_the_repository_or_a_catalog_root_are_read(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    organization = (
        "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\n"
        "spec:\n  sources:\n    catalog: ['../outside/*.yaml']\n"
    )
    write_repo(root, {"catalog/team.yaml": TEAM, "elsewhere/kept.yaml": CANARY.replace("canary", "kept")}, organization)
    os.symlink(root / "elsewhere" / "kept.yaml", root / "catalog" / "kept.yaml")
    os.symlink(outside, root / "catalog" / "shared")  # inside a catalog root: allowed, read once

    estate = load_strategy_repo(root)

    assert [item.code for item in estate.load_diagnostics] == []
    assert {"component:kept", "component:canary"} <= {ref.short for ref in estate.entities}


def test_check_and_scorecard_refuse_the_outside_file(repo: Path, outside: Path) -> None:
    os.symlink(outside / "canary.yaml", repo / "catalog" / "canary.yaml")

    check = run_charter("check", "--repo", str(repo), "--no-cache", "-f", "json")
    scorecard = run_charter("scorecard", "--repo", str(repo), "-f", "json")

    assert check.exit_code == 1
    assert '"code": "SCH014"' in check.stdout
    assert "canary" not in scorecard.stdout.replace(str(outside), "")


def test_a_glob_whose_fixed_part_is_outside_is_not_expanded(repo: Path, outside: Path) -> None:
    write_repo(repo, {"catalog/locations.yaml": location(f"{outside}/*.yaml", "/**/*.conf")})

    estate = load_strategy_repo(repo)

    assert sorted((item.code, item.message) for item in estate.load_diagnostics) == [
        (
            "REF004",
            "Location target '/**/*.conf' is not expanded: its fixed part / is outside the repository and "
            "the `sources.catalog` roots",
        ),
        (
            "REF004",
            f"Location target '{outside}/*.yaml' is not expanded: its fixed part {outside} is outside the "
            "repository and the `sources.catalog` roots",
        ),
    ]
    assert "component:canary" not in {ref.short for ref in estate.entities}


def test_a_glob_does_not_follow_a_symlinked_folder_outside(repo: Path, outside: Path) -> None:
    (repo / "teams" / "b").mkdir(parents=True)
    (repo / "teams" / "b" / "b.yaml").write_text(CANARY.replace("canary", "b"), encoding="utf-8")
    os.symlink(outside, repo / "teams" / "escape")
    write_repo(repo, {"catalog/locations.yaml": location("../teams/**/*.yaml")})

    estate = load_strategy_repo(repo)

    [refused] = estate.load_diagnostics
    assert refused.code == "REF004"
    assert f"resolves to {outside}," in refused.message
    names = {ref.short for ref in estate.entities}
    assert "component:b" in names
    assert "component:canary" not in names


def test_a_glob_that_reaches_too_far_is_cut_short(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(30):
        (repo / "data" / str(index)).mkdir(parents=True)
    write_repo(repo, {"catalog/locations.yaml": location("../**/*.yaml")})
    monkeypatch.setattr(patterns, "MAX_PATTERN_ENTRIES", 20)

    estate = load_strategy_repo(repo)

    [cut] = [item for item in estate.load_diagnostics if item.code == "REF009"]
    assert cut.message == (
        "Location target '../**/*.yaml' is not expanded: it reaches more than 20 directory entries; "
        "name the folder the files are in"
    )


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("*.yaml", ["a.yaml", "b.yaml"]),
        ("**/*.yaml", ["a.yaml", "b.yaml", "sub/c.yaml", "sub/deep/d.yaml"]),
        ("sub/**/*.yaml", ["sub/c.yaml", "sub/deep/d.yaml"]),
        ("s?b/*.yaml", ["sub/c.yaml"]),
        ("[ab].yaml", ["a.yaml", "b.yaml"]),
        ("**/d.yaml", ["sub/deep/d.yaml"]),
        ("**/.hidden.yaml", ["sub/.hidden.yaml"]),
        ("sub/.*.yaml", ["sub/.hidden.yaml"]),
    ],
)
def test_patterns_match_as_glob_does(tmp_path: Path, pattern: str, expected: list[str]) -> None:
    for name in ("a.yaml", "b.yaml", "notes.txt", "sub/c.yaml", "sub/.hidden.yaml", "sub/deep/d.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")

    found = expand_pattern(str(tmp_path / pattern), [tmp_path.resolve()])

    assert [path.relative_to(tmp_path).as_posix() for path in found.files] == expected


def test_a_plain_name_after_a_wildcard_is_looked_up_not_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(10):
        clone = tmp_path / "clones" / f"svc{index}"
        clone.mkdir(parents=True)
        (clone / "catalog-info.yaml").write_text(CANARY.replace("canary", f"svc{index}"), encoding="utf-8")
        for other in range(5):
            (clone / f"file{other}.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(patterns, "MAX_PATTERN_ENTRIES", 20)  # 10 clones listed; 60 entries if each were too

    found = expand_pattern(str(tmp_path / "clones" / "*" / "catalog-info.yaml"), [tmp_path.resolve()])

    assert (found.too_broad, len(found.files)) == (0, 10)
