"""Every kind of bad input is a diagnostic with a location and a fix, never an exception, and the
rest of the repository is still read."""

from __future__ import annotations

import os
import random
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charter.load.repository import load_strategy_repo
from charter.model.diagnostics import Diagnostic
from tests.strategy import write_repo

GOOD_COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: healthy}
spec: {type: service, lifecycle: production, owner: group:team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
"""


def _codes(diagnostics: list[Diagnostic]) -> dict[str, list[Diagnostic]]:
    found: dict[str, list[Diagnostic]] = {}
    for item in diagnostics:
        found.setdefault(item.code, []).append(item)
    return found


def _load_with_bad(tmp_path: Path, name: str, content: bytes | str) -> tuple[dict[str, list[Diagnostic]], int]:
    write_repo(tmp_path, {"catalog/good.yaml": GOOD_COMPONENT})
    path = tmp_path / "catalog" / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    estate = load_strategy_repo(tmp_path)
    return _codes(estate.load_diagnostics), len(estate.entities)


def test_malformed_yaml_points_at_the_line(tmp_path: Path) -> None:
    codes, entities = _load_with_bad(tmp_path, "bad.yaml", "apiVersion: backstage.io/v1alpha1\nkind: [Component\n")
    [item] = codes["SCH001"]
    assert item.location is not None and item.location.path == "catalog/bad.yaml" and item.location.line == 3
    assert entities == 2


def test_tab_indentation_says_to_use_spaces(tmp_path: Path) -> None:
    codes, _ = _load_with_bad(tmp_path, "tabs.yaml", "metadata:\n\tname: x\n")
    [item] = codes["SCH001"]
    assert item.location is not None and (item.location.line, item.location.column) == (2, 1)
    assert "spaces" in item.hint


def test_wrong_type_names_the_field_and_its_line(tmp_path: Path) -> None:
    codes, _ = _load_with_bad(
        tmp_path,
        "wrong.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: service\n"
        "  lifecycle: production\n  owner: group:team-a\n  providesApis: 12\n",
    )
    [item] = codes["SCH003"]
    assert item.message.startswith("spec.providesApis")
    assert item.location is not None and item.location.line == 9


def test_missing_required_field(tmp_path: Path) -> None:
    codes, _ = _load_with_bad(
        tmp_path,
        "missing.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x}\nspec: {type: service}\n",
    )
    assert any("spec.lifecycle: required field is missing" in d.message for d in codes["SCH003"])


def test_unknown_kind_and_api_version(tmp_path: Path) -> None:
    codes, _ = _load_with_bad(
        tmp_path, "unknown.yaml", "apiVersion: example.com/v9\nkind: Gadget\nmetadata: {name: x}\n"
    )
    [item] = codes["SCH004"]
    assert "Gadget" in item.message and item.location is not None and item.location.line == 1


def test_plugin_kinds_are_kept_with_a_note(tmp_path: Path) -> None:
    codes, entities = _load_with_bad(
        tmp_path,
        "template.yaml",
        "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\n"
        "metadata: {name: new-service}\nspec: {steps: []}\n",
    )
    assert [d.entity for d in codes["SCH009"]] == ["template:new-service"]
    assert entities == 3


def test_duplicate_keys(tmp_path: Path) -> None:
    codes, _ = _load_with_bad(tmp_path, "dup.yaml", "apiVersion: a\napiVersion: b\n")
    [item] = codes["SCH002"]
    assert item.location is not None and item.location.line == 2


def test_non_utf8_bytes_point_at_the_byte(tmp_path: Path) -> None:
    codes, _ = _load_with_bad(tmp_path, "latin1.yaml", b"metadata:\n  name: caf\xe9\n")
    [item] = codes["SCH005"]
    assert item.location is not None and (item.location.line, item.location.column) == (2, 12)


def test_binary_file(tmp_path: Path) -> None:
    codes, _ = _load_with_bad(tmp_path, "blob.yaml", bytes(range(256)))
    assert "binary" in codes["SCH005"][0].message


def test_empty_file_is_a_warning(tmp_path: Path) -> None:
    codes, entities = _load_with_bad(tmp_path, "empty.yaml", "\n\n")
    assert codes["SCH006"][0].severity.value == "warning"
    assert entities == 2


def test_a_50_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/good.yaml": GOOD_COMPONENT})
    with (tmp_path / "catalog" / "huge.yaml").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    estate = load_strategy_repo(tmp_path)
    assert [d.code for d in estate.load_diagnostics] == ["SCH007"]
    assert len(estate.entities) == 2


def test_symlink_loop_is_reported_once(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/good.yaml": GOOD_COMPONENT})
    (tmp_path / "catalog" / "nested").mkdir()
    os.symlink(tmp_path / "catalog", tmp_path / "catalog" / "nested" / "loop")
    estate = load_strategy_repo(tmp_path)
    assert [d.code for d in estate.load_diagnostics] == ["SCH008"]
    assert "loop" in estate.load_diagnostics[0].message
    assert len(estate.entities) == 2


def test_location_target_outside_the_repository(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.yaml").write_text(GOOD_COMPONENT.replace("healthy", "outsider"))
    repo = tmp_path / "repo"
    repo.mkdir()
    write_repo(
        repo,
        {
            "catalog/locations.yaml": """\
            apiVersion: backstage.io/v1alpha1
            kind: Location
            metadata: {name: outside}
            spec:
              targets:
                - ../../elsewhere/x.yaml
            """,
        },
    )
    estate = load_strategy_repo(repo)
    [item] = estate.load_diagnostics
    assert item.code == "REF004"
    assert "component:outsider" not in {ref.short for ref in estate.entities}


def test_location_targets_inside_catalog_roots_are_followed(tmp_path: Path) -> None:
    clones = tmp_path / "clones" / "svc"
    clones.mkdir(parents=True)
    (clones / "catalog-info.yaml").write_text(GOOD_COMPONENT.replace("healthy", "svc"))
    (clones / "more.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: more}\nspec: {target: ./extra.yaml}\n"
    )
    (clones / "extra.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: extra}\nspec: {owner: team-a}\n"
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    organization = (
        "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\n"
        "spec:\n  sources:\n    catalog: ['../clones/*/*.yaml']\n"
    )
    write_repo(repo, {}, organization=organization)
    estate = load_strategy_repo(repo)
    assert estate.load_diagnostics == [d for d in estate.load_diagnostics if d.code == "REF002"]
    assert {"component:svc", "system:extra", "location:more"} <= {ref.short for ref in estate.entities}


def _mutate(text: str, seed: int) -> str:
    chooser = random.Random(seed)
    characters = list(text)
    for _ in range(chooser.randint(1, 6)):
        position = chooser.randrange(len(characters) + 1)
        action = chooser.choice(("insert", "delete", "swap"))
        if action == "insert":
            characters.insert(position, chooser.choice(" \t:-[]{}'\"#&*!|>\n\x00é"))
        elif action == "delete" and position < len(characters):
            del characters[position]
        elif position + 1 < len(characters):
            characters[position], characters[position + 1] = characters[position + 1], characters[position]
    return "".join(characters)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**9))
def test_mutated_documents_never_raise(tmp_path_factory: object, seed: int) -> None:
    root = tmp_path_factory.mktemp("mutated")  # type: ignore[attr-defined]
    write_repo(root, {"catalog/good.yaml": GOOD_COMPONENT})
    (root / "catalog" / "mutated.yaml").write_text(_mutate(GOOD_COMPONENT, seed), encoding="utf-8", errors="replace")
    estate = load_strategy_repo(root)
    assert all(d.location is not None for d in estate.load_diagnostics)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=15,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["Component", "Group", "User", "System", "API", "Risk", "Initiative", "Standard", "Location"]),
    api_version=st.sampled_from(["backstage.io/v1alpha1", "charter.dev/v1"]),
    metadata=json_values,
    spec=json_values,
)
def test_arbitrary_documents_never_raise(
    tmp_path_factory: object, kind: str, api_version: str, metadata: object, spec: object
) -> None:
    root = tmp_path_factory.mktemp("arbitrary")  # type: ignore[attr-defined]
    document = {"apiVersion": api_version, "kind": kind, "metadata": metadata, "spec": spec}
    write_repo(root, {"catalog/x.yaml": yaml.safe_dump(document)})
    estate = load_strategy_repo(root)
    assert len(estate.entities) + len(estate.load_diagnostics) >= 1


def test_a_file_is_read_to_its_end_whatever_its_size_said(tmp_path: Path) -> None:
    """The reader takes the size it was told in one read, then goes on to the end: a pipe says 0."""
    import threading

    from charter.load.files import _read_all

    reading, writing = os.pipe()
    content = b"kind: Component\n" * 20_000  # more than one pipe buffer
    writer = threading.Thread(target=lambda: (os.write(writing, content), os.close(writing)))
    writer.start()
    try:
        assert _read_all(reading, 0) == content
    finally:
        writer.join()
        os.close(reading)


def test_a_directory_named_like_a_strategy_file_cannot_be_read(tmp_path: Path) -> None:
    from charter.load.files import FileProblem, read_raw

    (tmp_path / "catalog" / "dir.yaml").mkdir(parents=True)

    problem = read_raw(tmp_path / "catalog" / "dir.yaml", tmp_path)

    assert problem == FileProblem("SCH008", "cannot read file: Is a directory")
