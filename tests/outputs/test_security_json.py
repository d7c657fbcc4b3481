"""`charter security --format json` writes its indented JSON itself, faster than the standard library:
it must be the standard library's `json.dumps(value, indent=2)` character for character."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charter.outputs.security import indented_json

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()  # any code point: non-ASCII, control characters and surrogates are escaped
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)


@given(VALUES)
def test_the_same_text_as_the_standard_library(value: Any) -> None:
    assert indented_json(value) == json.dumps(value, indent=2)


def test_empty_containers_nesting_and_the_values_json_spells_its_own_way() -> None:
    value = {"a": [], "b": {}, "c": [{"d": None, "e": True}], "é→": [math.nan, -math.inf, 1e300, 0.1]}
    assert indented_json(value) == (
        "{\n"
        '  "a": [],\n'
        '  "b": {},\n'
        '  "c": [\n'
        "    {\n"
        '      "d": null,\n'
        '      "e": true\n'
        "    }\n"
        "  ],\n"
        '  "\\u00e9\\u2192": [\n'
        "    NaN,\n"
        "    -Infinity,\n"
        "    1e+300,\n"
        "    0.1\n"
        "  ]\n"
        "}"
    )


def test_what_json_cannot_hold_is_refused() -> None:
    with pytest.raises(TypeError):
        indented_json({"when": object()})
    with pytest.raises(TypeError):
        indented_json({1: "a key that is not text"})
