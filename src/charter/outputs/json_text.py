"""Indented JSON text for the reports' `--format json`, written by orjson: the layout of
`json.dumps(value, indent=2)` (keys in insertion order, two-space indent), at a tenth of its cost,
which matters for reports over a million deployments or hundreds of thousands of findings. Text is
UTF-8 rather than `\\u` escapes, and a number that is not finite is `null` (the standard library
writes `NaN`, which is not JSON)."""

from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def indented_json(value: Any) -> str:
    """`value` (dicts, lists, tuples, text, numbers, booleans, None, enums, numpy values) as indented
    JSON text; TypeError for anything else."""
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except orjson.JSONEncodeError as error:
        raise TypeError(str(error)) from error
