"""The reports' JSON text: what `json.dumps(value, indent=2)` lays out, character for character,
except that text is UTF-8 rather than `\\u` escapes and a number that is not finite is `null`."""

from __future__ import annotations

import enum
import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from charter.outputs.json_text import indented_json

SCALARS = st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.text()
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
def test_the_layout_of_the_standard_library(value: Any) -> None:
    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=8))
def test_numbers_read_back_as_they_were(numbers: list[float]) -> None:
    assert json.loads(indented_json({"values": numbers})) == {"values": numbers}


class Band(enum.StrEnum):
    ELITE = "elite"


def test_empty_containers_nesting_and_values_json_cannot_spell() -> None:
    value = {
        "a": [],
        "b": {},
        "c": [{"d": None, "e": True}],
        "é→": [math.nan, -math.inf, np.float64(0.5)],
        3: Band.ELITE,
    }
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
        '  "é→": [\n'
        "    null,\n"
        "    null,\n"
        "    0.5\n"
        "  ],\n"
        '  "3": "elite"\n'
        "}"
    )


def test_what_json_has_no_form_for_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        indented_json({"when": object()})
