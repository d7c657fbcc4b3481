"""One parsed document of a YAML stream, as the loader reads it and the local parse cache keeps
it: its value and where it starts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """One document of a YAML stream: its value, index in the file, and where it starts."""

    data: Any
    index: int
    line: int
    column: int
