"""Finding the lines of a file's diagnostics costs one pass over the file, however many documents
in it have diagnostics: `charter check` grows linearly with one file's components, not with their
square (each diagnostic used to parse its file again up to its document)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import charter.load.yaml12 as yaml12
from charter.load.yaml12 import DocumentMarks, documents_starting_at
from tests.conftest import run_charter
from tests.strategy import write_repo


def component(index: int, depends_on: str) -> str:
    return (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
        f"metadata:\n  name: c{index}\n  annotations: {{charter.dev/tier: '1'}}\n"
        f"spec:\n  type: service\n  lifecycle: production\n  owner: group:nobody{index}\n  dependsOn: {depends_on}\n"
    )


def catalog(count: int) -> str:
    """`count` components in one file; the even ones invalid (SCH003 at `dependsOn`), the odd ones
    valid but with analysis diagnostics (dangling owner, tier 1 without SLO...)."""
    return "---\n".join(component(index, "resource:x" if index % 2 == 0 else "[resource:x]") for index in range(count))


class CountingLoader(yaml12.Yaml12Loader):
    """The YAML loader, counting the passes made over a text."""

    created = 0

    def __init__(self, text: str) -> None:
        CountingLoader.created += 1
        super().__init__(text)


def passes_to_check(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[dict[str, object]]]:
    monkeypatch.setattr(yaml12, "Yaml12Loader", CountingLoader)
    CountingLoader.created = 0
    result = run_charter("check", "--repo", str(root), "--no-cache", "-f", "json")
    assert result.exit_code == 1, result.output
    return CountingLoader.created, json.loads(result.stdout)["diagnostics"]


def test_the_passes_over_a_file_do_not_grow_with_its_diagnostics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "small").mkdir()
    (tmp_path / "large").mkdir()
    small = write_repo(tmp_path / "small", {"catalog/all.yaml": catalog(40)})
    large = write_repo(tmp_path / "large", {"catalog/all.yaml": catalog(160)})

    small_passes, small_found = passes_to_check(small, monkeypatch)
    large_passes, large_found = passes_to_check(large, monkeypatch)

    assert len(large_found) == 4 * len(small_found) > 400
    assert large_passes == small_passes <= 4


def test_every_diagnostic_still_has_its_own_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_repo(tmp_path, {"catalog/all.yaml": catalog(30)})

    _, found = passes_to_check(root, monkeypatch)

    lines_per_component = component(0, "").count("\n") + 1  # and the `---` between
    invalid = {item["entity"]: item["line"] for item in found if item["code"] == "SCH003"}
    assert invalid == {f"component:c{index}": index * lines_per_component + 10 for index in range(0, 30, 2)}
    owners = {item["entity"]: item["line"] for item in found if "group:nobody" in str(item["message"])}
    assert owners == {f"component:c{index}": index * lines_per_component + 9 for index in range(1, 30, 2)}


def test_marks_are_found_forward_and_again_from_the_start_when_asked_backward() -> None:
    marks = DocumentMarks("a: 1\n---\nb:\n  c: 2\n---\n---\nd: [x, y]\n")

    assert marks.locate(1, ("b", "c")) == (4, 6)
    assert marks.locate(3, ("d", 1)) == (7, 8)
    assert marks.locate(2, ()) is not None  # an empty document still has a place
    assert marks.locate(9, ("a",)) is None
    assert marks.parses == 2
    assert marks.locate(0, ("a",)) == (1, 4)
    assert marks.parses == 3


def test_documents_are_found_from_their_first_line_in_one_pass() -> None:
    lines = "a: 1\n---\nb:\n  c: 2\n---\nd: [x, y]\n".splitlines(keepends=True)

    found = [
        (start, yaml12.walk_to(node, ("d", 1) if start == 6 else ("b", "c")), offset)
        for start, node, offset in documents_starting_at(lines, [6, 3])
    ]

    assert [(start, (line + offset, column)) for start, (line, column), offset in found] == [(3, (4, 6)), (6, (6, 8))]


def test_only_the_documents_asked_for_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    documents = [f"name: d{index}\nspec:\n  deep:\n    value: {index}\n" for index in range(200)]
    text = "---\n".join(documents) + "--- {inline: root}\n...\n%YAML 1.2\n---\nlast: [a, b]"
    lines = text.splitlines(keepends=True)
    parsed: list[str] = []

    class Recording(yaml12.Yaml12Loader):
        def __init__(self, text: str) -> None:
            parsed.append(text)
            super().__init__(text)

    monkeypatch.setattr(yaml12, "Yaml12Loader", Recording)
    starts = {6: ("spec", "deep", "value"), 996: ("spec", "deep"), 1000: ("inline",), 1004: ("last", 1)}

    found = {start: yaml12.walk_to(node, starts[start]) for start, node, _ in documents_starting_at(lines, starts)}
    offsets = {start: offset for start, _, offset in documents_starting_at(lines, starts)}

    located = {start: (line + offsets[start], column) for start, (line, column) in found.items()}
    assert located == {6: (9, 12), 996: (998, 3), 1000: (1000, 14), 1004: (1004, 11)}
    assert [text.splitlines()[line - 1][column - 1 :] for line, column in located.values()] == [
        "1",
        "deep:",
        "root}",
        "b]",
    ]
    assert len(parsed) == 2 and len(parsed[0]) < len(text) / 20  # one pass, over four documents of 201
