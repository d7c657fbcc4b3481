from __future__ import annotations

import math

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.load.yaml12 import YamlError, _Builder, document_nodes, locate, parse_yaml_documents


def test_yaml_1_2_core_schema_keeps_backstage_strings_as_strings() -> None:
    [document] = parse_yaml_documents("a: on\nb: no\nc: yes\nd: 1:20\ne: 2026-12-31\nf: off\n")
    assert document.data == {"a": "on", "b": "no", "c": "yes", "d": "1:20", "e": "2026-12-31", "f": "off"}


def test_core_schema_numbers_booleans_and_nulls() -> None:
    [document] = parse_yaml_documents("a: 0x1F\nb: 0o17\nc: -2.5e3\nd: .inf\ne: ~\nf: TRUE\ng: false\nh: 012\n")
    data = document.data
    assert (data["a"], data["b"], data["c"], data["e"], data["f"], data["g"], data["h"]) == (
        31,
        15,
        -2500.0,
        None,
        True,
        False,
        12,
    )
    assert math.isinf(data["d"])


def test_documents_keep_their_index_and_first_line() -> None:
    documents = parse_yaml_documents("---\na: 1\n---\n---\n# comment\nb: 2\n")
    assert [(d.index, d.line, d.data) for d in documents] == [(0, 2, {"a": 1}), (2, 6, {"b": 2})]


@pytest.mark.parametrize(
    ("text", "line", "column", "needle"),
    [
        ("a: 1\nb:\n  c: 1\n  c: 2\n", 4, 3, "duplicate key 'c'"),
        ("a:\n\tb: 1\n", 2, 1, "tab"),
        ("a: b: c\n", 1, 5, "mapping values"),
        ("a: [1, 2\n", 2, 1, "expected ','"),
        ("&x [*x]\n", 1, 1, "recursive alias"),
        ("? [1]\n: 2\n", 1, 3, "key must be a scalar"),
    ],
)
def test_errors_carry_line_and_column(text: str, line: int, column: int, needle: str) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml_documents(text)
    assert needle in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)
    assert caught.value.hint


def test_alias_bomb_is_refused_not_expanded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    # Aliases share one object, so even a "billion laughs" document stays small.
    [document] = parse_yaml_documents("\n".join(lines) + "\n")
    assert document.data["a11"][0] is document.data["a10"]


def test_locate_finds_nested_keys_and_list_items() -> None:
    text = "---\nx: 1\n---\nspec:\n  owner: team-a\n  list:\n    - a\n    - b\n"
    assert locate(text, 1, ["spec", "owner"]) == (5, 10)
    assert locate(text, 1, ["spec", "list", 1]) == (8, 7)
    assert locate(text, 1, ["spec", "missing"]) == (4, 1)


# Strings of letters: a YAML 1.1 emitter leaves `0E0` or `1e3` unquoted, which 1.2 reads as numbers.
words = st.text(alphabet=st.characters(categories=["L"]) | st.just(" "), max_size=20)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), words)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(words, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(documents)
def test_reads_back_what_an_emitter_writes(value: object) -> None:
    # PyYAML quotes every string a YAML 1.1 reader would take for something else, so what it
    # writes means the same under 1.2's core schema.
    text = yaml.dump(value, Dumper=yaml.CSafeDumper, allow_unicode=True)
    parsed = parse_yaml_documents(text)
    if value is None:
        assert parsed == []
    else:
        assert parsed[0].data == yaml.load(text, Loader=yaml.CSafeLoader)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_parses_or_fails_with_a_position(text: str) -> None:
    try:
        parse_yaml_documents(text)
    except YamlError as error:
        assert error.line >= 0 and error.column >= 0
        assert error.message


def _built_both_ways(text: str) -> tuple[object, object]:
    """What each builder makes of every document of `text` (a value, or the error's message and
    position): the tree builder serves texts without anchors, the other any text."""

    def outcome(shared: bool) -> object:
        try:
            return [_Builder(shared=shared).build(node) for node in document_nodes(text)]
        except YamlError as error:
            return (error.message, error.line, error.column, error.hint)

    return outcome(True), outcome(False)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: [x, {c: 2.5, d: ~}]\n---\n- true\n- '0o17'\n",
        "a: 1\nb:\n  c: 1\n  c: 2\n",
        "? [1]\n: 2\n",
        "plain scalar at the root\n",
        "[" * 201 + "]" * 201 + "\n",
    ],
)
def test_a_text_without_anchors_is_built_as_with_them(text: str) -> None:
    with_tracking, as_tree = _built_both_ways(text)
    assert as_tree == with_tracking


def test_too_many_nodes_are_refused_without_anchors_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("charter.load.yaml12.MAX_NODES_PER_DOCUMENT", 10)
    with pytest.raises(YamlError, match="too many nodes"):
        parse_yaml_documents("[" + ", ".join("x" * 11) + "]\n")


@settings(max_examples=200, deadline=None)
@given(documents)
def test_any_emitted_document_is_built_as_with_anchors(value: object) -> None:
    with_tracking, as_tree = _built_both_ways(yaml.dump(value, Dumper=yaml.CSafeDumper, allow_unicode=True))
    assert as_tree == with_tracking
