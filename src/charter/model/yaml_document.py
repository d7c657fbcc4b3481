"""One parsed document of a YAML stream, as the loader reads it and the store's parse cache keeps
it: its value and where it starts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """One document of a YAML stream: its value, index in the file, and where it starts."""

    data: Any
    index: int
    line: int
    column: int
    json_safe: bool = True  # only string keys: survives a JSON round trip unchanged
    # No `.inf` or `.nan` in its file: orjson (which writes them as null) can encode it for the cache.
    finite: bool = field(default=True, compare=False)
